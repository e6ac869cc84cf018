"""A student's ranked offers and constraints in a round, entered by them or on their behalf."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from matching.actions import Action
from matching.models import Choice, PreferenceRound, RoundStatus, RoundStudent
from matching.selectors import offers_with_room
from matching.states import require_state
from participants.selectors import student_for_user
from partnerships.access import can, require, roles_label
from placements.models import PlacementOffer, Student
from placements.permissions import PlacementPerm
from placements.services.common import student_subjects
from portal.audit import record
from portal.concurrency import refuse_stale
from portal.exceptions import InvalidTransition


def may_answer_for(actor, student: Student) -> bool:
    """Who may enter or change a student's preferences: the student themself, signed in
    (participants), and those who manage placements in the student's partnership
    (PlacementPerm.MANAGE), on the student's behalf. Every page and service asks this one function."""
    own = student_for_user(actor)
    return (own is not None and own.pk == student.pk) or can(actor, student.partnership_id, PlacementPerm.MANAGE)


@transaction.atomic
def save_preferences(
    actor,
    round_: PreferenceRound,
    student: Student,
    *,
    offers: list[PlacementOffer | None],
    drives: str = "",
    travel_area: str = "",
    adjustments: str = "",
    base_revision,
) -> RoundStudent:
    """Replace the student's ranked offers (`offers` in order, first choice first; empty ones are
    skipped) and constraints."""
    if not may_answer_for(actor, student):
        require(actor, student.partnership_id, PlacementPerm.MANAGE)  # 404 for outsiders, 403 otherwise
        raise PermissionDenied(f"Only {roles_label(PlacementPerm.MANAGE)} can do this.")
    locked_round = PreferenceRound.objects.select_for_update().get(pk=round_.pk)
    require_state(locked_round, "answer")
    if locked_round.status != RoundStatus.OPEN and not can(actor, student.partnership_id, PlacementPerm.MANAGE):
        # After the closing date only a coordinator may still enter a late answer.
        raise InvalidTransition("This round has closed: ask your coordinator to change your preferences.")
    entry = RoundStudent.objects.select_for_update().filter(round=locked_round, student=student).first()
    if entry is None:
        raise ValidationError(f"{student.reference} is not in this round")
    refuse_stale(entry, base_revision)
    chosen = [o for o in offers if o is not None]
    if len(chosen) > locked_round.max_choices:
        raise ValidationError(f"Rank at most {locked_round.max_choices} offers")
    if len({o.pk for o in chosen}) != len(chosen):
        raise ValidationError("Each offer can be chosen once: choose a different offer for each rank")
    room = {o.pk for o in offers_with_room(locked_round)}
    before = list(entry.choices.order_by("rank").values_list("offer_id", flat=True))
    kept = set(before)
    for offer in chosen:
        # An offer ranked before it filled stays rankable, so saving the constraints alone
        # never drops an earlier choice.
        if offer.pk not in room and offer.pk not in kept:
            raise ValidationError(f"{offer.team} has no place left in this round: choose another offer")
    entry.choices.all().delete()
    Choice.objects.bulk_create([Choice(entry=entry, offer=o, rank=i) for i, o in enumerate(chosen, start=1)])
    changes: dict[str, list] = {}
    after = [o.pk for o in chosen]
    if after != before:
        changes["choices"] = [before, after]
    for name, value in (("drives", drives), ("travel_area", travel_area.strip()), ("adjustments", adjustments.strip())):
        if getattr(entry, name) != value:
            changes[name] = [getattr(entry, name), value]
            setattr(entry, name, value)
    first_answer = entry.answered_at is None
    entry.answered_at = timezone.now()
    entry.answered_by = actor
    entry.revision += 1
    entry.full_clean()
    entry.save()
    if changes or first_answer:
        record(
            actor,
            Action.PREFERENCES_SAVED,
            entry,
            changes=changes,
            summary=f"Recorded {student.reference}'s preferences ({len(chosen)} offer{'s' if len(chosen) != 1 else ''} "
            f"ranked) in the {locked_round.words}",
            partnership_id=locked_round.partnership_id,
            subjects=student_subjects(student),
        )
    return entry
