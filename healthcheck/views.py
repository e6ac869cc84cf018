"""Health check pages. Thin: parse the request, call a selector or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify

from healthcheck import selectors, services
from healthcheck.exports import health_check_csv, health_check_pdf
from healthcheck.forms import (
    ActionForm,
    ActionUpdateForm,
    EvidenceForm,
    RatingForm,
    ReasonForm,
    StartForm,
)
from healthcheck.models import Action, ActionStatus, Evidence, EvidenceKind, HealthCheck, Rag, Rating, Status, rag_label
from healthcheck.rules import OVERALL_RULE_IN_WORDS, TREND_LABELS
from healthcheck.suggestions import thresholds_for
from partnerships.access import Perm, can, object_or_404, partnership_or_404, require
from partnerships.models import Partnership
from portal.audit import history_for
from portal.exceptions import StaleEdit
from portal.files import private_file_response
from portal.forms import ConfirmPasswordForm
from portal.paging import paginate, query_params

PAGE_SIZE = 50


# --- Helpers ------------------------------------------------------------------------------------


def _health_check(request, pk: int, perm: Perm = Perm.VIEW) -> HealthCheck:
    """The health check if the user may see it (else 404) and do `perm` (else 403)."""
    return object_or_404(selectors.health_check_queryset(request.user), request.user, perm, pk=pk)


def _rating(health_check: HealthCheck, code: str) -> Rating:
    rating = (
        Rating.objects.filter(health_check=health_check, criterion__code=code)
        .select_related("criterion__area", "updated_by")
        .first()
    )
    if rating is None:
        raise Http404("No such criterion in this health check")
    rating.health_check = health_check
    return rating


def _post_only(request) -> HttpResponse | None:
    """For actions that only make sense as a POST: checked after access, so outsiders still
    get 404 and members without the role 403."""
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                for message in error.messages:
                    form.add_error(name if name in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _form_page(request, *, form, title, caption="", intro="", submit_label="Save", cancel_url="", extra=None):
    context = {
        "form": form,
        "title": title,
        "caption": caption,
        "intro": intro,
        "submit_label": submit_label,
        "cancel_url": cancel_url,
    }
    return render(request, "healthcheck/form_page.html", {**context, **(extra or {})})


def confirm_page(request, *, title: str, intro: str, submit_label: str, cancel_url: str, caption: str = ""):
    """A GOV.UK "are you sure?" page for a destructive action; the same URL takes the POST."""
    context = {"title": title, "caption": caption, "intro": intro, "submit_label": submit_label}
    return render(request, "healthcheck/confirm.html", {**context, "warning": True, "cancel_url": cancel_url})


# --- Lists ----------------------------------------------------------------------------------------


@login_required
def health_check_list(request: HttpRequest) -> HttpResponse:
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
            "can_start": any(can(request.user, p, Perm.RUN_HEALTH_CHECK) for p in partnerships),
            "filtered": any(params.values()),
        },
    )


@login_required
def start_choose(request: HttpRequest) -> HttpResponse:
    """Which partnership to start a health check for (skipped when there is only one)."""
    partnerships = [
        p
        for p in Partnership.objects.visible_to(request.user).order_by("name")
        if can(request.user, p, Perm.RUN_HEALTH_CHECK)
    ]
    if len(partnerships) == 1:
        return redirect("healthcheck:start", slug=partnerships[0].slug)
    return render(request, "healthcheck/start_choose.html", {"partnerships": partnerships})


@login_required
def start(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, Perm.RUN_HEALTH_CHECK)
    form = StartForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            health_check = services.start_health_check(
                request.user,
                partnership,
                academic_year=form.cleaned_data["academic_year"],
                framework=form.cleaned_data["framework"],
                organisation=form.cleaned_data["organisation"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Health check started: {health_check.ratings.count()} criteria to rate.")
            return redirect(health_check)
    return _form_page(
        request,
        form=form,
        title="Start a health check",
        caption=partnership.name,
        intro="Rate each criterion Red, Amber or Green against what the framework says they mean, with "
        "commentary, evidence and actions. Your work is saved criterion by criterion.",
        submit_label="Start the health check",
        cancel_url=reverse("healthcheck:list"),
    )


# --- One health check -------------------------------------------------------------------------------


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    health_check = _health_check(request, pk)
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
            "can_run": can(user, health_check.partnership_id, Perm.RUN_HEALTH_CHECK),
            "can_sign_off": services.can_sign_off(user, health_check),
            "sign_offs": list(health_check.sign_offs.select_related("organisation")),
            "reopenings": list(health_check.reopenings.select_related("reopened_by")),
            "events": history_for(target=health_check, limit=15),
        },
    )


def _criterion_context(
    request, health_check, rating, *, rating_form=None, evidence_form=None, action_form=None, stale=None
):
    user = request.user
    can_run = can(user, health_check.partnership_id, Perm.RUN_HEALTH_CHECK)
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
def criterion(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """One criterion: the rubric, the live figure, the rating form, evidence and actions."""
    health_check = _health_check(request, pk)
    rating = _rating(health_check, code)
    if request.method != "POST":
        return render(request, "healthcheck/criterion.html", _criterion_context(request, health_check, rating))
    require(request.user, health_check.partnership_id, Perm.RUN_HEALTH_CHECK)
    form = RatingForm(request.POST, criterion=rating.criterion, has_suggestion=bool(rating.suggested_rating))
    stale = None
    if form.is_valid():
        try:
            services.save_rating(
                request.user,
                rating,
                value=form.cleaned_data["rating"],
                commentary=form.cleaned_data["commentary"],
                override_reason=form.cleaned_data.get("override_reason", ""),
                base_revision=form.cleaned_data["revision"],
            )
        except StaleEdit as exc:
            # Keep what they typed; the next save is based on the version now shown beside it.
            stale = Rating.objects.select_related("updated_by").get(pk=rating.pk)
            data = request.POST.copy()
            data["revision"] = str(stale.revision)
            form = RatingForm(data, criterion=rating.criterion, has_suggestion=bool(rating.suggested_rating))
            form.is_valid()
            form.add_error(None, exc.messages[0])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            next_code = request.POST.get("next_code", "")
            messages.success(request, f"{rating.criterion.code} saved.")
            # The code comes back from the page: only a criterion of this health check is followed
            # (compared in Python: a stray NUL byte in a database lookup is an error on PostgreSQL).
            if "save_next" in request.POST and next_code in set(
                health_check.ratings.values_list("criterion__code", flat=True)
            ):
                return redirect("healthcheck:criterion", pk=health_check.pk, code=next_code)
            return redirect(reverse("healthcheck:detail", args=[health_check.pk]) + f"#criterion-{slugify(code)}")
    context = _criterion_context(request, health_check, stale or rating, rating_form=form, stale=stale)
    return render(request, "healthcheck/criterion.html", context)


@login_required
def add_evidence(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    health_check = _health_check(request, pk, Perm.RUN_HEALTH_CHECK)
    rating = _rating(health_check, code)
    if refused := _post_only(request):
        return refused
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_evidence(
                request.user,
                rating,
                kind=data["kind"],
                title=data["title"],
                note=data["note"],
                url=data["url"],
                upload=data["upload"] if data["kind"] == EvidenceKind.FILE else None,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Evidence added to {code}.")
            return redirect(reverse("healthcheck:criterion", args=[pk, code]) + "#evidence")
    context = _criterion_context(request, health_check, rating, evidence_form=form)
    return render(request, "healthcheck/criterion.html", context)


def _evidence(request, pk: int, evidence_pk: int, perm: Perm) -> Evidence:
    health_check = _health_check(request, pk, perm)
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
def evidence_file(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """Stream an uploaded evidence file to a member of the partnership (never a public URL)."""
    evidence = _evidence(request, pk, evidence_pk, Perm.VIEW)
    if evidence.kind != EvidenceKind.FILE or not evidence.file:
        raise Http404("This evidence has no file")
    try:
        return private_file_response(evidence.file, evidence.original_name or "evidence", evidence.content_type)
    except FileNotFoundError:
        raise Http404("The file is missing from storage") from None


@login_required
def remove_evidence(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    evidence = _evidence(request, pk, evidence_pk, Perm.RUN_HEALTH_CHECK)
    code = evidence.rating.criterion.code
    back = reverse("healthcheck:criterion", args=[pk, code]) + "#evidence"
    if request.method == "POST":
        try:
            services.remove_evidence(request.user, evidence)
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
def add_action(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    health_check = _health_check(request, pk, Perm.RUN_HEALTH_CHECK)
    rating = _rating(health_check, code)
    if refused := _post_only(request):
        return refused
    form = ActionForm(request.POST, partnership=health_check.partnership)
    if form.is_valid():
        try:
            services.add_action(request.user, rating, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Action added to {code}.")
            return redirect(reverse("healthcheck:criterion", args=[pk, code]) + "#actions")
    context = _criterion_context(request, health_check, rating, action_form=form)
    return render(request, "healthcheck/criterion.html", context)


@login_required
def refresh_figures(request: HttpRequest, pk: int) -> HttpResponse:
    health_check = _health_check(request, pk, Perm.RUN_HEALTH_CHECK)
    if refused := _post_only(request):
        return refused
    try:
        changed = services.refresh_figures(request.user, health_check)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"Live figures worked out again: {changed} suggestion(s) changed.")
    return redirect(health_check)


@login_required
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    health_check = _health_check(request, pk, Perm.RUN_HEALTH_CHECK)
    problems = services.submission_problems(health_check) if health_check.is_editable else []
    if request.method == "POST":
        try:
            services.submit(request.user, health_check)
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, "Submitted for sign-off. The partnership's signatories can now sign it off.")
            return redirect(health_check)
    return render(
        request,
        "healthcheck/submit.html",
        {"hc": health_check, "problems": problems, "counts": selectors.counts_by_health_check([health_check.pk])},
    )


@login_required
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    health_check = _health_check(request, pk, Perm.SIGN_OFF_HEALTH_CHECK)
    if not services.can_sign_off(request.user, health_check):
        raise PermissionDenied(f"Only a signatory for {health_check.organisation} can sign off this health check.")
    form = ConfirmPasswordForm(request.POST or None, user=request.user, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            signed = services.sign_off(request.user, health_check)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Signed off. Overall rating: {rag_label(signed.overall_rating)}.")
            return redirect(health_check)
    page = selectors.health_check_page(health_check, today=timezone.localdate())
    return render(
        request,
        "healthcheck/sign_off.html",
        {"hc": health_check, "page": page, "form": form, "rule": OVERALL_RULE_IN_WORDS},
    )


@login_required
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    health_check = _health_check(request, pk, Perm.RUN_HEALTH_CHECK)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen(request.user, health_check, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Reopened as revision {health_check.revision + 1}.")
            return redirect(health_check)
    if health_check.is_editable and request.method != "POST":
        messages.info(request, "This health check is already open for changes.")
        return redirect(health_check)
    return _form_page(
        request,
        form=form,
        title="Reopen the health check",
        caption=str(health_check),
        intro="Reopening unlocks the ratings so they can change. The sign-off already given stays on record "
        "for its revision; the new revision needs submitting and signing off again.",
        submit_label="Reopen",
        cancel_url=health_check.get_absolute_url(),
    )


@login_required
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    health_check = _health_check(request, pk)
    page = selectors.health_check_page(health_check, today=timezone.localdate())
    sign_off = health_check.sign_offs.filter(revision=health_check.revision).select_related("organisation").first()
    content = health_check_pdf(page, sign_off=sign_off, generated_at=timezone.now())
    name = f"health-check-{slugify(health_check.partnership.slug)}-{health_check.academic_year.replace('/', '-')}"
    if health_check.organisation_id:
        name += f"-{slugify(health_check.organisation.name)[:40]}"
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    health_check = _health_check(request, pk)
    page = selectors.health_check_page(health_check, today=timezone.localdate())
    name = f"health-check-{health_check.partnership.slug}-{health_check.academic_year.replace('/', '-')}"
    # A byte-order mark so spreadsheet programs read the file as UTF-8.
    response = HttpResponse("\ufeff" + health_check_csv(page), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Heatmaps -------------------------------------------------------------------------------------


def _year_param(request, years: list[str]) -> str:
    year = query_params(request, "year")["year"]
    return year if year in years else (years[0] if years else "")


@login_required
def heatmap(request: HttpRequest) -> HttpResponse:
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
def partnership_heatmap(request: HttpRequest, slug: str) -> HttpResponse:
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


# --- Actions ----------------------------------------------------------------------------------------


@login_required
def action_list(request: HttpRequest) -> HttpResponse:
    params = query_params(request, "owner", "status", "overdue", "partnership")
    today = timezone.localdate()
    qs = selectors.filter_actions(
        request.user,
        owner=params["owner"],
        status=params["status"],
        overdue=params["overdue"] == "1",
        partnership=params["partnership"],
        today=today,
    )
    paged = paginate(request, qs, PAGE_SIZE)
    partnerships = list(Partnership.objects.visible_to(request.user).only("name", "slug").order_by("name"))
    # Named owners are offered within one partnership: across many, the list would run to
    # thousands of people (and cost more than the page itself).
    one = params["partnership"] or (partnerships[0].slug if len(partnerships) == 1 else "")
    return render(
        request,
        "healthcheck/action_list.html",
        {
            **paged,
            "params": params,
            "owners": selectors.action_owners(request.user, one) if one else [],
            "statuses": ActionStatus.choices,
            "partnerships": partnerships,
            "today": today,
            "filtered": any(params.values()),
        },
    )


@login_required
def action_edit(request: HttpRequest, action_pk: int) -> HttpResponse:
    action = object_or_404(
        Action.objects.select_related(
            "owner", "health_check__partnership", "health_check__organisation", "rating__criterion"
        ),
        request.user,
        Perm.VIEW,
        partnership_attr="health_check.partnership_id",
        pk=action_pk,
    )
    may_update = services.can_update_action(request.user, action)
    status_only = not can(request.user, action.health_check.partnership_id, Perm.RUN_HEALTH_CHECK)
    form = None
    if may_update:
        initial = {
            "description": action.description,
            "owner": action.owner_id,
            "due_on": action.due_on,
            "status": action.status,
            "revision": action.revision,
            "next": request.GET.get("next", ""),
        }
        form = ActionUpdateForm(
            request.POST or None, initial=initial, partnership=action.health_check.partnership, status_only=status_only
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Only the action's owner, coordinators and leads can update it.")
        if form.is_valid():
            try:
                services.update_action(
                    request.user, action, data=form.cleaned_data, base_revision=form.cleaned_data["revision"]
                )
            except StaleEdit as exc:
                action.refresh_from_db()
                data = request.POST.copy()
                data["revision"] = str(action.revision)
                form = ActionUpdateForm(data, partnership=action.health_check.partnership, status_only=status_only)
                form.is_valid()
                form.add_error(None, exc.messages[0])
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, "Action updated.")
                back = request.POST.get("next", "")
                # Only a path on this site: redirect() would read any other word as a page's name.
                if not back.startswith("/") or not url_has_allowed_host_and_scheme(
                    back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
                ):
                    back = reverse("healthcheck:action_list") + "?owner=me&status=open"
                return redirect(back)
    return render(
        request,
        "healthcheck/action_edit.html",
        {
            "action": action,
            "form": form,
            "today": timezone.localdate(),
            "hc": action.health_check,
        },
    )
