"""Framework pages: anyone signed in reads frameworks and exports them as JSON (so partnerships
can share them); site administrators author, version, publish and import them."""

from __future__ import annotations

import json
from typing import overload

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from healthcheck.forms import AreaForm, CriterionForm, FrameworkForm, ImportForm
from healthcheck.frameworks import FrameworkProblems, export_framework
from healthcheck.models import Area, Criterion, Framework, FrameworkStatus
from healthcheck.services import authoring
from healthcheck.suggestions import metric_for, thresholds_for
from healthcheck.views.common import confirm_page, hc_form_page
from partnerships.auth import AuthenticatedHttpRequest
from portal.flows import GET_POST, POST_ONLY


def _admin_only(request) -> None:
    if not request.user.is_site_admin:
        raise PermissionDenied("Only site administrators can change frameworks.")


def _draft_or_redirect(request, framework: Framework) -> HttpResponse | None:
    """Published versions are frozen: send the administrator back with what to do instead."""
    if framework.status != FrameworkStatus.DRAFT:
        messages.error(request, "This version is published, so it cannot change. Make a new version to edit it.")
        return redirect(framework)
    return None


@login_required
def framework_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    frameworks = list(Framework.objects.order_by("family", "-version"))
    counts = {
        row["area__framework"]: row["n"]
        for row in Criterion.objects.values("area__framework").order_by().annotate(n=Count("id"))
    }
    for framework in frameworks:
        framework.criterion_count = counts.get(framework.pk, 0)  # type: ignore[attr-defined]  # shown by the template only
    return render(request, "healthcheck/framework_list.html", {"frameworks": frameworks})


@login_required
def framework_detail(request: AuthenticatedHttpRequest, framework_pk: int) -> HttpResponse:
    framework = get_object_or_404(Framework, pk=framework_pk)
    areas = list(framework.areas.prefetch_related("criteria"))
    for area in areas:
        for criterion in area.criteria.all():
            metric = metric_for(criterion)
            # Shown by the template only, so not declared on the model.
            criterion.metric_label = metric.label if metric else criterion.metric_key  # type: ignore[attr-defined]  # template-only
            criterion.thresholds = thresholds_for(criterion)  # type: ignore[attr-defined]  # template-only
    return render(
        request,
        "healthcheck/framework_detail.html",
        {
            "framework": framework,
            "areas": areas,
            "in_use": framework.health_checks.count(),
            "versions": Framework.objects.filter(family=framework.family).order_by("-version"),
            "is_admin": request.user.is_site_admin,
        },
    )


@login_required
def framework_export(request: AuthenticatedHttpRequest, framework_pk: int) -> HttpResponse:
    framework = get_object_or_404(Framework, pk=framework_pk)
    content = json.dumps(export_framework(framework), indent=2, ensure_ascii=False)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="framework-{framework.family}-v{framework.version}.json"'
    return response


@login_required
@GET_POST
def framework_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _admin_only(request)
    return hc_form_page(
        request,
        FrameworkForm(request.POST or None),
        lambda data: authoring.create_framework(
            request.user, family=data["family"], name=data["name"], description=data["description"]
        ),
        success="Draft framework created. Add its areas and criteria, then publish it.",
        next_url=lambda framework: framework,
        title="Create a framework",
        intro="A new framework starts as a draft. Publish it when its areas and criteria are ready.",
        submit_label="Create the draft",
        cancel_url=reverse("healthcheck:framework_list"),
    )


@login_required
@GET_POST
def framework_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    _admin_only(request)
    problems: list[str] = []  # filled when the file is refused, listed above the form

    def import_file(data):
        try:
            return authoring.import_framework(request.user, data["file"].read(2 * 1024 * 1024))
        except FrameworkProblems as exc:
            problems.extend(exc.problems)
            raise ValidationError(
                {"file": f"The file has {len(exc.problems)} problem(s), listed below. Nothing was imported."}
            ) from None

    return hc_form_page(
        request,
        ImportForm(request.POST or None, request.FILES or None),
        import_file,
        success=lambda framework: f"Imported as a draft: {framework}. Check it, then publish it.",
        next_url=lambda framework: framework,
        title="Import a framework",
        intro="Import a framework exported as JSON from this or another partnership portal. Every problem in the "
        "file is listed and nothing is imported until all are fixed.",
        submit_label="Import",
        cancel_url=reverse("healthcheck:framework_list"),
        problems=problems,
    )


