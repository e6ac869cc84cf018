"""Running a health check: starting it, its page, each criterion (rating, evidence, actions) and
the live figures."""

from __future__ import annotations

from enum import StrEnum

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from healthcheck import selectors
from healthcheck.forms import ActionForm, EvidenceForm, RatingForm, StartForm
from healthcheck.models import Evidence, EvidenceKind, HealthCheck, Rag, Rating
from healthcheck.permissions import HealthCheckPerm
from healthcheck.rules import OVERALL_RULE_IN_WORDS, TREND_LABELS
from healthcheck.services import action_plans, running, signing
from healthcheck.services.signing import can_sign_off
from healthcheck.suggestions import thresholds_for
from healthcheck.views.common import confirm_page, hc_form_page, health_check_or_404, rating_or_404
from partnerships.access import Perm, can, partnership_or_404, require
from partnerships.auth import AuthenticatedHttpRequest
from portal.audit import history_for
from portal.exceptions import StaleEdit
from portal.files import private_file_response
from portal.flows import GET_POST, POST_ONLY
from portal.forms import submit


@login_required
@GET_POST
def start(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, HealthCheckPerm.RUN)
    return hc_form_page(
        request,
        StartForm(request.POST or None, partnership=partnership),
        lambda data: running.start_health_check(
            request.user,
            partnership,
            academic_year=data["academic_year"],
            framework=data["framework"],
            organisation=data["organisation"],
        ),
        success=lambda hc: f"Health check started: {hc.ratings.count()} criteria to rate.",
        next_url=lambda hc: hc,
        title="Start a health check",
        caption=partnership.name,
        intro="Rate each criterion Red, Amber or Green against what the framework says they mean, with "
        "commentary, evidence and actions. Your work is saved criterion by criterion.",
        submit_label="Start the health check",
        cancel_url=reverse("healthcheck:list"),
    )


@login_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    health_check = health_check_or_404(request, pk)
    page = selectors.health_check_page(health_check, today=timezone.localdate())
    user = request.user
    return render(
        request,
        "healthcheck/detail.html",
        {
            "hc": health_check,
            "page": page,
            "rule": OVERALL_RULE_IN_WORDS,
            "trend_labels": TREND_LABELS,
            "can_run": can(user, health_check.partnership_id, HealthCheckPerm.RUN),
            "can_sign_off": can_sign_off(user, health_check),
            "sign_offs": list(health_check.sign_offs.select_related("organisation")),
            "reopenings": list(health_check.reopenings.select_related("reopened_by")),
            "events": history_for(target=health_check, limit=15),
        },
    )


def criterion_context(
    request, health_check, rating, *, rating_form=None, evidence_form=None, action_form=None, stale=None
):
    """The criterion page; the three forms on it post to three URLs, and the one that failed
    comes back with its errors."""
    user = request.user
    can_run = can(user, health_check.partnership_id, HealthCheckPerm.RUN)
    editable = can_run and health_check.is_editable
    criterion = rating.criterion
    if editable and rating_form is None:
        rating_form = RatingForm(
            initial={
                "rating": rating.rating or rating.suggested_rating,
                "commentary": rating.commentary,
                "override_reason": rating.override_reason,
                "revision": rating.revision,
            },
            criterion=criterion,
            has_suggestion=bool(rating.suggested_rating),
        )
    codes = list(
        Rating.objects.filter(health_check=health_check)
        .order_by("criterion__area__position", "criterion__position", "criterion__code")
        .values_list("criterion__code", flat=True)
    )
    index = codes.index(criterion.code)
    actions = list(rating.actions.select_related("owner"))
    return {
        "hc": health_check,
        "rating": rating,
        "criterion": criterion,
        "area": criterion.area,
        "thresholds": thresholds_for(criterion),
        "evidence": list(rating.evidence.select_related("added_by")),
        "actions": actions,
        "needs_action": editable and rating.rating in (Rag.RED, Rag.AMBER) and not actions,
        "can_run": can_run,
        "editable": editable,
        "rating_form": rating_form,
        "evidence_form": evidence_form or (EvidenceForm() if editable else None),
        "action_form": action_form or (ActionForm(partnership=health_check.partnership) if editable else None),
        "stale": stale,
        "previous_code": codes[index - 1] if index > 0 else "",
        "next_code": codes[index + 1] if index + 1 < len(codes) else "",
        "position": index + 1,
        "total": len(codes),
        "today": timezone.localdate(),
    }


