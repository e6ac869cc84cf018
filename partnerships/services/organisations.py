"""Registering organisations and changing their details. Organisations are shared across
partnerships: site administrators and partnership leads change them (partnerships.access)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from partnerships.access import require_organisation_edit
from partnerships.actions import Action
from partnerships.models import Organisation
from partnerships.services.common import apply, as_new, labels, one_line, save_or_refuse
from portal.audit import record
from portal.concurrency import fresh, refuse_stale
from portal.models import User

ORGANISATION_FIELDS = [
    "name",
    "kind",
    "la_services",
    "region",
    "website",
    "address",
    "contact_name",
    "contact_email",
    "contact_phone",
    "gss_code",
    "ukprn",
]


def _refuse_duplicate_organisation(organisation: Organisation) -> None:
    organisation.name = one_line(organisation.name)
    organisation.gss_code = organisation.gss_code.strip().upper()
    organisation.ukprn = organisation.ukprn.strip()
    for field, label in (("gss_code", "GSS code"), ("ukprn", "UKPRN")):
        value = getattr(organisation, field)
        other = Organisation.objects.filter(**{field: value}).exclude(pk=organisation.pk).first() if value else None
        if other:
            raise ValidationError({field: f"{other.name} already has the {label} {value}. Check the code."})
    clash = Organisation.objects.filter(name__iexact=organisation.name).exclude(pk=organisation.pk).first()
    if clash:
        raise ValidationError(
            {
                "name": f"An organisation called {clash.name} is already registered. Use that one, or choose another name."
            }
        )


@transaction.atomic
def create_organisation(actor: User, *, data: dict) -> Organisation:
    require_organisation_edit(actor)
    organisation = Organisation()
    apply(organisation, data, ORGANISATION_FIELDS, _refuse_duplicate_organisation)
    save_or_refuse(organisation, {"name": f"An organisation called {organisation.name} is already registered."})
    record(
        actor,
        Action.ORGANISATION_CREATED,
        organisation,
        changes=as_new(organisation, ORGANISATION_FIELDS),
        summary=f"Registered the organisation {organisation.name}",
        organisation_id=organisation.pk,
    )
    return organisation


@transaction.atomic
def update_organisation(actor: User, organisation: Organisation, *, data: dict, base_revision) -> Organisation:
    require_organisation_edit(actor, organisation)
    locked = fresh(Organisation.objects.select_for_update(), organisation)
    refuse_stale(locked, base_revision)
    changes = apply(locked, data, ORGANISATION_FIELDS, _refuse_duplicate_organisation)
    if not changes:
        return locked
    locked.revision += 1
    save_or_refuse(locked, {"name": f"An organisation called {locked.name} is already registered."})
    record(
        actor,
        Action.ORGANISATION_UPDATED,
        locked,
        changes=changes,
        summary=f"Changed the {labels(Organisation, changes)} of {locked.name}",
        organisation_id=locked.pk,
    )
    return locked
