"""Importing from CSV and Excel files (upload and check, then import), the import templates,
and the partnership's data-protection settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from partnerships.access import Perm, can, object_or_404, partnership_or_404
from placements import exports
from placements.forms import ImportForm, RetentionForm
from placements.importers.batch import COLUMNS, run_import, template_response, upload
from placements.models import ImportBatch, ImportKind, PlacementPolicy, Student
from placements.permissions import PlacementPerm
from placements.services.data_protection import IMPORT_FILE_DAYS, set_retention, students_due_for_purge
from placements.views.common import maybe_download
from portal.flows import GET_POST
from portal.forms import add_service_errors
from portal.imports import confirm_import
from portal.paging import paginate


@login_required
@GET_POST
def import_start(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, PlacementPerm.MANAGE)
    form = ImportForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        try:
            batch = upload(request.user, partnership, kind=form.cleaned_data["kind"], file=form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc.messages[0])
        else:
            return redirect("placements:import_detail", pk=batch.pk)
    recent = ImportBatch.objects.filter(partnership=partnership).select_related("uploaded_by")[:10]
    return render(
        request,
        "placements/import_start.html",
        {
            "partnership": partnership,
            "form": form,
            "columns": COLUMNS,
            "kinds": ImportKind.choices,
            "recent": recent,
        },
    )


@login_required
@GET_POST
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = object_or_404(
        ImportBatch.objects.select_related("partnership", "uploaded_by"),
        request.user,
        PlacementPerm.MANAGE,
        pk=pk,
    )
    if request.method == "POST":
        return confirm_import(
            request, batch, run_import, detail_url_name="placements:import_detail", what_changed="the data"
        )
        try:
            result = run_import(request.user, batch)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            # Success shows as the confirmation panel on the page itself.
            if not result.ok:
                messages.error(
                    request,
                    "The data changed since the check and some rows are no longer valid: nothing was imported.",
                )
        return redirect("placements:import_detail", pk=batch.pk)
    download = maybe_download(request, f"problems-in-{batch.pk}", exports.IMPORT_PROBLEMS, batch.errors)
    if download:
        return download
    return render(
        request,
        "placements/import_detail.html",
        {
            "batch": batch,
            **paginate(request, batch.errors, 200),
            "error_count": len(batch.errors),
            "next_url": _after_import_url(batch),
        },
    )


def _after_import_url(batch: ImportBatch) -> str:
    slug = batch.partnership.slug
    if batch.kind == ImportKind.EDUCATORS:
        return reverse("placements:educator_list") + f"?partnership={slug}"
    return reverse("placements:sufficiency") + f"?partnership={slug}"


@login_required
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    if kind not in ImportKind.values or fmt not in ("csv", "xlsx"):
        raise Http404("No such template")
    return template_response(kind, fmt)


@login_required
@GET_POST
def data_protection(request: HttpRequest, slug: str) -> HttpResponse:
    """How long student records are kept, and what the next daily run will remove. Coordinators
    see it; leads change it (a partnership decision)."""
    partnership = partnership_or_404(request.user, slug, PlacementPerm.MANAGE)
    policy = PlacementPolicy.for_partnership(partnership)
    may_change = can(request.user, partnership, Perm.EDIT_PARTNERSHIP)
    form = RetentionForm(
        request.POST or None,
        initial={"student_retention_years": policy.student_retention_years, "revision": policy.revision},
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                set_retention(
                    request.user,
                    partnership,
                    years=form.cleaned_data["student_retention_years"],
                    base_revision=form.cleaned_data["revision"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Retention period saved")
                return redirect("placements:data_protection", slug=slug)
    today = timezone.localdate()
    return render(
        request,
        "placements/data_protection.html",
        {
            "partnership": partnership,
            "policy": policy,
            "form": form if may_change else None,
            "purge_before": policy.purge_before(today),
            "due_count": students_due_for_purge(partnership, today).count(),
            "purged_count": Student.objects.filter(partnership=partnership, purged_on__isnull=False).count(),
            "file_days": IMPORT_FILE_DAYS,
        },
    )
