"""Students: adding one and changing their details (imports add them in bulk)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from partnerships.access import require
from placements.actions import Action
from placements.models import Student
from placements.permissions import PlacementPerm
from placements.services.common import apply_changes, assign, student_subjects
from portal.audit import diff, record, snapshot
from portal.concurrency import refuse_stale

STUDENT_FIELDS = ["reference", "name", "programme", "cohort", "final_year"]


@transaction.atomic
def save_student(actor, partnership, *, data: dict, student: Student | None = None, base_revision=None) -> Student:
    require(actor, partnership, PlacementPerm.MANAGE)
    if student is None:
        student = Student(partnership=partnership)
        before, action = {}, Action.STUDENT_CREATED
        assign(student, data)
    else:
        student = Student.objects.select_for_update().get(pk=student.pk)
        refuse_stale(student, base_revision)
        student.revision += 1
        before, action = apply_changes(student, data), Action.STUDENT_UPDATED
    if student.programme_id:
        student.university_id = student.programme.university_id
        if student.programme.partnership_id != partnership.pk:
            raise ValidationError({"programme": "Choose a programme in this partnership"})
    if (
        Student.objects.filter(partnership=partnership, reference__iexact=student.reference)
        .exclude(pk=student.pk)
        .exists()
    ):
        raise ValidationError({"reference": f"A student with the reference {student.reference} already exists"})
    if student.purged_on:
        raise ValidationError("This student's personal data has been removed: add them again if they return")
    student.full_clean()
    student.save()
    changes = diff(before, snapshot(student, data.keys()))
    if "name" in changes:
        # The audit trail outlives the retention period, so it records that a name changed, not the name.
        changes["name"] = ["(not recorded)", "(not recorded)"]
    record(
        actor,
        action,
        student,
        changes=changes,
        summary=f"{'Added' if action == Action.STUDENT_CREATED else 'Updated'} the student {student.reference}",
        partnership_id=partnership.pk,
        subjects=student_subjects(student, *(changes.get("reference") or [])),
    )
    return student
