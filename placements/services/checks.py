"""Pre-placement checks: the register of checks a partnership requires (leads and coordinators
keep it), each student's record of the checks done, and the rule that a placement is confirmed
only with every required check done and still valid on its first day, or with a reason."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from partnerships.access import require
from partnerships.services.common import apply, as_new, labels, save_or_refuse
from placements.actions import Action
from placements.models import CheckRequirement, Student, StudentCheck
from placements.permissions import PlacementPerm
from placements.rules import check_expiry, check_valid_on
from placements.services.common import student_subjects
from portal.audit import record
from portal.concurrency import refuse_stale
from portal.dates import long_date

REQUIREMENT_FIELDS = ["name", "valid_for_months", "required"]
STUDENT_CHECK_FIELDS = ["done_on", "expires_on", "note"]
DUPLICATE_NAME = {"name": "This partnership already has a check with this name"}


# --- The partnership's register -----------------------------------------------------------------


def _refuse_duplicate_name(requirement: CheckRequirement) -> None:
    requirement.name = " ".join(requirement.name.split())
    if (
        CheckRequirement.objects.filter(partnership_id=requirement.partnership_id, name__iexact=requirement.name)
        .exclude(pk=requirement.pk)
        .exists()
    ):
        raise ValidationError(DUPLICATE_NAME)


@transaction.atomic
def add_requirement(actor, partnership, *, data: dict) -> CheckRequirement:
    require(actor, partnership, PlacementPerm.MANAGE)
    requirement = CheckRequirement(partnership=partnership)
    apply(requirement, data, REQUIREMENT_FIELDS, _refuse_duplicate_name)
    save_or_refuse(requirement, DUPLICATE_NAME)
    record(
        actor,
        Action.CHECK_REQUIREMENT_ADDED,
        requirement,
        changes=as_new(requirement, REQUIREMENT_FIELDS),
        summary=f"Added the pre-placement check “{requirement.name}”",
        partnership_id=partnership.pk,
    )
    return requirement


@transaction.atomic
def update_requirement(actor, requirement: CheckRequirement, *, data: dict, base_revision) -> CheckRequirement:
    """Change a check on the register. Students' expiry dates already recorded stay as they are
    (they were worked out, or entered, when the check was recorded)."""
    require(actor, requirement.partnership_id, PlacementPerm.MANAGE)
    locked = CheckRequirement.objects.select_for_update().get(pk=requirement.pk)
    refuse_stale(locked, base_revision)
    changes = apply(locked, data, REQUIREMENT_FIELDS, _refuse_duplicate_name)
    if not changes:
        return locked
    locked.revision += 1
    save_or_refuse(locked, DUPLICATE_NAME)
    record(
        actor,
        Action.CHECK_REQUIREMENT_UPDATED,
        locked,
        changes=changes,
        summary=f"Changed the pre-placement check “{locked.name}”: {labels(CheckRequirement, changes)}",
        partnership_id=locked.partnership_id,
    )
    return locked


@transaction.atomic
def remove_requirement(actor, requirement: CheckRequirement) -> int:
    """Take a check off the register, with the students' records of it; returns how many went."""
    require(actor, requirement.partnership_id, PlacementPerm.MANAGE)
    locked = CheckRequirement.objects.select_for_update().get(pk=requirement.pk)
    records = locked.records.count()
    record(
        actor,
        Action.CHECK_REQUIREMENT_REMOVED,
        locked,
        changes={"name": [locked.name, None], "records": [records, 0]},
        summary=f"Removed the pre-placement check “{locked.name}”"
        + (f" and {records} student record{'s' if records != 1 else ''} of it" if records else ""),
        partnership_id=locked.partnership_id,
    )
    locked.delete()
    return records


# --- A student's checks -------------------------------------------------------------------------


def _locked_student(student: Student) -> Student:
    locked = Student.objects.select_for_update().get(pk=student.pk)
    if locked.purged_on:
        raise ValidationError("This student's personal data has been removed: nothing more can be recorded")
    return locked


def _check_dates(entry: StudentCheck, today: dt.date) -> None:
    if entry.done_on > today:
        raise ValidationError({"done_on": "The date done cannot be in the future"})
    if entry.expires_on is None:
        # Worked out from the check's rule unless entered (a certificate with its own date).
        entry.expires_on = check_expiry(entry.done_on, entry.requirement.valid_for_months)
    if entry.expires_on is not None and entry.expires_on <= entry.done_on:
        raise ValidationError({"expires_on": "The expiry date must be after the date done"})