@login_required
@GET_POST
def framework_edit(request: AuthenticatedHttpRequest, framework_pk: int) -> HttpResponse:
    _admin_only(request)
    framework = get_object_or_404(Framework, pk=framework_pk)
    if refused := _draft_or_redirect(request, framework):
        return refused
    initial = {"name": framework.name, "description": framework.description, "revision": framework.revision}
    return hc_form_page(
        request,
        FrameworkForm(request.POST or None, initial=initial, editing=True),
        lambda data: authoring.update_framework(
            request.user,
            framework,
            name=data["name"],
            description=data["description"],
            base_revision=data["revision"],
        ),
        success="Framework details saved.",
        next_url=framework,
        stale_check=framework,
        title="Edit the framework details",
        caption=str(framework),
        cancel_url=framework.get_absolute_url(),
    )


# New version and publish are buttons on the framework's page: a POST only, refused (405) after
# the access check so that others still get 403.


@login_required
def framework_new_version(request: AuthenticatedHttpRequest, framework_pk: int) -> HttpResponse:
    _admin_only(request)
    return _new_version(request, get_object_or_404(Framework, pk=framework_pk))


@POST_ONLY
def _new_version(request: HttpRequest, framework: Framework) -> HttpResponse:
    try:
        copy = authoring.new_version(request.user, framework)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect(framework)
    messages.success(
        request, f"Version {copy.version} is a draft copy of version {framework.version}: edit it, then publish it."
    )
    return redirect(copy)


@login_required
def framework_publish(request: AuthenticatedHttpRequest, framework_pk: int) -> HttpResponse:
    _admin_only(request)
    return _publish(request, get_object_or_404(Framework, pk=framework_pk))


@POST_ONLY
def _publish(request: HttpRequest, framework: Framework) -> HttpResponse:
    try:
        authoring.publish_framework(request.user, framework)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Published {framework}. New health checks can use it; it can no longer change.")
    return redirect(framework)


@login_required
@GET_POST
def framework_delete(request: AuthenticatedHttpRequest, framework_pk: int) -> HttpResponse:
    _admin_only(request)
    framework = get_object_or_404(Framework, pk=framework_pk)
    if refused := _draft_or_redirect(request, framework):
        return refused
    if request.method == "POST":
        authoring.delete_draft_framework(request.user, framework)
        messages.success(request, f"Deleted the draft {framework}.")
        return redirect("healthcheck:framework_list")
    return confirm_page(
        request,
        title=f"Delete the draft {framework}?",
        intro="Its areas and criteria are deleted too. Published versions are not affected.",
        submit_label="Delete the draft",
        cancel_url=framework.get_absolute_url(),
    )


@overload
def _area(framework: Framework, area_pk: int) -> Area: ...
@overload
def _area(framework: Framework, area_pk: int | None) -> Area | None: ...
def _area(framework: Framework, area_pk: int | None) -> Area | None:
    if area_pk is None:
        return None
    area = framework.areas.filter(pk=area_pk).first()
    if area is None:
        raise Http404("No such area in this framework")
    return area


@login_required
@GET_POST
def area_form(request: AuthenticatedHttpRequest, framework_pk: int, area_pk: int | None = None) -> HttpResponse:
    _admin_only(request)
    framework = get_object_or_404(Framework, pk=framework_pk)
    area = _area(framework, area_pk)
    if refused := _draft_or_redirect(request, framework):
        return refused
    initial = (
        {name: getattr(area, name) for name in ("code", "title", "description", "position", "revision")}
        if area
        else {"position": framework.areas.count() + 1}
    )
    return hc_form_page(
        request,
        AreaForm(request.POST or None, initial=initial),
        lambda data: authoring.save_area(request.user, framework, area, data=data, base_revision=data["revision"]),
        success="Area saved.",
        next_url=framework,
        stale_check=area,
        title=f"Edit area {area.code}" if area else "Add an area",
        caption=str(framework),
        cancel_url=framework.get_absolute_url(),
    )


