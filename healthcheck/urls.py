from django.urls import path

from healthcheck import framework_views as fv
from healthcheck import views

app_name = "healthcheck"
urlpatterns = [
    path("", views.health_check_list, name="list"),
    path("new/", views.start_choose, name="start_choose"),
    path("new/<slug:slug>/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/criteria/<str:code>/", views.criterion, name="criterion"),
    path("<int:pk>/criteria/<str:code>/evidence/", views.add_evidence, name="add_evidence"),
    path("<int:pk>/criteria/<str:code>/actions/", views.add_action, name="add_action"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.evidence_file, name="evidence_file"),
    path("<int:pk>/evidence/<int:evidence_pk>/remove/", views.remove_evidence, name="remove_evidence"),
    path("<int:pk>/refresh-figures/", views.refresh_figures, name="refresh_figures"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path("<int:pk>/export.csv", views.export_csv, name="export_csv"),
    path("heatmap/", views.heatmap, name="heatmap"),
    path("heatmap/<slug:slug>/", views.partnership_heatmap, name="partnership_heatmap"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/<int:action_pk>/", views.action_edit, name="action_edit"),
    path("frameworks/", fv.framework_list, name="framework_list"),
    path("frameworks/new/", fv.framework_create, name="framework_create"),
    path("frameworks/import/", fv.framework_import, name="framework_import"),
    path("frameworks/<int:framework_pk>/", fv.framework_detail, name="framework_detail"),
    path("frameworks/<int:framework_pk>/export.json", fv.framework_export, name="framework_export"),
    path("frameworks/<int:framework_pk>/edit/", fv.framework_edit, name="framework_edit"),
    path("frameworks/<int:framework_pk>/new-version/", fv.framework_new_version, name="framework_new_version"),
    path("frameworks/<int:framework_pk>/publish/", fv.framework_publish, name="framework_publish"),
    path("frameworks/<int:framework_pk>/delete/", fv.framework_delete, name="framework_delete"),
    path("frameworks/<int:framework_pk>/areas/new/", fv.area_form, name="area_create"),
    path("frameworks/<int:framework_pk>/areas/<int:area_pk>/", fv.area_form, name="area_edit"),
    path("frameworks/<int:framework_pk>/areas/<int:area_pk>/delete/", fv.area_delete, name="area_delete"),
    path("frameworks/<int:framework_pk>/criteria/new/", fv.criterion_form, name="criterion_create"),
    path("frameworks/<int:framework_pk>/criteria/<int:criterion_pk>/", fv.criterion_form, name="criterion_edit"),
    path(
        "frameworks/<int:framework_pk>/criteria/<int:criterion_pk>/delete/",
        fv.criterion_delete,
        name="criterion_delete",
    ),
]