@login_required
@GET_POST
def criterion(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
    """One criterion: the rubric, the live figure, the rating form, evidence and actions."""
    health_check = health_check_or_404(request, pk)
    rating = rating_or_404(health_check, code)
    if request.method != "POST":
        return render(request, "healthcheck/criterion.html", criterion_context(request, health_check, rating))
    require(request.user, health_check.partnership_id, HealthCheckPerm.RUN)
    form = RatingForm(request.POST, criterion=rating.criterion, has_suggestion=bool(rating.suggested_rating))
    saved, _ = submit(
        form,
        lambda data: running.save_rating(
            request.user,
            rating,
            value=data["rating"],
            commentary=data["commentary"],
            override_reason=data.get("override_reason", ""),
            base_revision=data["revision"],
        ),
    )
    if saved:
        next_code = request.POST.get("next_code", "")
        messages.success(request, f"{rating.criterion.code} saved.")
        # The code comes back from the page: only a criterion of this health check is followed
        # (compared in Python: a stray NUL byte in a database lookup is an error on PostgreSQL).
        if "save_next" in request.POST and next_code in set(
            health_check.ratings.values_list("criterion__code", flat=True)
        ):
            return redirect("healthcheck:criterion", pk=health_check.pk, code=next_code)
        return redirect(reverse("healthcheck:detail", args=[health_check.pk]) + f"#criterion-{slugify(code)}")
    stale = None
    if isinstance(form.service_error, StaleEdit):
        # The form keeps what they typed, now based on the version shown beside it.
        stale = Rating.objects.select_related("updated_by").get(pk=rating.pk)
    context = criterion_context(request, health_check, stale or rating, rating_form=form, stale=stale)
    return render(request, "healthcheck/criterion.html", context)


# The forms for evidence and actions are on the criterion page; their URLs take only a POST,
# refused (405) after the access check so that outsiders still get 404 and members without the
# role 403.


@login_required
def add_evidence(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
    health_check = health_check_or_404(request, pk, HealthCheckPerm.RUN)
    return _add_evidence(request, health_check, rating_or_404(health_check, code), code)


@POST_ONLY
def _add_evidence(request: HttpRequest, health_check: HealthCheck, rating: Rating, code: str) -> HttpResponse:
    form = EvidenceForm(request.POST, request.FILES)
    saved, _ = submit(
        form,
        lambda data: running.add_evidence(
            request.user,
            rating,
            kind=data["kind"],
            title=data["title"],
            note=data["note"],
            url=data["url"],
            upload=data["upload"] if data["kind"] == EvidenceKind.FILE else None,
        ),
    )
    if saved:
        messages.success(request, f"Evidence added to {code}.")
        return redirect(reverse("healthcheck:criterion", args=[health_check.pk, code]) + "#evidence")
    context = criterion_context(request, health_check, rating, evidence_form=form)
    return render(request, "healthcheck/criterion.html", context)


@login_required
def add_action(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
    health_check = health_check_or_404(request, pk, HealthCheckPerm.RUN)
    return _add_action(request, health_check, rating_or_404(health_check, code), code)


@POST_ONLY
def _add_action(request: HttpRequest, health_check: HealthCheck, rating: Rating, code: str) -> HttpResponse:
    form = ActionForm(request.POST, partnership=health_check.partnership)
    saved, _ = submit(form, lambda data: action_plans.add_action(request.user, rating, **data))
    if saved:
        messages.success(request, f"Action added to {code}.")
        return redirect(reverse("healthcheck:criterion", args=[health_check.pk, code]) + "#actions")
    context = criterion_context(request, health_check, rating, action_form=form)
    return render(request, "healthcheck/criterion.html", context)


def _evidence(request, pk: int, evidence_pk: int, perm: StrEnum) -> Evidence:
    health_check = health_check_or_404(request, pk, perm)
    evidence = (
        Evidence.objects.visible_to(request.user)
        .filter(pk=evidence_pk, rating__health_check=health_check)
        .select_related("rating__criterion")
        .first()
    )
    if evidence is None:
        raise Http404("No such evidence")
    evidence.rating.health_check = health_check
    return evidence


@login_required
def evidence_file(request: AuthenticatedHttpRequest, pk: int, evidence_pk: int) -> HttpResponseBase:
    """Stream an uploaded evidence file to a member of the partnership (never a public URL)."""
    evidence = _evidence(request, pk, evidence_pk, Perm.VIEW)
    if evidence.kind != EvidenceKind.FILE or not evidence.file:
        raise Http404("This evidence has no file")
    try:
        return private_file_response(evidence.file, evidence.original_name or "evidence", evidence.content_type)
    except FileNotFoundError:
        raise Http404("The file is missing from storage") from None


@login_required
@GET_POST
def remove_evidence(request: AuthenticatedHttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    evidence = _evidence(request, pk, evidence_pk, HealthCheckPerm.RUN)
    code = evidence.rating.criterion.code
    back = reverse("healthcheck:criterion", args=[pk, code]) + "#evidence"
    if request.method == "POST":
        try:
            running.remove_evidence(request.user, evidence)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, f"Evidence “{evidence.title}” removed from {code}.")
        return redirect(back)
    return confirm_page(
        request,
        title=f"Remove “{evidence.title}” from {code}?",
        caption=str(evidence.rating.health_check),
        intro="The evidence and any uploaded file are deleted. This cannot be undone.",
        submit_label="Remove the evidence",
        cancel_url=back,
    )


@login_required
def refresh_figures(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # The button is on the health check's page; a POST only, refused after the access check.
    return _refresh_figures(request, health_check_or_404(request, pk, HealthCheckPerm.RUN))


@POST_ONLY
def _refresh_figures(request: HttpRequest, health_check: HealthCheck) -> HttpResponse:
    try:
        changed = running.refresh_figures(request.user, health_check)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"Live figures worked out again: {changed} suggestion(s) changed.")
        to_confirm = [r.criterion.code for r in signing.ratings_needing_confirmation(health_check)]
        if to_confirm:
            messages.warning(
                request,
                f"{len(to_confirm)} rating(s) need confirmation because their suggestion changed: "
                f"{', '.join(to_confirm)}. Open each one and save it again before submitting.",
            )
    return redirect(health_check)
