"""Data protection: how long student records are kept, purging them, subject access downloads,
and deleting old uploaded import files."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from partnerships.access import Perm, require
from placements.actions import Action
from placements.exports import educator_record, student_record
from placements.models import (
    ImportBatch,
    Placement,
    PlacementPolicy,
    PracticeEducator,
    QualityReview,
    Student,
    StudentCheck,
)
from placements.permissions import PlacementPerm
from placements.services.common import student_subjects
from placements.services.educators import educator_partnership_for
from portal.audit import diff, pseudonymise, record, snapshot
from portal.concurrency import refuse_stale


@transaction.atomic
def set_retention(actor, partnership, *, years: int, base_revision: int | None) -> PlacementPolicy:
    """Change how long student records are kept: a partnership decision, so leads make it."""
    require(actor, partnership, Perm.EDIT_PARTNERSHIP)
    PlacementPolicy.for_partnership(partnership)
    policy = PlacementPolicy.objects.select_for_update().get(partnership=partnership)
    refuse_stale(policy, base_revision)
    before = snapshot(policy, ["student_retention_years"])
    policy.student_retention_years = years
    policy.revision += 1
    policy.full_clean()
    policy.save()
    record(
        actor,
        Action.POLICY_UPDATED,
        policy,
        changes=diff(before, snapshot(policy, ["student_retention_years"])),
        summary=f"Set student records to be kept for {years} years after the final placement year",
        partnership_id=partnership.pk,
    )
    return policy


def students_due_for_purge(partnership, today: dt.date):
    """Students whose final placement year ended longer ago than the retention period."""
    cutoff = PlacementPolicy.for_partnership(partnership).purge_before(today)
    return Student.objects.filter(partnership=partnership, purged_on__isnull=True, final_year__ends_on__lt=cutoff)


@transaction.atomic
def purge_students(partnership, *, today: dt.date, actor=None) -> int:
    """Remove the personal data of students past the retention period: their reference becomes
    a meaningless token, their name goes, and free text about them (why a placement ended, review
    comments, why it was confirmed without a check) is cleared, their pre-placement check records
    are deleted, and so is their reference in the audit trail. Placements and ratings
    stay, without a person, so past years' figures do not change. Run daily by
    `manage.py purge_students`; writes one audit event per partnership (with a count, never the
    references)."""
    policy = PlacementPolicy.for_partnership(partnership)
    due = list(students_due_for_purge(partnership, today).select_for_update(of=("self",)).values_list("pk", flat=True))
    if not due:
        return 0
    for pk in due:
        # One UPDATE per student (the reference must stay unique); a daily run purges few.
        Student.objects.filter(pk=pk).update(reference=f"removed-{pk}", name="", purged_on=today)
        # The trail names them too: their references there become the same meaningless token,
        # which leaves the chain's hashes valid (they cover a keyed digest, not the reference).
        pseudonymise(Student(pk=pk), f"removed-{pk}")
    Placement.objects.filter(student_id__in=due).update(end_notes="", checks_reason="")
    # What checks they had, and when, is about the person: nothing in the figures needs it.
    StudentCheck.objects.filter(student_id__in=due).delete()
    QualityReview.objects.filter(placement__student_id__in=due).update(comments="")
    record(
        actor,
        Action.STUDENTS_PURGED,
        policy,
        changes={"students": [0, len(due)]},
        summary=f"Removed the personal data of {len(due)} student{'s' if len(due) != 1 else ''} whose final "
        f"placement year ended more than {policy.student_retention_years} years ago",
        partnership_id=partnership.pk,
    )
    return len(due)


@transaction.atomic
def export_student_record(actor, student: Student) -> dict:
    """Everything held on one student (a subject access request). Recorded in the audit trail,
    because personal data leaves the portal."""
    require(actor, student.partnership_id, PlacementPerm.MANAGE)
    data = student_record(student)
    record(
        actor,
        Action.STUDENT_DATA_EXPORTED,
        student,
        summary=f"Downloaded everything held on the student {student.reference}",
        partnership_id=student.partnership_id,
        subjects=student_subjects(student),
    )
    return data


@transaction.atomic
def export_educator_record(actor, educator: PracticeEducator) -> dict:
    """Everything the owning partnership holds on one practice educator; only someone who may
    maintain their record there may download it."""
    partnership = educator_partnership_for(actor, educator)
    data = educator_record(educator)
    record(
        actor,
        Action.EDUCATOR_DATA_EXPORTED,
        educator,
        summary=f"Downloaded everything held on the practice educator {educator.full_name}",
        partnership_id=partnership.pk,
        organisation_id=educator.employer_id,
    )
    return data


# Uploaded files hold students' references and names; they are needed only between the check and
# the import, so they are kept for a month (to look back at a problem) and then deleted.
IMPORT_FILE_DAYS = 30


def old_import_files(partnership, today: dt.date):
    cutoff = dt.datetime.combine(today - dt.timedelta(days=IMPORT_FILE_DAYS), dt.time.min, tzinfo=dt.UTC)
    return ImportBatch.objects.filter(partnership=partnership, created_at__lt=cutoff).exclude(file="")


@transaction.atomic
def discard_old_import_files(partnership, *, today: dt.date, actor=None) -> int:
    """Delete uploaded import files older than IMPORT_FILE_DAYS and the row problems listed for
    them (which quote the rows); the record of each import stays."""
    batches = list(old_import_files(partnership, today).select_for_update())
    for batch in batches:
        batch.file.delete(save=False)
        batch.errors = []
        batch.save(update_fields=["file", "errors"])
    if batches:
        record(
            actor,
            Action.IMPORT_FILES_DELETED,
            PlacementPolicy.for_partnership(partnership),
            changes={"files": [0, len(batches)]},
            summary=f"Deleted {len(batches)} uploaded import file{'s' if len(batches) != 1 else ''} older than "
            f"{IMPORT_FILE_DAYS} days",
            partnership_id=partnership.pk,
        )
    return len(batches)
