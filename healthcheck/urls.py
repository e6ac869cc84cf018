from django.urls import path

from healthcheck.views import action_plans, exports, frameworks, lists, running, signing

app_name = "healthcheck"
urlpatterns = [
    path("", lists.health_check_list, name="list"),
    path("new/", lists.start_choose, name="start_choose"),
    path("new/<slug:slug>/", running.start, name="start"),
    path("<int:pk>/", running.detail, name="detail"),
    path("<int:pk>/criteria/<str:code>/", running.criterion, name="criterion"),
    path("<int:pk>/criteria/<str:code>/evidence/", running.add_evidence, name="add_evidence"),
    path("<int:pk>/criteria/<str:code>/actions/", running.add_action, name="add_action"),
    path("<int:pk>/evidence/<int:evidence_pk>/", running.evidence_file, name="evidence_file"),
    path("<int:pk>/evidence/<int:evidence_pk>/remove/", running.remove_evidence, name="remove_evidence"),
    path("<int:pk>/refresh-figures/", running.refresh_figures, name="refresh_figures"),
    path("<int:pk>/submit/", signing.submit, name="submit"),
    path("<int:pk>/sign-off/", signing.sign_off, name="sign_off"),
    path("<int:pk>/signatory/", signing.change_signatory, name="change_signatory"),
    path("<int:pk>/reopen/", signing.reopen, name="reopen"),
    path("<int:pk>/pdf/", exports.pdf, name="pdf"),
    path("<int:pk>/export.csv", exports.export_csv, name="export_csv"),
    path("heatmap/", lists.heatmap, name="heatmap"),
    path("heatmap/<slug:slug>/", lists.partnership_heatmap, name="partnership_heatmap"),
    path("actions/", action_plans.action_list, name="action_list"),
    path("actions/<int:action_pk>/", action_plans.action_edit, name="action_edit"),
    path("frameworks/", frameworks.framework_list, name="framework_list"),
    path("frameworks/new/", frameworks.framework_create, name="framework_create"),
    path("frameworks/import/", frameworks.framework_import, name="framework_import"),
    path("frameworks/<int:framework_pk>/", frameworks.framework_detail, name="framework_detail"),
    path("frameworks/<int:framework_pk>/export.json", frameworks.framework_export, name="framework_export"),
    path("frameworks/<int:framework_pk>/edit/", frameworks.framework_edit, name="framework_edit"),
    path("frameworks/<int:framework_pk>/new-version/", frameworks.framework_new_version, name="framework_new_version"),
    path("frameworks/<int:framework_pk>/publish/", frameworks.framework_publish, name="framework_publish"),
    path("frameworks/<int:framework_pk>/delete/", frameworks.framework_delete, name="framework_delete"),
    path("frameworks/<int:framework_pk>/areas/new/", frameworks.area_form, name="area_create"),
    path("frameworks/<int:framework_pk>/areas/<int:area_pk>/", frameworks.area_form, name="area_edit"),
    path("frameworks/<int:framework_pk>/areas/<int:area_pk>/delete/", frameworks.area_delete, name="area_delete"),
    path("frameworks/<int:framework_pk>/criteria/new/", frameworks.criterion_form, name="criterion_create"),
    path(
        "frameworks/<int:framework_pk>/criteria/<int:criterion_pk>/", frameworks.criterion_form, name="criterion_edit"
    ),
    path(
        "frameworks/<int:framework_pk>/criteria/<int:criterion_pk>/delete/",
        frameworks.criterion_delete,
        name="criterion_delete",
    ),
]
