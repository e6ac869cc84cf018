"""The workforce section's start page and a partnership's workforce page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from partnerships.access import can, memberships, partnership_or_404
from partnerships.models import Partnership
from portal import academic_years
from portal.flows import GET_ONLY
from workforce import selectors
from workforce.chart import line_chart
from workforce.due import figures_due
from workforce.permissions import WorkforcePerm


@login_required
@GET_ONLY
def index(request: HttpRequest) -> HttpResponse:
    if getattr(request.user, "is_site_admin", False):
        partnerships = list(Partnership.objects.order_by("name"))
    else:
        partnerships = sorted({m.partnership for m in memberships(request.user)}, key=lambda p: p.name)
    return render(request, "workforce/index.html", {"partnerships": partnerships})


@login_required
@GET_ONLY
def partnership_page(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug)
    summary = selectors.summary(request.user, partnership, year=request.GET.get("year"))
    in_post = {t.year: float(t.cells[0].text.replace(",", "")) for t in summary.totals if t.cells[0].number}
    chart = line_chart(summary.years, [("Partnership: social workers in post (FTE)", "history", in_post)])
    return render(
        request,
        "workforce/partnership.html",
        {
            "partnership": partnership,
            "summary": summary,
            "chart": chart,
            "may_keep": can(request.user, partnership, WorkforcePerm.KEEP_FIGURES),
            "year_choices": selectors.selectable_years(summary),
            "entry_year": academic_years.first_year_of(summary.latest),
            "due": figures_due(request.user, timezone.localdate(), partnership),
        },
    )
