"""Stable addresses (DESIGN.md): /organisations/, /organisations/<pk>/, /partnerships/,
/partnerships/<slug>/; everything inside a partnership lives under its address."""

from django.urls import path

from partnerships import views

app_name = "partnerships"
P = "partnerships/<slug:slug>/"
urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("partnerships/", views.partnership_list, name="partnership_list"),
    path("partnerships/new/", views.partnership_create, name="partnership_create"),
    path(P, views.partnership_detail, name="partnership_detail"),
    path(P + "edit/", views.partnership_edit, name="partnership_edit"),
    path(P + "history/", views.partnership_history, name="partnership_history"),
    path(P + "sections/<slug:key>/", views.partnership_section, name="partnership_section"),
    path(P + "partners/add/", views.partner_add, name="partner_add"),
    path(P + "partners/<int:pk>/edit/", views.partner_edit, name="partner_edit"),
    path(P + "partners/<int:pk>/left/", views.partner_end, name="partner_end"),
    path(P + "aims/add/", views.aim_add, name="aim_add"),
    path(P + "aims/<int:pk>/edit/", views.aim_edit, name="aim_edit"),
    path(P + "aims/<int:pk>/remove/", views.aim_delete, name="aim_delete"),
    path(P + "aims/<int:aim_pk>/outcomes/add/", views.outcome_add, name="outcome_add"),
    path(P + "outcomes/<int:pk>/edit/", views.outcome_edit, name="outcome_edit"),
    path(P + "outcomes/<int:pk>/remove/", views.outcome_delete, name="outcome_delete"),
    path(P + "governance/add/", views.group_add, name="group_add"),
    path(P + "governance/<int:pk>/", views.group_detail, name="group_detail"),
    path(P + "governance/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path(P + "governance/<int:pk>/meetings/add/", views.meeting_add, name="meeting_add"),
    path(P + "meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path(P + "people/", views.membership_list, name="membership_list"),
    path(P + "people/add/", views.membership_invite, name="membership_invite"),
    path(P + "people/<int:pk>/edit/", views.membership_edit, name="membership_edit"),
    path(P + "people/<int:pk>/remove/", views.membership_remove, name="membership_remove"),
]