@login_required
@GET_POST
def area_delete(request: AuthenticatedHttpRequest, framework_pk: int, area_pk: int) -> HttpResponse:
    _admin_only(request)
    framework = get_object_or_404(Framework, pk=framework_pk)
    area = _area(framework, area_pk)
    if refused := _draft_or_redirect(request, framework):
        return refused
    if request.method == "POST":
        authoring.delete_area(request.user, area)
        messages.success(request, f"Removed area {area}.")
        return redirect(framework)
    return confirm_page(
        request,
        title=f"Remove area {area}?",
        caption=str(framework),
        intro=f"Its {area.criteria.count()} criteria are removed too.",
        submit_label="Remove the area",
        cancel_url=framework.get_absolute_url(),
    )


@overload
def _criterion(framework: Framework, criterion_pk: int) -> Criterion: ...
@overload
def _criterion(framework: Framework, criterion_pk: int | None) -> Criterion | None: ...
def _criterion(framework: Framework, criterion_pk: int | None) -> Criterion | None:
    if criterion_pk is None:
        return None
    criterion = Criterion.objects.filter(area__framework=framework, pk=criterion_pk).select_related("area").first()
    if criterion is None:
        raise Http404("No such criterion in this framework")
    return criterion


CRITERION_INITIAL_FIELDS = [
    "code",
    "statement",
    "guidance",
    "evidence_examples",
    "green_means",
    "amber_means",
    "red_means",
    "standards",
    "metric_key",
    "green_at",
    "amber_at",
    "position",
]


@login_required
@GET_POST
def criterion_form(
    request: AuthenticatedHttpRequest, framework_pk: int, criterion_pk: int | None = None
) -> HttpResponse:
    _admin_only(request)
    framework = get_object_or_404(Framework, pk=framework_pk)
    criterion = _criterion(framework, criterion_pk)
    if refused := _draft_or_redirect(request, framework):
        return refused
    if criterion:
        initial = {name: getattr(criterion, name) for name in CRITERION_INITIAL_FIELDS} | {
            "area": criterion.area_id,
            "revision": criterion.revision,
        }
    else:
        wanted = request.GET.get("area", "")
        area = framework.areas.filter(pk=int(wanted)).first() if wanted.isdigit() and len(wanted) < 12 else None
        initial = {"area": area.pk if area else None, "position": (area.criteria.count() + 1) if area else 1}
    return hc_form_page(
        request,
        CriterionForm(request.POST or None, initial=initial, framework=framework),
        lambda data: authoring.save_criterion(
            request.user, framework, criterion, data=data, base_revision=data["revision"]
        ),
        success="Criterion saved.",
        next_url=framework,
        stale_check=criterion,
        title=f"Edit criterion {criterion.code}" if criterion else "Add a criterion",
        caption=str(framework),
        intro="Say what Red, Amber and Green mean for this criterion, so two people rating the same evidence "
        "reach the same answer. A live figure, when chosen, suggests the rating from the portal's own data.",
        cancel_url=framework.get_absolute_url(),
    )


@login_required
@GET_POST
def criterion_delete(request: AuthenticatedHttpRequest, framework_pk: int, criterion_pk: int) -> HttpResponse:
    _admin_only(request)
    framework = get_object_or_404(Framework, pk=framework_pk)
    criterion = _criterion(framework, criterion_pk)
    if refused := _draft_or_redirect(request, framework):
        return refused
    if request.method == "POST":
        authoring.delete_criterion(request.user, criterion)
        messages.success(request, f"Removed criterion {criterion.code}.")
        return redirect(framework)
    return confirm_page(
        request,
        title=f"Remove criterion {criterion.code}?",
        caption=str(framework),
        intro=criterion.statement,
        submit_label="Remove the criterion",
        cancel_url=framework.get_absolute_url(),
    )
