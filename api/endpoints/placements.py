"""Placements: sufficiency per year and stage, the quality and coverage figures, practice
educator currency (all from placements.selectors, the pages' own), offers as records, and
placements as records only where the token's owner may download students' rows."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from ninja import Router

from api.endpoints.common import ERRORS, Error, Schema, link, partnership_ids_for
from api.pagination import keyset_page
from partnerships.access import partnership_or_404, roles_label
from placements.export_jobs import filtered_placements
from placements.models import AcademicYear, OfferStage, PlacementOffer, PlacementStatus, PracticeEducator
from placements.permissions import PlacementPerm
from placements.selectors import quality
from placements.selectors.educators import educator_counts
from placements.selectors.sufficiency import StageLine, sufficiency
from placements.selectors.years import resolve_year
from placements.views.common import listed_partnerships, student_export_partnerships, visible_partnerships

router = Router(tags=["Placements"])


def _year(label: str | None) -> AcademicYear:
    """The year asked for (a label such as 2026/27), else the current one, as the pages choose."""
    year = resolve_year(label[:7] if label else None)
    if year is None:
        raise Http404("No such academic year")
    return year


class StageOut(Schema):
    key: str
    label: str
    needed: int | None
    offered: int
    filled: int
    shortfall: int
    still_to_fill: int
    rag: str


class EmployerOut(Schema):
    employer_id: int
    name: str
    committed: int | None
    committed_source: str
    offered: int
    filled: int


class SufficiencyOut(Schema):
    partnership: str
    academic_year: str
    stages: list[StageOut]
    total: StageOut
    statutory: StageOut
    non_statutory: StageOut
    flexible_offered: int
    overall_shortfall: int
    employers: list[EmployerOut]
    url: str


def _stage(line: StageLine) -> dict:
    return {
        "key": line.key,
        "label": line.label,
        "needed": line.needed,
        "offered": line.offered,
        "filled": line.filled,
        "shortfall": line.shortfall,
        "still_to_fill": line.still_to_fill,
        "rag": line.rag,
    }


@router.get(
    "partnerships/{slug}/sufficiency",
    response={200: SufficiencyOut, **ERRORS},
    url_name="sufficiency",
    tags=["Figures"],
)
def sufficiency_figures(request, slug: str, year: str | None = None):
    """Places needed, offered and filled per stage, and per employer committed: the sufficiency page's figures."""
    partnership = partnership_or_404(request.user, slug)
    academic_year = _year(year)
    report = sufficiency(partnership, academic_year)
    return {
        "partnership": partnership.slug,
        "academic_year": academic_year.label,
        "stages": [_stage(s) for s in report.stages],
        "total": _stage(report.total),
        "statutory": _stage(report.statutory),
        "non_statutory": _stage(report.non_statutory),
        "flexible_offered": report.flexible_offered,
        "overall_shortfall": report.overall_shortfall,
        "employers": [
            {
                "employer_id": e.employer_id,
                "name": e.name,
                "committed": e.committed,
                "committed_source": e.committed_source,
                "offered": e.offered,
                "filled": e.filled,
            }
            for e in report.employers
        ],
        "url": link(request, "placements:sufficiency") + f"?partnership={partnership.slug}&year={academic_year.label}",
    }


class Fraction(Schema):
    part: int
    whole: int
    percent: float | None


class PlacementFiguresOut(Schema):
    partnership: str
    academic_year: str
    statutory_coverage: Fraction
    fill_rate: Fraction
    reviews_on_time: Fraction
    educator_currency: Fraction


def _fraction(pair: tuple[int, int]) -> dict:
    part, whole = pair
    return {"part": part, "whole": whole, "percent": quality.pct(part, whole)}


@router.get(
    "partnerships/{slug}/placement-figures",
    response={200: PlacementFiguresOut, **ERRORS},
    url_name="placement_figures",
    tags=["Figures"],
)
def placement_figures(request, slug: str, year: str | None = None):
    """Placements as aggregates, for every member: statutory coverage, fill rate, reviews on time
    and practice educator currency (the live figures health checks and the quality page use)."""
    partnership = partnership_or_404(request.user, slug)
    academic_year = _year(year)
    return {
        "partnership": partnership.slug,
        "academic_year": academic_year.label,
        "statutory_coverage": _fraction(quality.statutory_coverage(partnership, year=academic_year)),
        "fill_rate": _fraction(quality.fill_rate(partnership, year=academic_year)),
        "reviews_on_time": _fraction(quality.reviews_on_time(partnership, year=academic_year)),
        "educator_currency": _fraction(quality.educator_currency(partnership)),
    }


