"""Who may open each health check page (a GET; POST-only actions answer 405 to those allowed)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from healthcheck.models import FrameworkStatus
from healthcheck.services import action_plans, running
from tests.access import LOGIN, Row, members, roles, signed_in, site_admin_only
from tests.healthcheck import factories as hf

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
RUN = ("coordinator", "lead")


def _hc(w):
    return {"pk": hf.health_check(w).pk}


def _criterion(w):
    return {"pk": hf.health_check(w).pk, "code": "A1"}


def _evidence(w):
    hc = hf.health_check(w)
    upload = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
    evidence = running.add_evidence(
        w.user("coordinator"), hc.ratings.get(criterion__code="A1"), kind="file", title="Minutes", upload=upload
    )
    return {"pk": hc.pk, "evidence_pk": evidence.pk}


def _submitted(w):
    return {"pk": hf.complete(w, hf.health_check(w)).pk}


def _signed_off(w):
    return {"pk": hf.signed_off(w).pk}


def _action(w):
    import datetime as dt

    hc = hf.health_check(w)
    action = action_plans.add_action(
        w.user("coordinator"),
        hc.ratings.get(criterion__code="A1"),
        description="Agree a plan",
        owner=w.user("coordinator"),
        due_on=dt.date(2027, 1, 31),
    )
    return {"action_pk": action.pk}


def _framework(w):
    return {"framework_pk": hf.framework(family="readable").pk}


def _draft(w):
    return {"framework_pk": hf.framework(family="draft", status=FrameworkStatus.DRAFT).pk}


def _draft_area(w):
    fw = hf.framework(family="draft", status=FrameworkStatus.DRAFT)
    return {"framework_pk": fw.pk, "area_pk": fw.areas.first().pk}


def _draft_criterion(w):
    fw = hf.framework(family="draft", status=FrameworkStatus.DRAFT)
    return {"framework_pk": fw.pk, "criterion_pk": fw.areas.first().criteria.first().pk}


ROWS: list[Row] = [
    Row("healthcheck:list", signed_in()),
    Row(
        "healthcheck:start_choose",
        # Someone who can run health checks in exactly one partnership goes straight to it.
        {
            "anonymous": LOGIN,
            "non_member": 302,
            "member": 200,
            "coordinator": 302,
            "signatory": 200,
            "lead": 302,
            "admin": 200,
            "student": 200,
            "educator": 200,
        },
    ),
    Row("healthcheck:start", roles(*RUN), kwargs=lambda w: {"slug": w.partnership.slug}),
    Row("healthcheck:detail", members(), kwargs=_hc),
    Row("healthcheck:criterion", members(), kwargs=_criterion),
    Row("healthcheck:add_evidence", roles(*RUN, ok=405), kwargs=_criterion, note="POST only"),
    Row("healthcheck:add_action", roles(*RUN, ok=405), kwargs=_criterion, note="POST only"),
    Row("healthcheck:evidence_file", members(), kwargs=_evidence),
    Row("healthcheck:remove_evidence", roles(*RUN), kwargs=_evidence),
    Row("healthcheck:refresh_figures", roles(*RUN, ok=405), kwargs=_hc, note="POST only"),
    Row("healthcheck:submit", roles(*RUN), kwargs=_hc),
    Row("healthcheck:sign_off", roles("signatory", admin=403), kwargs=_hc, note="signing is personal"),
    Row("healthcheck:reopen", roles(*RUN), kwargs=_signed_off),
    Row("healthcheck:change_signatory", roles(*RUN), kwargs=_submitted, note="waiting for sign-off"),
    Row("healthcheck:pdf", members(), kwargs=_hc),
    Row("healthcheck:export_csv", members(), kwargs=_hc),
    Row("healthcheck:heatmap", site_admin_only()),
    Row("healthcheck:partnership_heatmap", members(), kwargs=lambda w: {"slug": w.partnership.slug}),
    Row("healthcheck:action_list", signed_in()),
    Row("healthcheck:action_edit", members(), kwargs=_action),
    Row("healthcheck:framework_list", signed_in()),
    Row("healthcheck:framework_detail", signed_in(), kwargs=_framework),
    Row("healthcheck:framework_export", signed_in(), kwargs=_framework),
    Row("healthcheck:framework_create", site_admin_only()),
    Row("healthcheck:framework_import", site_admin_only()),
    Row("healthcheck:framework_edit", site_admin_only(), kwargs=_draft),
    Row("healthcheck:framework_new_version", site_admin_only(ok=405), kwargs=_framework, note="POST only"),
    Row("healthcheck:framework_publish", site_admin_only(ok=405), kwargs=_draft, note="POST only"),
    Row("healthcheck:framework_delete", site_admin_only(), kwargs=_draft),
    Row("healthcheck:area_create", site_admin_only(), kwargs=_draft),
    Row("healthcheck:area_edit", site_admin_only(), kwargs=_draft_area),
    Row("healthcheck:area_delete", site_admin_only(), kwargs=_draft_area),
    Row("healthcheck:criterion_create", site_admin_only(), kwargs=_draft),
    Row("healthcheck:criterion_edit", site_admin_only(), kwargs=_draft_criterion),
    Row("healthcheck:criterion_delete", site_admin_only(), kwargs=_draft_criterion),
]
