"""Submitting a health check for sign-off, signing it off, and reopening it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from healthcheck import selectors
from healthcheck.forms import ReasonForm, SignatoryForm
from healthcheck.models import Status, rag_label
from healthcheck.permissions import HealthCheckPerm
from healthcheck.rules import OVERALL_RULE_IN_WORDS
from healthcheck.services import signing
from healthcheck.views.common import hc_form_page, health_check_or_404
from partnerships.auth import AuthenticatedHttpRequest
from portal.flows import GET_POST, form_page
from portal.forms import ConfirmPasswordForm
from portal.forms import submit as submit_form


@login_required
@GET_POST
def submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Submit for sign-off, naming the signatory it goes to (SignatoryForm, defaulting to
    signing.default_signatory). What stops a submission is listed first, with links."""
    health_check = health_check_or_404(request, pk, HealthCheckPerm.RUN)
    problems = signing.submission_problems(health_check) if health_check.is_editable else []
    memberships = signing.signatory_memberships(health_check)
    default = signing.default_signatory(health_check, memberships)
    form = SignatoryForm(
        request.POST if request.method == "POST" and not problems else None,
        memberships=memberships,
        initial={"signatory": default.pk if default else None},
    )
    if request.method == "POST" and not problems and health_check.is_editable:
        saved, submitted = submit_form(
            form, lambda data: signing.submit(request.user, health_check, signatory=data["signatory"])
        )
        if saved and submitted is not None:
            messages.success(
                request,
                f"Submitted for sign-off. {submitted.signatory.get_full_name() if submitted.signatory else 'The signatory'} "
                "has been e-mailed and sees it as their task.",
            )
            return redirect(health_check)
        # A refusal found only under the lock (someone changed a rating meanwhile) is listed too.
        problems = signing.submission_problems(health_check)
    return render(
        request,
        "healthcheck/submit.html",
        {
            "hc": health_check,
            "problems": problems,
            "to_confirm": signing.ratings_needing_confirmation(health_check) if problems else [],
            "counts": selectors.counts_by_health_check([health_check.pk]),
            "form": form,
            "has_signatories": bool(memberships),
        },
    )


@login_required
@GET_POST
def change_signatory(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Send a health check waiting for sign-off to another signatory."""
    health_check = health_check_or_404(request, pk, HealthCheckPerm.RUN)
    if health_check.status != Status.SUBMITTED:
        messages.info(request, "Only a health check waiting for sign-off can be sent to someone else.")
        return redirect(health_check)
    memberships = signing.signatory_memberships(health_check)
    return hc_form_page(
        request,
        SignatoryForm(
            request.POST or None,
            memberships=memberships,
            initial={"signatory": health_check.signatory_id},
        ),
        lambda data: signing.change_signatory(request.user, health_check, signatory=data["signatory"]),
        success=lambda changed: (
            f"Sent for sign-off to {changed.signatory.get_full_name() if changed.signatory else 'nobody'}."
        ),
        next_url=health_check,
        title="Change who signs it off",
        caption=str(health_check),
        intro=(
            f"It is waiting for {health_check.signatory.get_full_name() if health_check.signatory else 'any signatory'}. "
            "The person you choose is e-mailed and sees it as their task."
        ),
        submit_label="Send it to them",
        cancel_url=health_check.get_absolute_url(),
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
