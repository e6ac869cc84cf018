from django.urls import path

from memoranda.views import comments, drafting, lifecycle, lists, pages, sections, signing, verification

app_name = "memoranda"
urlpatterns = [
    path("", lists.memorandum_list, name="list"),
    path("verify/", verification.verify, name="verify"),
    path("new/<slug:slug>/", drafting.create, name="create"),
    path("export/<slug:slug>/", lists.export, name="export"),
    path("<int:pk>/", pages.memorandum_detail, name="detail"),
    path("<int:pk>/pdf/", pages.memorandum_pdf, name="pdf"),
    path("<int:pk>/details/", drafting.details, name="details"),
    path("<int:pk>/sections/new/", sections.section_add, name="section_add"),
    path("<int:pk>/sections/order/", sections.sections_order, name="sections_order"),
    path("<int:pk>/sections/<int:section_pk>/", sections.section_edit, name="section_edit"),
    path("<int:pk>/sections/<int:section_pk>/remove/", sections.section_remove, name="section_remove"),
    path("<int:pk>/parties/<int:party_pk>/", drafting.party_edit, name="party_edit"),
    path("<int:pk>/places/", drafting.places, name="places"),
    path("<int:pk>/comments/", comments.comments, name="comments"),
    path("<int:pk>/comments/<int:comment_pk>/resolve/", comments.comment_resolve, name="comment_resolve"),
    path("<int:pk>/send/", signing.send, name="send"),
    path("<int:pk>/withdraw/", signing.withdraw, name="withdraw"),
    path("<int:pk>/sign/", signing.sign, name="sign"),
    path("<int:pk>/decline/", signing.decline, name="decline"),
    path("<int:pk>/versions/", pages.versions, name="versions"),
    path("<int:pk>/versions/<int:number>/pdf/", pages.version_pdf, name="version_pdf"),
    path("<int:pk>/compare/", pages.diff, name="compare"),
    path("<int:pk>/review/", lifecycle.review, name="review"),
    path("<int:pk>/amend/", lifecycle.amend, name="amend"),
    path("<int:pk>/end/", lifecycle.end, name="end"),
]
