from django.urls import path

from memoranda import views

app_name = "memoranda"
urlpatterns = [
    path("", views.memorandum_list, name="list"),
    path("verify/", views.verify, name="verify"),
    path("new/<slug:slug>/", views.create, name="create"),
    path("export/<slug:slug>/", views.export, name="export"),
    path("<int:pk>/", views.memorandum_detail, name="detail"),
    path("<int:pk>/pdf/", views.memorandum_pdf, name="pdf"),
    path("<int:pk>/details/", views.details, name="details"),
    path("<int:pk>/sections/new/", views.section_add, name="section_add"),
    path("<int:pk>/sections/order/", views.sections_order, name="sections_order"),
    path("<int:pk>/sections/<int:section_pk>/", views.section_edit, name="section_edit"),
    path("<int:pk>/sections/<int:section_pk>/remove/", views.section_remove, name="section_remove"),
    path("<int:pk>/parties/<int:party_pk>/", views.party_edit, name="party_edit"),
    path("<int:pk>/places/", views.places, name="places"),
    path("<int:pk>/comments/", views.comments, name="comments"),
    path("<int:pk>/comments/<int:comment_pk>/resolve/", views.comment_resolve, name="comment_resolve"),
    path("<int:pk>/send/", views.send, name="send"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/decline/", views.decline, name="decline"),
    path("<int:pk>/versions/", views.versions, name="versions"),
    path("<int:pk>/versions/<int:number>/pdf/", views.version_pdf, name="version_pdf"),
    path("<int:pk>/compare/", views.diff, name="compare"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/amend/", views.amend, name="amend"),
    path("<int:pk>/end/", views.end, name="end"),
]
