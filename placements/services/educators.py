"""The practice educator register: adding an educator and changing their record."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from partnerships.models import Partnership
from placements.actions import Action
from placements.models import PracticeEducator
from placements.services.common import apply_changes, can_manage_employer, require_employer
from portal.audit import diff, record, snapshot
from portal.concurrency import refuse_stale

EDUCATOR_FIELDS = [
    "full_name",
    "email",
    "employer",
    "peps_stage",
    "qualified_on",
    "last_student_on",
    "last_cpd_on",
    "max_students",
]


def _refuse_known_email(partnership, email: str, *, exclude_pk=None) -> None:
    """An email address is on a register once. Only this partnership's own records are looked
    at, so the message names nobody and says nothing about other registers."""
    same = PracticeEducator.objects.filter(partnership=partnership, email__iexact=email)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise ValidationError({"email": "Someone with this email address is already on this partnership's register"})


@transaction.atomic
def add_educator(actor, partnership, *, data: dict) -> PracticeEducator:
    """Add an educator to the partnership's register. The record is this partnership's own, even
    when the same person is on another register: what another partnership recorded is theirs to
    see and change, so nothing is looked up or reused across registers."""
    employer = data.get("employer")
    require_employer(actor, partnership, employer.pk if employer else None)
    # Lock the register so two people adding the same email at once cannot both succeed.
    list(Partnership.objects.select_for_update().filter(pk=partnership.pk).values_list("pk"))
    _refuse_known_email(partnership, data["email"])
    educator = PracticeEducator(partnership=partnership, **data)
    educator.full_clean()
    educator.save()
    record(
        actor,
        Action.EDUCATOR_ADDED,
        educator,
        changes=diff({}, snapshot(educator, data.keys())),
        summary=f"Added {educator.full_name} to the practice educator register",
        partnership_id=partnership.pk,
        organisation_id=educator.employer_id,
    )
    return educator


def educator_partnership_for(actor, educator: PracticeEducator) -> Partnership:
    """The partnership that owns the educator's record, if the actor may maintain it there."""
    partnership = educator.partnership
    if not can_manage_employer(actor, partnership, educator.employer_id):
        raise PermissionDenied("You cannot maintain this practice educator's record.")
    return partnership


@transaction.atomic
def update_educator(actor, educator: PracticeEducator, *, data: dict, base_revision: int | None) -> PracticeEducator:
    partnership = educator_partnership_for(actor, educator)
    if "employer" in data:
        require_employer(actor, partnership, data["employer"].pk if data["employer"] else None)
    locked = PracticeEducator.objects.select_for_update().get(pk=educator.pk)
    refuse_stale(locked, base_revision)
    if "email" in data:
        _refuse_known_email(partnership, data["email"], exclude_pk=locked.pk)
    before = apply_changes(locked, data)
    locked.full_clean()
    locked.revision += 1
    locked.save()
    record(
        actor,
        Action.EDUCATOR_UPDATED,
        locked,
        changes=diff(before, snapshot(locked, data.keys())),
        summary=f"Updated {locked.full_name}'s practice educator record",
        partnership_id=partnership.pk,
        organisation_id=locked.employer_id,
    )
    return locked


def note_student_supported(educator_id: int, day) -> None:
    """A student's placement with this educator completed on `day`: supporting a student keeps a
    practice educator current (their last student's day only moves on)."""
    PracticeEducator.objects.filter(pk=educator_id).filter(
        Q(last_student_on__isnull=True) | Q(last_student_on__lt=day)
    ).update(last_student_on=day)
