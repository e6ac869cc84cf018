"""Keeping an employer's figures: the lead, or a coordinator (one who represents an employer keeps
only that employer's), through one audited function."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from partnerships.access import can, require
from partnerships.models import EMPLOYER_KINDS, Organisation, Partner
from partnerships.services.common import apply, labels
from placements.services.common import own_employer
from portal.audit import record
from portal.concurrency import refuse_stale
from portal.exceptions import StaleEdit
from workforce.actions import Action
from workforce.measures import ENTERED, Service
from workforce.models import FigureSource, WorkforceFigures, WorkforceSharing
from workforce.permissions import WorkforcePerm

FIGURE_FIELDS = [name for m in ENTERED for name in (m.name, f"{m.name}_symbol")]


def employers_of(partnership) -> list[Organisation]:
    """The partnership's current and past employers (figures of a past year stay meaningful)."""
    ids = Partner.objects.filter(partnership=partnership, organisation__kind__in=EMPLOYER_KINDS).values(
        "organisation_id"
    )
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def services_of(employer: Organisation) -> list[str]:
    """The services counted for an employer: a local authority's children's and adults' services
    separately (as far as it takes part in them); any other employer's social work as one."""
    if employer.kind != "local-authority":
        return [Service.OTHER]
    if employer.la_services == "children":
        return [Service.CHILDREN]
    if employer.la_services == "adults":
        return [Service.ADULTS]
    return [Service.CHILDREN, Service.ADULTS]


def can_keep_employer(user, partnership, employer_id: int) -> bool:
    if not can(user, partnership, WorkforcePerm.KEEP_FIGURES):
        return False
    own = own_employer(user, partnership)
    return own is None or own.pk == employer_id


def keepable_employers(user, partnership) -> list[Organisation]:
    return [e for e in employers_of(partnership) if can_keep_employer(user, partnership, e.pk)]


def require_employer(user, partnership, employer: Organisation) -> None:
    require(user, partnership, WorkforcePerm.KEEP_FIGURES)
    if employer.pk not in {e.pk for e in employers_of(partnership)}:
        raise ValidationError(f"{employer.name} is not an employer in this partnership.")
    if not can_keep_employer(user, partnership, employer.pk):
        raise PermissionDenied("You can only keep your own organisation's workforce figures.")


@transaction.atomic
def save_figures(
    actor, partnership, employer: Organisation, service: str, year: str, *, data: dict, base_revision
) -> WorkforceFigures:
    """Create or change one employer's figures for a service and year. A new record's base
    revision is 0 (the form of a year with no figures yet); two people creating the same year at
    once: the second is refused as a stale edit."""
    require_employer(actor, partnership, employer)
    if service not in services_of(employer):
        raise ValidationError(f"{employer.name}'s figures are not counted for {Service(service).label.lower()}.")
    figures = (
        WorkforceFigures.objects.select_for_update()
        .filter(partnership=partnership, employer=employer, service=service, year=year)
        .first()
    )
    created = figures is None
    if figures is None:
        figures = WorkforceFigures(partnership=partnership, employer=employer, service=service, year=year, revision=0)
    refuse_stale(figures, base_revision)
    changes = apply(figures, data, FIGURE_FIELDS)
    if not changes and not created:
        return figures
    figures.revision += 1
    figures.source = FigureSource.ENTERED
    figures.updated_by = actor
    figures.updated_at = timezone.now()
    try:
        with transaction.atomic():
            figures.save()
    except IntegrityError:
        raise StaleEdit(current_revision=1) from None
    what = f"{employer.name}'s {figures.get_service_display().lower()} figures for {year}"
    record(
        actor,
        Action.FIGURES_SAVED,
        figures,
        changes=changes,
        summary=f"Added {what}" if created else f"Changed {what}: {labels(WorkforceFigures, changes)}",
        partnership_id=partnership.pk,
        organisation_id=employer.pk,
    )
    return figures


@transaction.atomic
def set_sharing(actor, partnership, employer: Organisation, *, only_in_totals: bool, base_revision) -> WorkforceSharing:
    require_employer(actor, partnership, employer)
    sharing, _ = WorkforceSharing.objects.select_for_update().get_or_create(partnership=partnership, employer=employer)
    refuse_stale(sharing, base_revision)
    if sharing.only_in_totals == only_in_totals:
        return sharing
    sharing.only_in_totals = only_in_totals
    sharing.revision += 1
    sharing.save()
    record(
        actor,
        Action.SHARING_SET,
        sharing,
        changes={"only_in_totals": [not only_in_totals, only_in_totals]},
        summary=f"{employer.name}'s workforce figures are now "
        + ("shown only inside the partnership's totals" if only_in_totals else "shown to the partnership"),
        partnership_id=partnership.pk,
        organisation_id=employer.pk,
    )
    return sharing
