"""Submitting a health check for sign-off, signing it off, and reopening it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from healthcheck import selectors
from healthcheck.forms import ReasonForm
from healthcheck.models import rag_label
from healthcheck.permissions import HealthCheckPerm
from healthcheck.rules import OVERALL_RULE_IN_WORDS
from healthcheck.services import signing
from healthcheck.views.common import hc_form_page, health_check_or_404
from partnerships.auth import AuthenticatedHttpRequest
from portal.flows import GET_POST, form_page
from portal.forms import ConfirmPasswordForm


@login_required
@GET_POST
def submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    health_check = health_check_or_404(request, pk, HealthCheckPerm.RUN)
    problems = signing.submission_problems(health_check) if health_check.is_editable else []
    if request.method == "POST":
        try:
            signing.submit(request.user, health_check)
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, "Submitted for sign-off. The partnership's signatories can now sign it off.")
            return redirect(health_check)
    return render(
        request,
        "healthcheck/submit.html",
        {
            "hc": health_check,
            "problems": problems,
            "to_confirm": signing.ratings_needing_confirmation(health_check) if problems else [],
            "counts": selectors.counts_by_health_check([health_check.pk]),
        },
    )


@login_required
@GET_POST
def sign_off(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    health_check = health_check_or_404(request, pk, HealthCheckPerm.SIGN_OFF)
    if not signing.can_sign_off(request.user, health_check):
        raise PermissionDenied(f"Only a signatory for {health_check.organisation} can sign off this health check.")
    return form_page(
        request,
        ConfirmPasswordForm(request.POST or None, user=request.user, request=request),
        lambda data: signing.sign_off(request.user, health_check),
        template="healthcheck/sign_off.html",
        success=lambda signed: f"Signed off. Overall rating: {rag_label(signed.overall_rating)}.",
        next_url=health_check,
        hc=health_check,
        page=selectors.health_check_page(health_check, today=timezone.localdate()),
        rule=OVERALL_RULE_IN_WORDS,
    )


@login_required
@GET_POST
def reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    health_check = health_check_or_404(request, pk, HealthCheckPerm.RUN)
    if health_check.is_editable and request.method != "POST":
        messages.info(request, "This health check is already open for changes.")
        return redirect(health_check)
    return hc_form_page(
        request,
        ReasonForm(request.POST or None),
        lambda data: signing.reopen(request.user, health_check, reason=data["reason"]),
        success=lambda reopened: f"Reopened as revision {reopened.revision}.",
        next_url=health_check,
        title="Reopen the health check",
        caption=str(health_check),
        intro="Reopening unlocks the ratings so they can change. The sign-off already given stays on record "
        "for its revision; the new revision needs submitting and signing off again.",
        submit_label="Reopen",
        cancel_url=health_check.get_absolute_url(),
    )
