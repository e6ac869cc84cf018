"""What health check and framework pages share: the objects as the user may see them, the form
page and the "are you sure?" page."""

from __future__ import annotations

from enum import StrEnum

from django.http import Http404, HttpResponse
from django.shortcuts import render

from healthcheck import selectors
from healthcheck.models import HealthCheck, Rating
from partnerships.access import Perm, object_or_404
from portal.flows import form_page

PAGE_SIZE = 50


def health_check_or_404(request, pk: int, perm: StrEnum = Perm.VIEW) -> HealthCheck:
    """The health check if the user may see it (else 404) and do `perm` (else 403)."""
    return object_or_404(selectors.health_check_queryset(request.user), request.user, perm, pk=pk)


def rating_or_404(health_check: HealthCheck, code: str) -> Rating:
    rating = (
        Rating.objects.filter(health_check=health_check, criterion__code=code)
        .select_related("criterion__area", "updated_by")
        .first()
    )
    if rating is None:
        raise Http404("No such criterion in this health check")
    rating.health_check = health_check
    return rating


def hc_form_page(request, form, service, *, success, next_url, stale_check=None, **page) -> HttpResponse:
    """portal.flows.form_page on healthcheck/form_page.html (title, caption, intro, submit_label,
    cancel_url; `problems` lists a framework file's problems above the form)."""
    return form_page(
        request,
        form,
        service,
        template="healthcheck/form_page.html",
        success=success,
        next_url=next_url,
        stale_check=stale_check,
        **page,
    )


def confirm_page(request, *, title: str, intro: str, submit_label: str, cancel_url: str, caption: str = ""):
    """A GOV.UK "are you sure?" page for a destructive action; the same URL takes the POST."""
    context = {"title": title, "caption": caption, "intro": intro, "submit_label": submit_label}
    return render(request, "healthcheck/confirm.html", {**context, "warning": True, "cancel_url": cancel_url})
