"""Students: adding one and changing their details (imports add them in bulk)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from partnerships.access import require
from placements.actions import Action
from placements.models import SkillsDays, Student
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


def skills_days_done(student: Student) -> int:
    return student.skills_days.aggregate(total=Sum("days"))["total"] or 0


@transaction.atomic
def record_skills_days(actor, student: Student, *, days: int, completed_on, description: str = "") -> SkillsDays:
    """Record skills development days a student has done. Refused: a date in the future, more
    days in all than the programme requires, and a student whose data has been removed."""
    require(actor, student.partnership, PlacementPerm.MANAGE)
    locked = Student.objects.select_for_update().select_related("programme").get(pk=student.pk)
    if locked.purged_on:
        raise ValidationError("This student's personal data has been removed: nothing more can be recorded")
    if days < 1:
        raise ValidationError({"days": "Enter at least 1 day"})
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "The date cannot be in the future"})
    required = locked.programme.skills_days
    done = skills_days_done(locked)
    if done + days > required:
        raise ValidationError(
            {
                "days": f"{locked.programme.name} requires {required} skills days and {done} are recorded: "
                f"at most {max(0, required - done)} more can be added"
            }
        )
    entry = SkillsDays(
        student=locked, days=days, completed_on=completed_on, description=description.strip(), recorded_by=actor
    )
    entry.full_clean()
    entry.save()
    # Recorded against the student, so it shows in their History and their subject access export.
    record(
        actor,
        Action.SKILLS_DAYS_RECORDED,
        locked,
        changes={"days": [done, done + days]},
        summary=f"Recorded {days} skills day{'s' if days != 1 else ''} for {locked.reference} "
        f"({done + days} of {required})",
        partnership_id=locked.partnership_id,
        subjects=student_subjects(locked),
    )
    return entry
