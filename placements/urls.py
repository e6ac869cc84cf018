"""Placement pages. Included at the site root, so paths are written in full."""

from django.urls import path

from placements import views

app_name = "placements"

urlpatterns = [
    path("placements/", views.placement_list, name="list"),
    path("placements/sufficiency/", views.sufficiency, name="sufficiency"),
    path("placements/offers/", views.offer_list, name="offer_list"),
    path("placements/offers/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("placements/offers/<int:pk>/edit/", views.offer_edit, name="offer_edit"),
    path("placements/offers/<int:pk>/audit/", views.offer_audit, name="offer_audit"),
    path("placements/students/", views.student_list, name="student_list"),
    path("placements/students/<int:pk>/", views.student_detail, name="student_detail"),
    path("placements/students/<int:pk>/edit/", views.student_edit, name="student_edit"),
    path("placements/students/<int:pk>/skills-days/new/", views.skills_days_create, name="skills_days_create"),
    path(
        "placements/students/<int:pk>/checks/<int:requirement_pk>/",
        views.student_check_record,
        name="student_check_record",
    ),
    path("placements/student-checks/<int:pk>/remove/", views.student_check_remove, name="student_check_remove"),
    path("placements/checks/<int:pk>/edit/", views.requirement_edit, name="requirement_edit"),
    path("placements/checks/<int:pk>/remove/", views.requirement_remove, name="requirement_remove"),
    path("placements/students/<int:pk>/place/", views.placement_create, name="placement_create"),
    path("placements/students/<int:pk>/everything.json", views.student_export, name="student_export"),
    path("placements/<int:pk>/", views.placement_detail, name="placement_detail"),
    path("placements/<int:pk>/status/", views.placement_status, name="placement_status"),
    path("placements/<int:pk>/reviews/new/", views.review_create, name="review_create"),
    path("placements/programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("placements/programmes/<int:pk>/demand/", views.demand_edit, name="demand_edit"),
    path("placements/imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("placements/import-templates/<str:kind>.<str:fmt>", views.import_template, name="import_template"),
    path("placements/partnership/<slug:slug>/offers/new/", views.offer_create, name="offer_create"),
    path("placements/partnership/<slug:slug>/students/new/", views.student_create, name="student_create"),
    path("placements/partnership/<slug:slug>/programmes/", views.programme_list, name="programme_list"),
    path("placements/partnership/<slug:slug>/programmes/new/", views.programme_create, name="programme_create"),
    path("placements/partnership/<slug:slug>/commitments/", views.commitment_edit, name="commitment_edit"),
    path("placements/partnership/<slug:slug>/checks/", views.check_list, name="check_list"),
    path("placements/partnership/<slug:slug>/checks/new/", views.requirement_create, name="requirement_create"),
    path("placements/partnership/<slug:slug>/quality/", views.quality, name="quality"),
    path("placements/partnership/<slug:slug>/import/", views.import_start, name="import_start"),
    path("placements/partnership/<slug:slug>/data-protection/", views.data_protection, name="data_protection"),
    path("practice-educators/", views.educator_list, name="educator_list"),
    path("practice-educators/<int:pk>/", views.educator_detail, name="educator_detail"),
    path("practice-educators/<int:pk>/edit/", views.educator_edit, name="educator_edit"),
    path("practice-educators/<int:pk>/everything.json", views.educator_export, name="educator_export"),
    path("practice-educators/partnership/<slug:slug>/new/", views.educator_create, name="educator_create"),
]
