"""Workforce planning pages. Included at the site root, so paths are written in full."""

from django.urls import path

from workforce import views

app_name = "workforce"

urlpatterns = [
    path("workforce/", views.index, name="index"),
    path("workforce/partnership/<slug:slug>/", views.partnership_page, name="partnership"),
    path(
        "workforce/partnership/<slug:slug>/figures/<int:employer_id>/<str:service>/<int:year>/",
        views.figures_edit,
        name="figures_edit",
    ),
    path("workforce/partnership/<slug:slug>/sharing/<int:employer_id>/", views.sharing_edit, name="sharing_edit"),
    path("workforce/partnership/<slug:slug>/forecast/", views.forecast_page, name="forecast"),
    path("workforce/partnership/<slug:slug>/forecast.xlsx", views.forecast_export, name="forecast_export"),
    path("workforce/partnership/<slug:slug>/scenarios/<int:pk>/", views.scenario_detail, name="scenario_detail"),
    path("workforce/partnership/<slug:slug>/import/", views.import_start, name="import_start"),
    path("workforce/partnership/<slug:slug>/import/figures/", views.import_figures, name="import_figures"),
    path(
        "workforce/partnership/<slug:slug>/import/figures-template.xlsx",
        views.figures_template,
        name="figures_template",
    ),
    path("workforce/partnership/<slug:slug>/import/staff-list/", views.import_staff_list, name="import_staff_list"),
    path("workforce/import-templates/staff-list.xlsx", views.staff_list_template, name="staff_list_template"),
    path("workforce/imports/<int:pk>/", views.import_detail, name="import_detail"),
]