class CurrencyOut(Schema):
    partnership: str | None
    total: int
    current: int
    lapsing: int
    lapsed: int


@router.get(
    "practice-educators/currency", response={200: CurrencyOut, **ERRORS}, url_name="educator_currency", tags=["Figures"]
)
def educator_currency(request, partnership: str | None = None):
    """How many practice educators are current, lapsing and lapsed: the register page's counts."""
    qs = PracticeEducator.objects.visible_to(request.user)
    if partnership:
        found = partnership_or_404(request.user, partnership)
        qs = qs.on_register_of(found)
    counts = educator_counts(qs, timezone.localdate())
    return {"partnership": partnership or None, **{k: counts[k] for k in ("total", "current", "lapsing", "lapsed")}}


class OfferOut(Schema):
    id: int
    partnership: str
    academic_year: str
    employer_id: int
    employer: str
    team: str
    service_area: str
    statutory: bool
    stage: str
    places: int
    starts_on: dt.date | None
    ends_on: dt.date | None
    url: str


class OfferPage(Schema):
    items: list[OfferOut]
    next: str | None


@router.get("offers", response={200: OfferPage, **ERRORS}, url_name="offer_list", tags=["Placements"])
def offer_list(
    request,
    partnership: str | None = None,
    year: str | None = None,
    stage: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
):
    """Placement offers (no student is named in an offer, so every member sees them, as on the offers page)."""
    qs = PlacementOffer.objects.visible_to(request.user).select_related("partnership", "academic_year", "employer")
    ids = partnership_ids_for(request.user, partnership)
    if ids is not None:
        qs = qs.filter(partnership_id__in=ids)
    if year:
        qs = qs.filter(academic_year__label=year[:7])
    if stage in OfferStage.values:
        qs = qs.filter(stage=stage)
    rows, next_cursor = keyset_page(qs, cursor, limit)
    return {
        "items": [
            {
                "id": o.pk,
                "partnership": o.partnership.slug,
                "academic_year": o.academic_year.label,
                "employer_id": o.employer_id,
                "employer": o.employer.name,
                "team": o.team,
                "service_area": o.service_area,
                "statutory": o.statutory,
                "stage": o.stage,
                "places": o.places,
                "starts_on": o.starts_on,
                "ends_on": o.ends_on,
                "url": link(request, "placements:offer_detail", o.pk),
            }
            for o in rows
        ],
        "next": next_cursor,
    }


class PlacementOut(Schema):
    id: int
    partnership: str
    academic_year: str
    student_reference: str
    university: str
    employer: str
    team: str
    stage: str
    statutory: bool
    state: str
    starts_on: dt.date
    ends_on: dt.date
    planned_days: int
    completed_days: int
    url: str


class PlacementPage(Schema):
    items: list[PlacementOut]
    next: str | None


@router.get(
    "placements", response={200: PlacementPage, 403: Error, **ERRORS}, url_name="placement_list", tags=["Placements"]
)
def placement_list(
    request,
    partnership: str | None = None,
    year: str | None = None,
    state: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
):
    """Placements with a row per student: only for partnerships where you may download students'
    details on the pages (coordinators and leads); others get 403 and read the figures instead."""
    selected = {"partnership": (partnership or "")[:80], "year": (year or "")[:7]}
    if state in PlacementStatus.values:
        selected["status"] = state
    allowed = student_export_partnerships(
        request.user, listed_partnerships(visible_partnerships(request.user), selected)
    )
    if not allowed:
        raise PermissionDenied(
            f"Only {roles_label(PlacementPerm.EXPORT_STUDENTS)} can see students' placements; "
            "everyone in the partnership can read the figures (placement-figures, sufficiency)."
        )
    qs = filtered_placements(request.user, allowed, selected)
    if not request.user.is_site_admin:
        qs = qs.filter(partnership_id__in=[p.pk for p in allowed])
    rows, next_cursor = keyset_page(qs, cursor, limit)
    return {
        "items": [
            {
                "id": p.pk,
                "partnership": p.partnership.slug,
                "academic_year": p.academic_year.label,
                "student_reference": p.student.reference,
                "university": p.student.university.name,
                "employer": p.offer.employer.name,
                "team": p.offer.team,
                "stage": p.stage,
                "statutory": p.offer.statutory,
                "state": p.status,
                "starts_on": p.starts_on,
                "ends_on": p.ends_on,
                "planned_days": p.planned_days,
                "completed_days": p.completed_days,
                "url": link(request, "placements:placement_detail", p.pk),
            }
            for p in rows
        ],
        "next": next_cursor,
    }
