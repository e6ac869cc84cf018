"""Placement offers (an employer team's places for a stage and year) and their setting audits."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from placements.actions import Action
from placements.models import HOLDS_PLACE, PlacementOffer, SettingAudit
from placements.services.common import apply_changes, require_employer, save_next_revision
from portal.audit import diff, record, snapshot
from portal.concurrency import refuse_stale

OFFER_FIELDS = [
    "employer",
    "team",
    "service_area",
    "statutory",
    "stage",
    "academic_year",
    "places",
    "practice_educator",
    "onsite_supervisor",
    "starts_on",
    "ends_on",
    "notes",
]


def _check_offer_capacity(offer: PlacementOffer) -> None:
    held = offer.placements.filter(status__in=HOLDS_PLACE).count() if offer.pk else 0
    if offer.places < held:
        raise ValidationError(
            {"places": f"{held} students are already placed on this offer: offer at least {held} places"}
        )


@transaction.atomic
def create_offer(actor, partnership, *, data: dict) -> PlacementOffer:
    employer = data.get("employer")
    require_employer(actor, partnership, employer.pk if employer else None)
    offer = PlacementOffer(partnership=partnership, **data)
    offer.full_clean()
    offer.save()
    record(
        actor,
        Action.OFFER_CREATED,
        offer,
        changes=diff({}, snapshot(offer, data.keys())),
        summary=f"Added an offer of {offer.places} places at {offer.team}, {offer.employer.name}",
        partnership_id=partnership.pk,
        organisation_id=offer.employer_id,
    )
    return offer


@transaction.atomic
def update_offer(actor, offer: PlacementOffer, *, data: dict, base_revision: int | None) -> PlacementOffer:
    require_employer(actor, offer.partnership, offer.employer_id)
    if "employer" in data:
        require_employer(actor, offer.partnership, data["employer"].pk)
    locked = PlacementOffer.objects.select_for_update().get(pk=offer.pk)
    refuse_stale(locked, base_revision)
    before = apply_changes(locked, data)
    _check_offer_capacity(locked)
    locked.full_clean()
    locked.revision += 1
    locked.save()
    record(
        actor,
        Action.OFFER_UPDATED,
        locked,
        changes=diff(before, snapshot(locked, data.keys())),
        summary=f"Updated the offer at {locked.team}, {locked.employer.name}",
        partnership_id=locked.partnership_id,
        organisation_id=locked.employer_id,
    )
    return locked


@transaction.atomic
def save_setting_audit(actor, offer: PlacementOffer, *, data: dict, base_revision: int | None) -> SettingAudit:
    """`base_revision` is the revision of the audit the form showed (0: none recorded yet)."""
    require_employer(actor, offer.partnership, offer.employer_id)
    audit = SettingAudit.objects.select_for_update().filter(offer=offer).first() or SettingAudit(
        offer=offer, revision=0
    )
    refuse_stale(audit, base_revision)
    before = apply_changes(audit, data)
    audit.full_clean()
    save_next_revision(audit)
    record(
        actor,
        Action.SETTING_AUDIT_SAVED,
        audit,
        changes=diff(before, snapshot(audit, data.keys())),
        summary=f"Saved the setting audit for {offer.team} ({audit.checks_done} of {len(audit.CHECKS)} checks)",
        partnership_id=offer.partnership_id,
        organisation_id=offer.employer_id,
    )
    return audit
