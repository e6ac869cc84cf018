"""Health checks: ratings per criterion, the overall rating and sign-offs, from the selectors the
health check pages use (so the overall rating is the page's own rule)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Router

from api.endpoints.common import ERRORS, Schema, link, partnership_ids_for
from api.pagination import keyset_page
from healthcheck import selectors
from healthcheck.models import HealthCheck, Status
from healthcheck.rules import RagCounts
from partnerships.access import Perm, object_or_404

router = Router(tags=["Health checks"])


class Counts(Schema):
    red: int
    amber: int
    green: int
    not_applicable: int
    not_rated: int


class HealthCheckSummary(Schema):
    id: int
    partnership: str
    organisation_id: int | None
    organisation: str
    academic_year: str
    framework: str
    state: str
    revision: int
    overall: str
    counts: Counts
    url: str


class CriterionRating(Schema):
    area: str
    code: str
    statement: str
    rating: str
    suggested_rating: str
    figure: str
    previous: str
    trend: str


class SignOffOut(Schema):
    revision: int
    name: str
    job_title: str
    organisation: str
    signed_at: dt.datetime
    overall_rating: str


class HealthCheckOut(HealthCheckSummary):
    ratings: list[CriterionRating]
    sign_offs: list[SignOffOut]


class HealthCheckPage(Schema):
    items: list[HealthCheckSummary]
    next: str | None


def _counts(c: RagCounts) -> dict:
    return {"red": c.red, "amber": c.amber, "green": c.green, "not_applicable": c.na, "not_rated": c.unrated}


def _summary(request, hc: HealthCheck, counts: RagCounts, overall: str) -> dict:
    return {
        "id": hc.pk,
        "partnership": hc.partnership.slug,
        "organisation_id": hc.organisation_id,
        "organisation": hc.organisation.name if hc.organisation else "",
        "academic_year": hc.academic_year,
        "framework": hc.framework.name,
        "state": hc.status,
        "revision": hc.revision,
        "overall": overall,
        "counts": _counts(counts),
        "url": link(request, "healthcheck:detail", hc.pk),
    }


@router.get("", response={200: HealthCheckPage, **ERRORS}, url_name="health_check_list")
def health_check_list(
    request,
    partnership: str | None = None,
    year: str | None = None,
    state: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
):
    qs = selectors.health_check_queryset(request.user)
    ids = partnership_ids_for(request.user, partnership)
    if ids is not None:
        qs = qs.filter(partnership_id__in=ids)
    if year:
        qs = qs.filter(academic_year=year[:7])
    if state in Status.values:
        qs = qs.filter(status=state)
    rows, next_cursor = keyset_page(qs, cursor, limit)
    # The list page's own summary (one query for the page).
    selectors.annotate_summaries(rows)
    return {"items": [_summary(request, hc, hc.counts, hc.overall) for hc in rows], "next": next_cursor}


@router.get("/{int:pk}", response={200: HealthCheckOut, **ERRORS}, url_name="health_check_detail")
def health_check_detail(request, pk: int):
    hc = object_or_404(selectors.health_check_queryset(request.user), request.user, Perm.VIEW, pk=pk)
    page = selectors.health_check_page(hc, today=timezone.localdate())
    ratings = [
        {
            "area": block.area.code,
            "code": row.criterion.code,
            "statement": row.criterion.statement,
            "rating": row.rating.rating,
            "suggested_rating": row.rating.suggested_rating,
            "figure": row.rating.metric_display,
            "previous": row.previous,
            "trend": str(row.trend),
        }
        for block in page.areas
        for row in block.rows
    ]
    sign_offs = [
        {
            "revision": s.revision,
            "name": s.name,
            "job_title": s.job_title,
            "organisation": s.organisation.name if s.organisation else "",
            "signed_at": s.signed_at,
            "overall_rating": s.overall_rating,
        }
        for s in hc.sign_offs.select_related("organisation")
    ]
    return {**_summary(request, hc, page.counts, page.overall), "ratings": ratings, "sign_offs": sign_offs}
