"""Health checks across partnerships: the list, choosing where to start one, and the heatmaps."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from healthcheck import selectors
from healthcheck.models import HealthCheck, Status
from healthcheck.permissions import HealthCheckPerm
from healthcheck.views.common import PAGE_SIZE
from partnerships.access import Perm, can, partnership_or_404
from partnerships.auth import AuthenticatedHttpRequest
from partnerships.models import Partnership
from portal.paging import paginate, query_params


@login_required
def health_check_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    params = query_params(request, "partnership", "year", "status")
    qs = selectors.filter_health_checks(request.user, **params)
    paged = paginate(request, qs, PAGE_SIZE)
    selectors.annotate_summaries(list(paged["page_obj"].object_list))
    partnerships = list(Partnership.objects.visible_to(request.user).only("id", "name", "slug").order_by("name"))
    return render(
        request,
        "healthcheck/list.html",
        {
            **paged,
            "params": params,
            "partnerships": partnerships,
            "years": selectors.years_with_health_checks(request.user),
            "statuses": Status.choices,
            "can_start": any(can(request.user, p, HealthCheckPerm.RUN) for p in partnerships),
            "filtered": any(params.values()),
        },
    )


@login_required
def start_choose(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Which partnership to start a health check for (skipped when there is only one)."""
    partnerships = [
        p
        for p in Partnership.objects.visible_to(request.user).order_by("name")
        if can(request.user, p, HealthCheckPerm.RUN)
    ]
    if len(partnerships) == 1:
        return redirect("healthcheck:start", slug=partnerships[0].slug)
    return render(request, "healthcheck/start_choose.html", {"partnerships": partnerships})


def _year_param(request, years: list[str]) -> str:
    year = query_params(request, "year")["year"]
    return year if year in years else (years[0] if years else "")


@login_required
def heatmap(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Areas against partnerships, for site administrators."""
    if not request.user.is_site_admin:
        raise PermissionDenied("Only site administrators can compare partnerships.")
    years = selectors.years_with_health_checks(request.user)
    year = _year_param(request, years)
    return render(
        request,
        "healthcheck/heatmap.html",
        {
            "heatmap": selectors.partnerships_heatmap(year) if year else None,
            "years": years,
            "year": year,
            "row_heading": "Partnership",
            "title": "Health checks across partnerships",
        },
    )


@login_required
def partnership_heatmap(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Areas against the partners of one partnership."""
    partnership = partnership_or_404(request.user, slug, Perm.VIEW)
    years = list(
        HealthCheck.objects.filter(partnership=partnership)
        .order_by("-academic_year")
        .values_list("academic_year", flat=True)
        .distinct()
    )
    year = _year_param(request, years)
    return render(
        request,
        "healthcheck/heatmap.html",
        {
            "heatmap": selectors.partners_heatmap(partnership, year) if year else None,
            "years": years,
            "year": year,
            "partnership": partnership,
            "row_heading": "Partner",
            "title": f"Health checks by partner: {partnership.name}",
        },
    )
