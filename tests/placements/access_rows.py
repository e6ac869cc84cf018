"""Who may open each placements page. The world's coordinator represents the world's employer,
so they maintain that employer's offers (the objects below belong to it)."""

import datetime as dt

from placements.models import ImportBatch, ImportKind, ImportStatus
from tests.access import LOGIN, MEMBER_ROLES, Row, members, roles, signed_in
from tests.placements.factories import placements_world


def _obj(name):
    return lambda w: {"pk": placements_world(w)[name].pk}


def _slug(w):
    return {"slug": w.partnership.slug}


def _slug_with_years(w):
    """The partnership, after building the placements world (academic years, offers)."""
    placements_world(w)
    return _slug(w)


def _with_placements(w):
    """No URL arguments; builds the placements world so a download has rows to leave out."""
    placements_world(w)
    return {}


def _batch(w):
    from django.core.files.base import ContentFile

    batch = ImportBatch(
        partnership=w.partnership,
        kind=ImportKind.OFFERS,
        original_name="offers.csv",
        status=ImportStatus.HAS_ERRORS,
        row_count=1,
        errors=[[2, "Employer is missing"]],
    )
    batch.file.save("offers.csv", ContentFile(b"employer\n\n"), save=True)
    return {"pk": batch.pk}


def _checks(w):
    """A check on the world's register and the world's student's record of it."""
    from placements.models import CheckRequirement, StudentCheck

    student = placements_world(w)["student"]
    requirement, _ = CheckRequirement.objects.get_or_create(
        partnership=w.partnership, name="Enhanced DBS check", defaults={"valid_for_months": 36}
    )
    entry, _ = StudentCheck.objects.get_or_create(
        student=student,
        requirement=requirement,
        defaults={"done_on": dt.date(2025, 1, 7), "expires_on": dt.date(2028, 1, 7)},
    )
    return student, requirement, entry


def _check_record(w):
    student, requirement, _ = _checks(w)
    return {"pk": student.pk, "requirement_pk": requirement.pk}


MANAGE = roles("coordinator", "lead")
# Downloads with a row per student: coordinators and leads only. The non-member leads another
# partnership, so they get a download of that partnership's rows (none of this one's). Students
# and practice educators who sign in (participants/) hold the right nowhere: refused, like a member.
NOWHERE = {"student": 403, "educator": 403}
STUDENT_ROWS = {**roles("coordinator", "lead"), "non_member": 200, **NOWHERE}
# The placements list's download is a job: those allowed are sent to its progress page.
STUDENT_ROWS_JOB = {**roles("coordinator", "lead", ok=302), "non_member": 302, **NOWHERE}

ROWS: list[Row] = [
    Row("placements:list", signed_in()),
    Row("placements:list", STUDENT_ROWS_JOB, kwargs=_with_placements, query="export=csv", note="student rows"),
    Row("placements:sufficiency", signed_in(), note="without a partnership it asks for one"),
    Row("placements:sufficiency", members(), query="partnership=matrix-tp", extra={"with": "partnership"}),
    Row("placements:offer_list", signed_in()),
    Row("placements:offer_detail", members(), kwargs=_obj("offer")),
    Row("placements:offer_edit", MANAGE, kwargs=_obj("offer")),
    Row("placements:offer_audit", MANAGE, kwargs=_obj("offer")),
    Row("placements:offer_create", MANAGE, kwargs=_slug),
    Row("placements:student_list", signed_in()),
    Row("placements:student_list", STUDENT_ROWS, kwargs=_with_placements, query="export=xlsx", note="student rows"),
    Row("placements:student_detail", members(), kwargs=_obj("student")),
    Row("placements:student_edit", MANAGE, kwargs=_obj("student")),
    Row("placements:student_create", MANAGE, kwargs=_slug),
    Row("placements:skills_days_create", MANAGE, kwargs=_obj("student")),
    Row("placements:student_export", MANAGE, kwargs=_obj("student"), note="everything held on one student"),
    Row("placements:placement_create", MANAGE, kwargs=_obj("student")),
    Row("placements:check_list", members(), kwargs=_slug, note="the register and the checks expiring soon"),
    Row("placements:requirement_create", MANAGE, kwargs=_slug),
    Row("placements:requirement_edit", MANAGE, kwargs=lambda w: {"pk": _checks(w)[1].pk}),
    Row("placements:requirement_remove", MANAGE, kwargs=lambda w: {"pk": _checks(w)[1].pk}),
    Row(
        "placements:student_check_record",
        MANAGE,
        kwargs=_check_record,
        note="changes the record when there is one",
    ),
    Row("placements:student_check_remove", MANAGE, kwargs=lambda w: {"pk": _checks(w)[2].pk}),
    Row("placements:placement_detail", members(), kwargs=_obj("placement")),
    Row("placements:placement_status", MANAGE, kwargs=_obj("placement")),
    Row("placements:review_create", MANAGE, kwargs=_obj("placement")),
    Row("placements:programme_list", members(), kwargs=_slug),
    Row("placements:programme_create", MANAGE, kwargs=_slug),
    Row("placements:programme_edit", MANAGE, kwargs=_obj("programme")),
    Row("placements:demand_edit", MANAGE, kwargs=_obj("programme")),
    Row("placements:commitment_edit", MANAGE, kwargs=_slug_with_years),
    Row("placements:quality", members(), kwargs=_slug),
    Row("placements:import_start", MANAGE, kwargs=_slug),
    Row("placements:data_protection", MANAGE, kwargs=_slug, note="leads change it; coordinators see it"),
    Row("placements:import_detail", MANAGE, kwargs=_batch),
    Row("placements:import_template", signed_in(), kwargs=lambda w: {"kind": "offers", "fmt": "csv"}),
    Row("placements:educator_list", signed_in()),
    Row("placements:educator_detail", members(), kwargs=_obj("educator")),
    Row("placements:educator_edit", MANAGE, kwargs=_obj("educator")),
    Row("placements:educator_export", MANAGE, kwargs=_obj("educator"), note="everything held on one educator"),
    Row("placements:educator_create", MANAGE, kwargs=_slug),
]

__all__ = ["ROWS", "LOGIN", "MEMBER_ROLES"]
