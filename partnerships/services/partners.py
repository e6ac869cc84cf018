"""The organisations in a partnership: adding one, changing its level or dates, recording that it left."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from partnerships.access import Perm, require
from partnerships.actions import Action
from partnerships.models import Partner, PartnerLevel, Partnership
from partnerships.services.common import apply, as_new, day, labels, lock, save_or_refuse
from portal.audit import record
from portal.concurrency import fresh, refuse_stale
from portal.models import User

PARTNER_FIELDS = ["level", "joined_on", "left_on", "contribution"]


def _refuse_second_lead_partner(partner: Partner) -> None:
    if partner.level != PartnerLevel.LEAD:
        return
    other = (
        Partner.objects.filter(partnership=partner.partnership, level=PartnerLevel.LEAD)
        .exclude(pk=partner.pk)
        .select_related("organisation")
        .first()
    )
    if other:
        raise ValidationError(
            {"level": f"{other.organisation.name} is the lead partner. Make them a core partner first, then try again."}
        )


@transaction.atomic
def add_partner(actor: User, partnership: Partnership, *, data: dict) -> Partner:
    require(actor, partnership, Perm.EDIT_PARTNERSHIP)
    locked = lock(partnership)
    organisation = data.get("organisation")
    if organisation is None:
        raise ValidationError({"organisation": "Choose the organisation that is joining"})
    if Partner.objects.filter(partnership=locked, organisation=organisation).exists():
        raise ValidationError(
            {"organisation": f"{organisation.name} is already a partner here. Change its details instead."}
        )
    partner = Partner(partnership=locked, organisation=organisation)
    apply(partner, data, PARTNER_FIELDS, _refuse_second_lead_partner)
    save_or_refuse(partner, {"organisation": f"{organisation.name} was added meanwhile."})
    record(
        actor,
        Action.PARTNER_ADDED,
        partner,
        changes=as_new(partner, PARTNER_FIELDS),
        summary=f"Added {organisation.name} as {partner.get_level_display().lower()}",
        partnership_id=locked.pk,
        organisation_id=organisation.pk,
    )
    return partner


@transaction.atomic
def update_partner(actor: User, partner: Partner, *, data: dict, base_revision) -> Partner:
    require(actor, partner.partnership_id, Perm.EDIT_PARTNERSHIP)
    lock(partner.partnership)
    locked = fresh(Partner.objects.select_related("organisation", "partnership"), partner)
    refuse_stale(locked, base_revision)
    changes = apply(locked, data, PARTNER_FIELDS, _refuse_second_lead_partner)
    if not changes:
        return locked
    locked.revision += 1
    save_or_refuse(locked, {"level": "Another partner became the lead partner meanwhile."})
    record(
        actor,
        Action.PARTNER_UPDATED,
        locked,
        changes=changes,
        summary=f"Changed the {labels(Partner, changes)} of {locked.organisation.name}",
        partnership_id=locked.partnership_id,
        organisation_id=locked.organisation_id,
    )
    return locked


@transaction.atomic
def end_partner(actor: User, partner: Partner, *, left_on: date) -> Partner:
    """Record that an organisation left. It stays on the record (memoranda and history name it)."""
    require(actor, partner.partnership_id, Perm.EDIT_PARTNERSHIP)
    lock(partner.partnership)
    locked = fresh(Partner.objects.select_related("organisation"), partner)
    if locked.left_on is not None:
        raise ValidationError(
            {"left_on": f"{locked.organisation.name} already left on {day(locked.left_on)}. Change the date instead."}
        )
    if left_on is None:
        raise ValidationError({"left_on": "Enter the date they left"})
    changes = apply(locked, {"left_on": left_on}, ["left_on"])
    locked.revision += 1
    locked.save(update_fields=["left_on", "revision"])
    record(
        actor,
        Action.PARTNER_ENDED,
        locked,
        changes=changes,
        summary=f"Recorded that {locked.organisation.name} left the partnership on {day(left_on)}",
        partnership_id=locked.partnership_id,
        organisation_id=locked.organisation_id,
    )
    return locked
