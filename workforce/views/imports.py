"""The DfE file: upload and preview, then import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from partnerships.access import object_or_404, partnership_or_404
from portal.flows import GET_POST
from portal.imports import confirm_import
from portal.paging import paginate
from workforce.forms import ImportForm
from workforce.importers.batch import run_import, upload
from workforce.importers.dfe import COLUMNS
from workforce.models import WorkforceImport
from workforce.permissions import WorkforcePerm


@login_required
@GET_POST
def import_start(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, WorkforcePerm.KEEP_FIGURES)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = upload(request.user, partnership, file=form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc.messages[0])
        else:
            return redirect("workforce:import_detail", pk=batch.pk)
    return render(
        request,
        "workforce/import_start.html",
        {
            "partnership": partnership,
            "form": form,
            "columns": COLUMNS,
            "recent": WorkforceImport.objects.filter(partnership=partnership).select_related("uploaded_by")[:10],
        },
    )


@login_required
@GET_POST
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = object_or_404(
        WorkforceImport.objects.select_related("partnership", "uploaded_by"),
        request.user,
        WorkforcePerm.KEEP_FIGURES,
        pk=pk,
    )
    if request.method == "POST":
        return confirm_import(
            request, batch, run_import, detail_url_name="workforce:import_detail", what_changed="the register"
        )
        try:
            result = run_import(request.user, batch)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            if not result.ok:
                messages.error(
                    request,
                    "The register changed since the check and some rows are no longer valid: nothing was imported.",
                )
        return redirect("workforce:import_detail", pk=batch.pk)
    return render(
        request,
        "workforce/import_detail.html",
        {"batch": batch, "partnership": batch.partnership, **paginate(request, batch.errors, 200)},
    )
