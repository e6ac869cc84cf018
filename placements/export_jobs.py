"""The placements list's download as a job (portal/jobs/exports.py): the list's filters, kept
with the export, are applied again when the worker builds the file, for the rights the person
holds then. Registered from registrations.py."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from partnerships.access import can
from partnerships.models import Partnership
from placements import exports
from placements.models import Placement, PlacementStatus, Stage
from placements.permissions import PlacementPerm
from placements.selectors.figures import placements_falling_short
from portal.jobs.exports import register_export
from portal.paging import positive_int

RISK_FALLING_SHORT = "falling-short"
RISKS = [(RISK_FALLING_SHORT, "At risk of falling short of days")]


def filtered_placements(user, partnerships, selected: dict):
    """The placements list's rows for these query filters (the page and the download share it)."""
    qs = Placement.objects.visible_to(user)
    if not user.is_site_admin:
        # The ids as a literal list: PostgreSQL then walks the (partnership, order) index.
        qs = qs.filter(partnership_id__in=[p.pk for p in partnerships])
    if selected.get("partnership"):
        qs = qs.filter(partnership__slug=selected["partnership"])
    if selected.get("year"):
        qs = qs.filter(academic_year__label=selected["year"])
    if selected.get("status") in PlacementStatus.values:
        qs = qs.filter(status=selected["status"])
    if selected.get("stage") in Stage.values:
        qs = qs.filter(stage=selected["stage"])
    if positive_int(selected.get("employer")):
        qs = qs.filter(offer__employer_id=positive_int(selected["employer"]))
    if selected.get("q"):
        qs = qs.filter(Q(student__reference__icontains=selected["q"]) | Q(student__name__icontains=selected["q"]))
    if selected.get("risk") == RISK_FALLING_SHORT:
        # The one definition (placements.selectors.figures), over the rows the other filters leave.
        qs = qs.filter(pk__in=placements_falling_short(qs, timezone.localdate()))
    return qs.select_related(
        "student", "student__university", "offer", "offer__employer", "academic_year", "partnership"
    ).order_by("-starts_on", "-id")


def _placements_rows(export):
    user = export.owner
    allowed = [
        p
        for p in Partnership.objects.filter(pk__in=export.partnership_ids)
        if can(user, p, PlacementPerm.EXPORT_STUDENTS)
    ]
    qs = filtered_placements(user, allowed, export.params)
    if not user.is_site_admin:
        qs = qs.filter(partnership_id__in=[p.pk for p in allowed])
    columns = exports.PLACEMENTS
    rows = ([get(o) for _, get in columns] for o in qs.iterator(chunk_size=2000))
    return [h for h, _ in columns], rows, qs.count()


def _may_fetch(user, export) -> bool:
    """Others who hold the student-export right in every partnership the file covers."""
    partnerships = list(Partnership.objects.filter(pk__in=export.partnership_ids))
    return bool(partnerships) and all(can(user, p, PlacementPerm.EXPORT_STUDENTS) for p in partnerships)


register_export("placements", _placements_rows, _may_fetch)
