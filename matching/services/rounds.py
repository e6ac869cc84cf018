"""Opening a preference round, moving it along its states, and who is in it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from matching.actions import Action
from matching.models import PreferenceRound, RoundStudent
from matching.selectors import candidates
from matching.states import MOVES, require_state
from partnerships.access import require
from placements.models import AcademicYear, Stage, Student
from placements.permissions import PlacementPerm
from placements.services.common import student_subjects
from portal.audit import record
from portal.concurrency import refuse_stale
from portal.dates import long_date

_MOVE_ACTIONS = {
    "open": Action.ROUND_OPENED,
    "close": Action.ROUND_CLOSED,
    "reopen": Action.ROUND_REOPENED,
}
_MOVE_WORDS = {"open": "Opened", "close": "Closed", "reopen": "Opened again"}


def lock(round_: PreferenceRound) -> PreferenceRound:
    return PreferenceRound.objects.select_for_update().select_related("academic_year").get(pk=round_.pk)


@transaction.atomic
def create_round(
    actor,
    partnership,
    *,
    academic_year: AcademicYear,
    stage: str,
    closes_on: dt.date,
    max_choices: int = 3,
    place_unranked: bool = True,
    students: list[Student] | None = None,
) -> PreferenceRound:
    """A draft round; its students are `students`, by default those needing a placement of that
    stage in that year with none arranged (matching.selectors.candidates)."""
    require(actor, partnership, PlacementPerm.MANAGE)
    if closes_on < timezone.localdate():
        raise ValidationError({"closes_on": "The closing date must be today or later"})
    round_ = PreferenceRound(
        partnership=partnership,
        academic_year=academic_year,
        stage=stage,
        closes_on=closes_on,
        max_choices=max_choices,
        place_unranked=place_unranked,
        created_by=actor,
    )
    round_.full_clean()
    round_.save()
    chosen = list(candidates(partnership, academic_year, stage)) if students is None else students
    if any(s.partnership_id != partnership.pk for s in chosen):
        raise ValidationError("Every student in the round must belong to the partnership")
    RoundStudent.objects.bulk_create([RoundStudent(round=round_, student=s) for s in chosen])
    record(
        actor,
        Action.ROUND_CREATED,
        round_,
        changes={"status": [None, round_.status], "students": [None, len(chosen)]},
        summary=f"Set up a preference round for {Stage(stage).label.lower()}s in {academic_year} "
        f"with {len(chosen)} student{'s' if len(chosen) != 1 else ''}, closing on {long_date(closes_on)}",
        partnership_id=partnership.pk,
    )
    return round_


@transaction.atomic
def update_round(actor, round_: PreferenceRound, *, data: dict, base_revision) -> PreferenceRound:
    require(actor, round_.partnership_id, PlacementPerm.MANAGE)
    locked = lock(round_)
    refuse_stale(locked, base_revision)
    require_state(locked, "edit")
    changes = {}
    for name in ("closes_on", "max_choices", "place_unranked"):
        if name in data and getattr(locked, name) != data[name]:
            changes[name] = [str(getattr(locked, name)), str(data[name])]
            setattr(locked, name, data[name])
    if not changes:
        return locked
    if "closes_on" in changes and locked.closes_on < timezone.localdate():
        raise ValidationError({"closes_on": "The closing date must be today or later"})
    locked.full_clean()
    locked.revision += 1
    locked.save()
    record(
        actor,
        Action.ROUND_UPDATED,
        locked,
        changes=changes,
        summary=f"Changed the {locked}",
        partnership_id=locked.partnership_id,
    )
    return locked


@transaction.atomic
def move_round(actor, round_: PreferenceRound, action: str) -> PreferenceRound:
    """Open, close or reopen a round (confirming is proposals.confirm_proposal)."""
    require(actor, round_.partnership_id, PlacementPerm.MANAGE)
    if action not in _MOVE_ACTIONS:
        raise ValueError(action)
    locked = lock(round_)
    require_state(locked, action)
    before = locked.status
    locked.status = MOVES[action]
    locked.revision += 1
    locked.save(update_fields=["status", "revision"])
    record(
        actor,
        _MOVE_ACTIONS[action],
        locked,
        changes={"status": [before, locked.status]},
        summary=f"{_MOVE_WORDS[action]} the {locked.words}",
        partnership_id=locked.partnership_id,
    )
    return locked


@transaction.atomic
def remove_student(actor, round_: PreferenceRound, entry: RoundStudent) -> None:
    require(actor, round_.partnership_id, PlacementPerm.MANAGE)
    locked = lock(round_)
    require_state(locked, "remove_student")
    student = entry.student
    deleted, _ = RoundStudent.objects.filter(pk=entry.pk, round=locked).delete()
    if not deleted:
        return
    record(
        actor,
        Action.ROUND_STUDENT_REMOVED,
        locked,
        summary=f"Took {student.reference} out of the {locked.words}",
        partnership_id=locked.partnership_id,
        subjects=student_subjects(student),
    )
