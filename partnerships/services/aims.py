"""A partnership's aims and their outcomes, with each partner's responsibility for an outcome."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from partnerships.access import Perm, require
from partnerships.actions import Action
from partnerships.models import Aim, Measurement, Outcome, OutcomeResponsibility, Partner, Partnership
from partnerships.services.common import apply, day, labels, lock
from portal.audit import record
from portal.concurrency import fresh, refuse_stale
from portal.models import User

AIM_FIELDS = ["title", "description"]
OUTCOME_FIELDS = ["description", "measure", "target", "target_value", "higher_is_better", "evaluation"]
MEASUREMENT_FIELDS = ["measured_on", "value", "note"]


@transaction.atomic
def add_aim(actor: User, partnership: Partnership, *, data: dict) -> Aim:
    require(actor, partnership, Perm.EDIT_PARTNERSHIP)
    locked = lock(partnership)
    last = Aim.objects.filter(partnership=locked).aggregate(last=Max("position"))["last"]
    aim = Aim(partnership=locked, position=0 if last is None else last + 1)
    changes = apply(aim, data, AIM_FIELDS)
    aim.save()
    record(
        actor,
        Action.AIM_ADDED,
        aim,
        changes=changes,
        summary=f"Added the aim “{aim.title}”",
        partnership_id=locked.pk,
    )
    return aim


@transaction.atomic
def update_aim(actor: User, aim: Aim, *, data: dict, base_revision) -> Aim:
    require(actor, aim.partnership_id, Perm.EDIT_PARTNERSHIP)
    locked = fresh(Aim.objects.select_for_update(), aim)
    refuse_stale(locked, base_revision)
    changes = apply(locked, data, AIM_FIELDS)
    if changes:
        locked.revision += 1
        locked.save()
        record(
            actor,
            Action.AIM_UPDATED,
            locked,
            changes=changes,
            summary=f"Changed the {labels(Aim, changes)} of the aim “{locked.title}”",
            partnership_id=locked.partnership_id,
        )
    return locked


@transaction.atomic
def delete_aim(actor: User, aim: Aim) -> None:
    require(actor, aim.partnership_id, Perm.EDIT_PARTNERSHIP)
    aim = fresh(Aim.objects.select_for_update(), aim)
    outcomes = aim.outcomes.count()
    record(
        actor,
        Action.AIM_DELETED,
        aim,
        changes={"title": [aim.title, None]},
        summary=f"Removed the aim “{aim.title}”" + (f" and its {outcomes} outcome(s)" if outcomes else ""),
        partnership_id=aim.partnership_id,
    )
    aim.delete()


def _set_responsibilities(outcome: Outcome, responsibilities: dict[int, str]) -> dict:
    """Write each partner's responsibility (empty text removes it); return the changes."""
    partners = {p.pk: p for p in Partner.objects.filter(partnership_id=outcome.aim.partnership_id)}
    unknown = set(responsibilities) - set(partners)
    if unknown:
        raise ValidationError("A responsibility was given for an organisation that is not a partner here.")
    existing = {r.partner_id: r for r in outcome.responsibilities.all()}
    changes = {}
    for partner_id, text in responsibilities.items():
        text = (text or "").strip()
        current = existing.get(partner_id)
        old = current.responsibility if current else ""
        if text == old:
            continue
        name = partners[partner_id].organisation.name
        if current is None:  # new text for a partner with none yet
            added = OutcomeResponsibility(outcome=outcome, partner=partners[partner_id], responsibility=text)
            added.full_clean()
            added.save()
        elif not text:
            current.delete()
        else:
            current.responsibility = text
            current.full_clean()
            current.save()
        changes[f"responsibility of {name}"] = [old or None, text or None]
    return changes


@transaction.atomic
def add_outcome(actor: User, aim: Aim, *, data: dict, responsibilities: dict[int, str] | None = None) -> Outcome:
    require(actor, aim.partnership_id, Perm.EDIT_PARTNERSHIP)
    outcome = Outcome(aim=aim)
    changes = apply(outcome, data, OUTCOME_FIELDS)
    outcome.save()
    changes.update(_set_responsibilities(outcome, responsibilities or {}))
    record(
        actor,
        Action.OUTCOME_ADDED,
        outcome,
        changes=changes,
        summary=f"Added the outcome “{outcome.description}” to the aim “{aim.title}”",
        partnership_id=aim.partnership_id,
    )
    return outcome


@transaction.atomic
def update_outcome(
    actor: User, outcome: Outcome, *, data: dict, base_revision, responsibilities: dict[int, str] | None = None
) -> Outcome:
    require(actor, outcome.aim.partnership_id, Perm.EDIT_PARTNERSHIP)
    locked = fresh(Outcome.objects.select_for_update().select_related("aim"), outcome)
    refuse_stale(locked, base_revision)
    changes = apply(locked, data, OUTCOME_FIELDS)
    changes.update(_set_responsibilities(locked, responsibilities or {}))
    if changes:
        # The partners' responsibilities are part of the outcome: changing one is a new revision too.
        locked.revision += 1
        locked.save()
        record(
            actor,
            Action.OUTCOME_UPDATED,
            locked,
            changes=changes,
            summary=f"Changed the outcome “{locked.description}”",
            partnership_id=locked.aim.partnership_id,
        )
    return locked


@transaction.atomic
def delete_outcome(actor: User, outcome: Outcome) -> None:
    require(actor, outcome.aim.partnership_id, Perm.EDIT_PARTNERSHIP)
    outcome = fresh(Outcome.objects.select_for_update().select_related("aim"), outcome)
    record(
        actor,
        Action.OUTCOME_DELETED,
        outcome,
        changes={"description": [outcome.description, None]},
        summary=f"Removed the outcome “{outcome.description}” from the aim “{outcome.aim.title}”",
        partnership_id=outcome.aim.partnership_id,
    )
    outcome.delete()


@transaction.atomic
def record_measurement(actor: User, outcome: Outcome, *, data: dict) -> Measurement:
    """Record one measured value of an outcome (one a day), to follow progress against its target."""
    require(actor, outcome.aim.partnership_id, Perm.EDIT_PARTNERSHIP)
    locked = fresh(Outcome.objects.select_for_update().select_related("aim"), outcome)
    measurement = Measurement(outcome=locked, recorded_by=actor)
    changes = apply(measurement, data, MEASUREMENT_FIELDS)
    if Measurement.objects.filter(outcome=locked, measured_on=measurement.measured_on).exists():
        raise ValidationError(
            {"measured_on": f"A value is already recorded for {day(measurement.measured_on)}: choose another date"}
        )
    measurement.save()
    record(
        actor,
        Action.OUTCOME_MEASURED,
        locked,
        changes=changes,
        summary=f"Recorded {measurement.value:g} for the outcome “{locked.description}” on {day(measurement.measured_on)}",
        partnership_id=locked.aim.partnership_id,
    )
    return measurement
