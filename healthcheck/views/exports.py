"""One health check as a PDF (with its sign-off) and as CSV, for any member of the partnership."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify

from healthcheck import selectors
from healthcheck.exports import health_check_csv, health_check_pdf
from healthcheck.views.common import health_check_or_404
from partnerships.auth import AuthenticatedHttpRequest


@login_required
def pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    health_check = health_check_or_404(request, pk)
    page = selectors.health_check_page(health_check, today=timezone.localdate())
    sign_off = health_check.sign_offs.filter(revision=health_check.revision).select_related("organisation").first()
    content = health_check_pdf(page, sign_off=sign_off, generated_at=timezone.now())
    name = f"health-check-{slugify(health_check.partnership.slug)}-{health_check.academic_year.replace('/', '-')}"
    if health_check.organisation is not None:
        name += f"-{slugify(health_check.organisation.name)[:40]}"
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    health_check = health_check_or_404(request, pk)
    page = selectors.health_check_page(health_check, today=timezone.localdate())
    name = f"health-check-{health_check.partnership.slug}-{health_check.academic_year.replace('/', '-')}"
    # A byte-order mark so spreadsheet programs read the file as UTF-8.
    response = HttpResponse("\ufeff" + health_check_csv(page), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
