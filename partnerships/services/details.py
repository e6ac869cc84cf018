"""Creating a partnership and changing its details (name, region, description, status)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify

from partnerships.access import Perm, require
from partnerships.actions import Action
from partnerships.models import Organisation, PartnerLevel, Partnership
from partnerships.services.common import apply, as_new, assign, labels, lock, one_line, save_or_refuse
from partnerships.services.partners import add_partner
from portal.audit import record
from portal.concurrency import refuse_stale
from portal.models import User

PARTNERSHIP_FIELDS = ["name", "region", "description", "established_on", "status"]


def _refuse_duplicate_partnership(partnership: Partnership) -> None:
    partnership.name = one_line(partnership.name)
    clash = Partnership.objects.filter(name__iexact=partnership.name).exclude(pk=partnership.pk).first()
    if clash:
        raise ValidationError({"name": f"There is already a partnership called {clash.name}. Choose another name."})


# Addresses under /partnerships/ that are pages, not partnerships.
RESERVED_SLUGS = {"new"}


def _free_slug(wanted: str) -> str:
    base = slugify(wanted)[:72] or "partnership"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Partnership.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_partnership(actor: User, *, data: dict, lead_organisation: Organisation | None = None) -> Partnership:
    """Site administrators set partnerships up; the lead partner, when known, is added with it."""
    if not actor.is_site_admin:
        raise PermissionDenied("Only site administrators can create partnerships.")
    partnership = Partnership()
    assign(partnership, data, PARTNERSHIP_FIELDS)
    _refuse_duplicate_partnership(partnership)
    wanted = (data.get("slug") or "").strip()
    if wanted:
        if wanted in RESERVED_SLUGS or Partnership.objects.filter(slug=wanted).exists():
            raise ValidationError({"slug": f"The web address {wanted} is taken. Choose another."})
        partnership.slug = wanted
    else:
        partnership.slug = _free_slug(partnership.name)
    partnership.full_clean(validate_constraints=False)
    save_or_refuse(partnership, {"name": "A partnership with this name or web address was created meanwhile."})
    record(
        actor,
        Action.PARTNERSHIP_CREATED,
        partnership,
        changes=as_new(partnership, [*PARTNERSHIP_FIELDS, "slug"]),
        summary=f"Created the partnership {partnership.name}",
        partnership_id=partnership.pk,
    )
    if lead_organisation is not None:
        add_partner(
            actor,
            partnership,
            data={
                "organisation": lead_organisation,
                "level": PartnerLevel.LEAD,
                "joined_on": partnership.established_on,
            },
        )
    return partnership


@transaction.atomic
def update_partnership(actor: User, partnership: Partnership, *, data: dict, base_revision) -> Partnership:
    require(actor, partnership, Perm.EDIT_PARTNERSHIP)
    locked = lock(partnership)
    refuse_stale(locked, base_revision)
    changes = apply(locked, data, PARTNERSHIP_FIELDS, _refuse_duplicate_partnership)
    if not changes:
        return locked
    locked.revision += 1
    save_or_refuse(locked, {"name": "There is already a partnership with this name."})
    record(
        actor,
        Action.PARTNERSHIP_UPDATED,
        locked,
        changes=changes,
        summary=f"Changed the partnership's {labels(Partnership, changes)}",
        partnership_id=locked.pk,
    )
    return locked
