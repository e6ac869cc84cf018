from django.urls import path

from matching import views

app_name = "matching"

urlpatterns = [
    path("partnerships/<slug:slug>/preference-rounds/", views.round_list, name="round_list"),
    path("partnerships/<slug:slug>/preference-rounds/new/", views.round_create, name="round_create"),
    path("preference-rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("preference-rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("preference-rounds/<int:pk>/status/<str:action>/", views.round_move, name="round_move"),
    path("preference-rounds/<int:pk>/students/<int:student_pk>/", views.preferences, name="preferences"),
    path("preference-rounds/<int:pk>/students/<int:student_pk>/remove/", views.remove_student, name="remove_student"),
    path("preference-rounds/<int:pk>/students/<int:student_pk>/pin/", views.pin, name="pin"),
    path("preference-rounds/<int:pk>/proposal/", views.proposal, name="proposal"),
    path("your-placements/preference-rounds/<int:pk>/", views.my_preferences, name="my_preferences"),
    path("preference-rounds/<int:pk>/proposal/run/", views.proposal_run, name="proposal_run"),
    path("preference-rounds/<int:pk>/proposal/confirm/", views.confirm, name="confirm"),
    path("preference-rounds/<int:pk>/pins/<int:pin_pk>/remove/", views.unpin, name="unpin"),
]
