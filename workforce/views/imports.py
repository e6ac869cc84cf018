"""The imports: the DfE's file, the figures template and a pseudonymised staff list (upload and
preview, then import), and the two templates to download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from partnerships.access import object_or_404, partnership_or_404
from portal import academic_years
from portal.dates import long_date
from portal.downloads import file_response
from portal.flows import GET_ONLY, GET_POST
from portal.imports import confirm_import
from portal.paging import paginate
from workforce.forms import FiguresImportForm, ImportForm, StaffListForm
from workforce.importers import dfe, staff, template
from workforce.importers.batch import run_import, upload
from workforce.measures import Service
from workforce.models import ImportKind, WorkforceImport
from workforce.permissions import WorkforcePerm
from workforce.services.figures import keepable_employers, services_of


def _recent(partnership, kind: str):
    return WorkforceImport.objects.filter(partnership=partnership, kind=kind).select_related("uploaded_by")[:10]


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
            "columns": dfe.COLUMNS,
            "recent": _recent(partnership, ImportKind.DFE),
        },
    )


@login_required
@GET_POST
def import_figures(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, WorkforcePerm.KEEP_FIGURES)
    form = FiguresImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = upload(request.user, partnership, file=form.cleaned_data["file"], kind=ImportKind.TEMPLATE)
        except ValidationError as exc:
            form.add_error("file", exc.messages[0])
        else:
            return redirect("workforce:import_detail", pk=batch.pk)
    return render(
        request,
        "workforce/import_figures.html",
        {
            "partnership": partnership,
            "form": form,
            "columns": template.COLUMNS,
            "years": academic_years.recent(timezone.localdate(), ahead=0),
            "recent": _recent(partnership, ImportKind.TEMPLATE),
        },
    )


@login_required
@GET_ONLY
def figures_template(request: HttpRequest, slug: str) -> HttpResponse:
    """The figures template for a year (?year=2025/26, else the current one): a row for each
    employer's service the person keeps, with what is already recorded."""
    partnership = partnership_or_404(request.user, slug, WorkforcePerm.KEEP_FIGURES)
    year = request.GET.get("year") or academic_years.label_of(timezone.localdate())
    if academic_years.problem(year):
        year = academic_years.label_of(timezone.localdate())
    rows = template.template_rows(request.user, partnership, year)
    name = f"workforce-figures-{partnership.slug}-{year.replace('/', '-')}"
    return file_response(name, [c.name for c in template.COLUMNS], rows, "xlsx")


def _staff_choices(user, partnership) -> list[tuple[str, str]]:
    return [
        (f"{e.pk}:{s}", f"{e.name}: {Service(s).label}")
        for e in keepable_employers(user, partnership)
        for s in services_of(e)
    ]


@login_required
@GET_POST
def import_staff_list(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, WorkforcePerm.KEEP_FIGURES)
    choices = _staff_choices(request.user, partnership)
    years = academic_years.recent(timezone.localdate(), ahead=0)
    form = StaffListForm(request.POST or None, request.FILES or None, choices=choices, years=years)
    if request.method == "POST" and form.is_valid():
        employer_id, service = form.cleaned_data["employer_service"].split(":")
        employer = next(e for e in keepable_employers(request.user, partnership) if str(e.pk) == employer_id)
        try:
            batch = upload(
                request.user,
                partnership,
                file=form.cleaned_data["file"],
                kind=ImportKind.STAFF_LIST,
                employer=employer,
                service=service,
                year=form.cleaned_data["year"],
            )
        except ValidationError as exc:
            form.add_error("file", exc.messages[0])
        else:
            return redirect("workforce:import_detail", pk=batch.pk)
    return render(
        request,
        "workforce/import_staff_list.html",
        {
            "partnership": partnership,
            "form": form,
            "columns": staff.COLUMNS,
            "recent": _recent(partnership, ImportKind.STAFF_LIST),
        },
    )


@login_required
@GET_ONLY
def staff_list_template(request: HttpRequest) -> HttpResponse:
    """The staff list's columns with an example row."""
    return file_response(
        "workforce-staff-list-template", [c.name for c in staff.COLUMNS], [[c.example for c in staff.COLUMNS]], "xlsx"
    )


def _counted(year: str) -> str:
    first, day = staff.period(year)
    return (
        f"In post, agency and career stage at {long_date(day)}; starters and leavers from {long_date(first)} "
        f"to {long_date(day)}."
    )


def _start_url_name(batch: WorkforceImport) -> str:
    names: dict[str, str] = {
        ImportKind.TEMPLATE: "workforce:import_figures",
        ImportKind.STAFF_LIST: "workforce:import_staff_list",
    }
    return names.get(batch.kind, "workforce:import_start")


@login_required
@GET_POST
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = object_or_404(
        WorkforceImport.objects.select_related("partnership", "uploaded_by", "employer"),
        request.user,
        WorkforcePerm.KEEP_FIGURES,
        pk=pk,
    )
    if request.method == "POST":
        return confirm_import(
            request, batch, run_import, detail_url_name="workforce:import_detail", what_changed="the register"
        )
    totals = []
    if batch.kind == ImportKind.STAFF_LIST and batch.totals:
        from workforce.measures import BY_NAME, show

        totals = [
            (BY_NAME[name].label, show(float(value), whole=BY_NAME[name].whole).text)
            for name, value in batch.totals.items()
        ]
    return render(
        request,
        "workforce/import_detail.html",
        {
            "batch": batch,
            "partnership": batch.partnership,
            "start_url_name": _start_url_name(batch),
            "totals": totals,
            "counted": _counted(batch.year) if batch.year else "",
            **paginate(request, batch.errors, 200),
        },
    )
