"""Stable addresses (DESIGN.md): /organisations/, /organisations/<pk>/, /partnerships/,
/partnerships/<slug>/; everything inside a partnership lives under its address."""

from django.urls import path

from partnerships.views import aims, details, governance, organisations, partners, people

app_name = "partnerships"
P = "partnerships/<slug:slug>/"
urlpatterns = [
    path("organisations/", organisations.organisation_list, name="organisation_list"),
    path("organisations/new/", organisations.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", organisations.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", organisations.organisation_edit, name="organisation_edit"),
    path("partnerships/", details.partnership_list, name="partnership_list"),
    path("partnerships/new/", details.partnership_create, name="partnership_create"),
    path(P, details.partnership_detail, name="partnership_detail"),
    path(P + "edit/", details.partnership_edit, name="partnership_edit"),
    path(P + "history/", details.partnership_history, name="partnership_history"),
    path(P + "sections/<slug:key>/", details.partnership_section, name="partnership_section"),
    path(P + "partners/add/", partners.partner_add, name="partner_add"),
    path(P + "partners/<int:pk>/edit/", partners.partner_edit, name="partner_edit"),
    path(P + "partners/<int:pk>/left/", partners.partner_end, name="partner_end"),
    path(P + "aims/add/", aims.aim_add, name="aim_add"),
    path(P + "aims/<int:pk>/edit/", aims.aim_edit, name="aim_edit"),
    path(P + "aims/<int:pk>/remove/", aims.aim_delete, name="aim_delete"),
    path(P + "aims/<int:aim_pk>/outcomes/add/", aims.outcome_add, name="outcome_add"),
    path(P + "outcomes/<int:pk>/", aims.outcome_detail, name="outcome_detail"),
    path(P + "outcomes/<int:pk>/edit/", aims.outcome_edit, name="outcome_edit"),
    path(P + "outcomes/<int:pk>/remove/", aims.outcome_delete, name="outcome_delete"),
    path(P + "governance/add/", governance.group_add, name="group_add"),
    path(P + "governance/<int:pk>/", governance.group_detail, name="group_detail"),
    path(P + "governance/<int:pk>/edit/", governance.group_edit, name="group_edit"),
    path(P + "governance/<int:pk>/meetings/add/", governance.meeting_add, name="meeting_add"),
    path(P + "meetings/<int:pk>/edit/", governance.meeting_edit, name="meeting_edit"),
    path(P + "meetings/<int:pk>/actions/add/", governance.decision_action_add, name="decision_action_add"),
    path(P + "meeting-actions/<int:pk>/", governance.decision_action_edit, name="decision_action_edit"),
    path(P + "people/", people.membership_list, name="membership_list"),
    path(P + "people/add/", people.membership_invite, name="membership_invite"),
    path(P + "people/<int:pk>/edit/", people.membership_edit, name="membership_edit"),
    path(P + "people/<int:pk>/remove/", people.membership_remove, name="membership_remove"),
]