@transaction.atomic
def record_check(
    actor,
    student: Student,
    requirement: CheckRequirement,
    *,
    data: dict,
    today: dt.date,
    entry: StudentCheck | None = None,
    base_revision=None,
) -> StudentCheck:
    """Record that a student has had a check, or change the record (`entry`). The expiry date
    is worked out from the check's rule when it is left empty."""
    require(actor, student.partnership_id, PlacementPerm.MANAGE)
    if requirement.partnership_id != student.partnership_id:
        raise ValidationError("Choose a check on the student's partnership's register")
    locked_student = _locked_student(student)
    if entry is None:
        if StudentCheck.objects.filter(student=locked_student, requirement=requirement).exists():
            raise ValidationError("This check is already recorded for this student: change it instead")
        entry = StudentCheck(student=locked_student, requirement=requirement)
        before_new = True
    else:
        entry = StudentCheck.objects.select_for_update().select_related("requirement").get(pk=entry.pk)
        refuse_stale(entry, base_revision)
        before_new = False
    changes = apply(entry, data, STUDENT_CHECK_FIELDS, lambda obj: _check_dates(obj, today))
    if before_new:
        changes = as_new(entry, STUDENT_CHECK_FIELDS)
    elif not changes:
        return entry
    else:
        entry.revision += 1
    entry.recorded_by = actor
    save_or_refuse(entry, "This check is already recorded for this student: change it instead")
    until = f", valid until {long_date(entry.expires_on)}" if entry.expires_on else ""
    # Recorded against the student, so it shows in their History and goes with their data.
    record(
        actor,
        Action.STUDENT_CHECK_RECORDED if before_new else Action.STUDENT_CHECK_UPDATED,
        locked_student,
        changes={f"{requirement.name}: {name}": value for name, value in changes.items() if name != "note"}
        | ({"note": ["(not recorded)", "(not recorded)"]} if "note" in changes else {}),
        summary=f"{'Recorded' if before_new else 'Changed'} {requirement.name} for {locked_student.reference}: "
        f"done {long_date(entry.done_on)}{until}",
        partnership_id=locked_student.partnership_id,
        subjects=student_subjects(locked_student),
    )
    return entry


@transaction.atomic
def remove_check(actor, entry: StudentCheck) -> None:
    student = entry.student
    require(actor, student.partnership_id, PlacementPerm.MANAGE)
    locked_student = _locked_student(student)
    locked = StudentCheck.objects.select_for_update().select_related("requirement").get(pk=entry.pk)
    record(
        actor,
        Action.STUDENT_CHECK_REMOVED,
        locked_student,
        changes={f"{locked.requirement.name}: done_on": [str(locked.done_on), None]},
        summary=f"Removed the record of {locked.requirement.name} for {locked_student.reference}",
        partnership_id=locked_student.partnership_id,
        subjects=student_subjects(locked_student),
    )
    locked.delete()


# --- The confirm gate ---------------------------------------------------------------------------


def checks_missing_on(student: Student, day: dt.date) -> list[str]:
    """The names of the partnership's required checks the student has not had, or whose record
    has run out by `day` (a placement's first day), in the register's order."""
    valid = {
        requirement_id
        for requirement_id, expires_on in StudentCheck.objects.filter(student=student).values_list(
            "requirement_id", "expires_on"
        )
        if check_valid_on(expires_on, day)
    }
    return [
        name
        for pk, name in CheckRequirement.objects.filter(partnership_id=student.partnership_id, required=True)
        .order_by("name", "id")
        .values_list("id", "name")
        if pk not in valid
    ]


def checks_problems(student: Student, starts_on: dt.date, reason: str) -> dict[str, str]:
    """Confirming a placement needs every required check done and valid on its first day, or a
    reason recorded for going ahead without."""
    missing = checks_missing_on(student, starts_on)
    if missing and not reason.strip():
        names = ", ".join(missing)
        return {
            "checks_reason": f"{student.reference} is missing or has an expired {names} on {long_date(starts_on)}: "
            "record the check first, or say in the box why the placement is confirmed without it"
        }
    return {}
