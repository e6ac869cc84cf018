"""Planning pages: sufficiency (do we have enough placements?), programmes and the demand they
bring, employers' committed places, and placement quality."""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from partnerships.access import Perm, can, object_or_404, partnership_or_404, require
from partnerships.models import Partnership
from placements import exports
from placements.forms import CommitmentForm, DemandForm, ProgrammeForm
from placements.models import EmployerCommitment, PlacementOffer, Programme, ProgrammeDemand
from placements.permissions import PlacementPerm
from placements.selectors import sufficiency as sufficiency_selectors
from placements.selectors.figures import review_figures
from placements.selectors.flags import block_clashes, students_without_statutory_page
from placements.selectors.quality import ended_early, quality_by_employer
from placements.selectors.years import current_year, current_year_from, next_year_after, resolve_year
from placements.services.common import own_employer
from placements.services.planning import save_programme, set_commitment, set_demand
from placements.views.common import all_years, export_format, form_flow, maybe_download, pick, render_form
from portal.flows import GET_POST
from portal.forms import add_service_errors, saved_meanwhile
from portal.paging import positive_int, query_params


@login_required
def sufficiency(request: HttpRequest) -> HttpResponse:
    # The partnership and the year come from the lists the page needs for its selects anyway,
    # which keeps this page's query count low and flat.
    partnerships = list(Partnership.objects.visible_to(request.user).order_by("name"))
    slug = query_params(request, "partnership")["partnership"] or (
        partnerships[0].slug if len(partnerships) == 1 else ""
    )
    years = all_years()
    context = {"partnerships": partnerships, "years": years, "selected_slug": slug}
    if not slug:
        return render(request, "placements/sufficiency.html", context)
    partnership = next((p for p in partnerships if p.slug == slug), None)
    if partnership is None:
        raise Http404("No such partnership")
    require(request.user, partnership, Perm.VIEW)
    year_label = query_params(request, "year")["year"]
    if year_label:
        year = next((y for y in years if y.label == year_label), None)
        if year is None:
            raise Http404("No such academic year")
    else:
        year = current_year_from(years)
    if year is None:
        return render(request, "placements/sufficiency.html", {**context, "partnership": partnership})
    report = sufficiency_selectors.sufficiency(partnership, year)
    next_year = next_year_after(year, years)
    fmt = export_format(request)
    if fmt:
        # Three downloads: the stages table, ?table=employers for the commitments and
        # ?table=figures for every figure to report.
        name = f"{partnership.slug}-{year.label.replace('/', '-')}"
        table = query_params(request, "table")["table"]
        if table == "employers":
            return exports.download(f"commitments-{name}", exports.SUFFICIENCY_EMPLOYERS, report.employers, fmt)
        if table == "figures":
            rows = sufficiency_selectors.reported_figures(partnership, year, next_year, report)
            return exports.download(f"figures-{name}", exports.FIGURES, rows, fmt)
        lines = [*report.stages, report.total, report.statutory, report.non_statutory]
        return exports.download(f"sufficiency-{name}", exports.SUFFICIENCY_STAGES, lines, fmt)
    reported = {f.key: f for f in sufficiency_selectors.reported_figures(partnership, year, next_year, report)}
    context.update(
        partnership=partnership,
        year=year,
        report=report,
        figures=reported,
        figure_list=list(reported.values()),
        without_statutory=students_without_statutory_page(partnership, year),
        without_statutory_count=reported["students_without_statutory"].value,
        unplaced_count=reported["students_unplaced"].value,
        clashes=block_clashes(partnership, year),
        can_manage=can(request.user, partnership, PlacementPerm.MANAGE),
        query=urlencode({"partnership": partnership.slug, "year": year.label}),
    )
    return render(request, "placements/sufficiency.html", context)


# --- Programmes and demand --------------------------------------------------------------------


@login_required
def programme_list(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, Perm.VIEW)
    year = resolve_year(query_params(request, "year")["year"])
    programmes = (
        Programme.objects.filter(partnership=partnership)
        .select_related("university")
        .prefetch_related(
            Prefetch("demands", queryset=ProgrammeDemand.objects.filter(academic_year=year), to_attr="year_demand")
        )
    )
    download = maybe_download(request, f"programmes-{partnership.slug}", exports.programme_columns(year), programmes)
    if download:
        return download
    return render(
        request,
        "placements/programme_list.html",
        {
            "partnership": partnership,
            "programmes": programmes,
            "year": year,
            "years": all_years(),
            "can_manage": can(request.user, partnership, PlacementPerm.MANAGE),
        },
    )


PROGRAMME_INTRO = (
    "The practice days default to the national requirements: a first placement of 70 days, a final placement "
    "of 100 days, 30 skills days and at least one statutory placement. Change them where a programme differs."
)


@login_required
@GET_POST
def programme_create(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, PlacementPerm.MANAGE)
    form = ProgrammeForm(request.POST or None, partnership=partnership)
    return form_flow(
        request,
        form,
        lambda data: save_programme(request.user, partnership, data=pick(data, ProgrammeForm.Meta.fields)),
        success="Programme added",
        next_url=reverse("placements:programme_list", args=[slug]),
        title="Add a programme",
        caption=partnership.name,
        intro=PROGRAMME_INTRO,
        submit_label="Add programme",
        cancel_url=reverse("placements:programme_list", args=[slug]),
    )


@login_required
@GET_POST
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = object_or_404(
        Programme.objects.select_related("partnership", "university"), request.user, PlacementPerm.MANAGE, pk=pk
    )
    form = ProgrammeForm(
        request.POST or None,
        instance=copy.copy(programme),
        partnership=programme.partnership,
        initial={"revision": programme.revision},
    )
    return form_flow(
        request,
        form,
        lambda data: save_programme(
            request.user,
            programme.partnership,
            data=pick(data, ProgrammeForm.Meta.fields),
            programme=programme,
            base_revision=data.get("revision"),
        ),
        success="Programme saved",
        next_url=reverse("placements:programme_list", args=[programme.partnership.slug]),
        stale_check=programme,
        title="Change the programme",
        caption=str(programme),
        intro=PROGRAMME_INTRO,
        cancel_url=reverse("placements:programme_list", args=[programme.partnership.slug]),
    )


@login_required
@GET_POST
def demand_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = object_or_404(
        Programme.objects.select_related("partnership", "university"), request.user, PlacementPerm.MANAGE, pk=pk
    )
    year = resolve_year(query_params(request, "year")["year"])
    current = ProgrammeDemand.objects.filter(programme=programme, academic_year=year).first()
    initial = {
        "academic_year": year,
        "first_placements": current.first_placements if current else 0,
        "final_placements": current.final_placements if current else 0,
        "revision": current.revision if current else 0,  # 0: no figures recorded for the year yet
    }
    form = DemandForm(request.POST or None, initial=initial)
    saved = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            set_demand(
                request.user,
                programme,
                data["academic_year"],
                first=data["first_placements"],
                final=data["final_placements"],
                base_revision=data.get("revision") or 0,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            chosen = ProgrammeDemand.objects.filter(programme=programme, academic_year=data["academic_year"]).first()
            saved = saved_meanwhile(form, chosen) if chosen else None
        else:
            messages.success(request, f"Demand for {programme.name} in {data['academic_year']} saved")
            return redirect(
                reverse("placements:programme_list", args=[programme.partnership.slug])
                + f"?year={data['academic_year'].label}"
            )
    return render_form(
        request,
        form,
        title="Students needing placements",
        caption=str(programme),
        intro="How many of this programme's students need a first placement, and how many a final placement, "
        "in the year. The sufficiency page compares these numbers with the places offered.",
        submit_label="Save demand",
        cancel_url=reverse("placements:programme_list", args=[programme.partnership.slug]),
        saved_values=saved,
    )


@login_required
@GET_POST
def commitment_edit(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, PlacementPerm.MANAGE)
    own = own_employer(request.user, partnership)
    form = CommitmentForm(request.POST or None, partnership=partnership, own_employer=own)
    # The employer and year the page opens on: chosen on the sufficiency page, else the person's
    # own organisation (or the first employer) and the current year; with the number recorded now.
    wanted = query_params(request, "employer", "year")
    employers = form.employers
    employer = own or employers.filter(pk=positive_int(wanted["employer"]) or 0).first() or employers.first()
    year = resolve_year(wanted["year"]) or current_year()
    current = (
        EmployerCommitment.objects.filter(partnership=partnership, employer=employer, academic_year=year).first()
        if employer and year
        else None
    )
    form.initial.update(
        employer=employer,
        academic_year=year,
        places=current.places if current else None,
        revision=current.revision if current else 0,  # 0: nothing recorded for them that year yet
    )
    saved = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            set_commitment(
                request.user,
                partnership,
                data["employer"],
                data["academic_year"],
                data["places"],
                base_revision=data.get("revision") or 0,
            )
        except PermissionDenied:
            form.add_error("employer", "You can only record your own organisation's commitment")
        except ValidationError as exc:
            add_service_errors(form, exc)
            chosen = EmployerCommitment.objects.filter(
                partnership=partnership, employer=data["employer"], academic_year=data["academic_year"]
            ).first()
            saved = saved_meanwhile(form, chosen) if chosen else None
        else:
            messages.success(request, f"Commitment for {data['employer']} saved")
            return redirect(
                reverse("placements:sufficiency")
                + "?"
                + urlencode({"partnership": slug, "year": data["academic_year"].label})
            )
    return render_form(
        request,
        form,
        title="Record places committed",
        caption=partnership.name,
        intro="Use this when the memorandum of cooperation does not record the employer's placement "
        "numbers. Where it does, the memorandum's figure is used.",
        cancel_url=reverse("placements:sufficiency") + f"?partnership={slug}",
        saved_values=saved,
    )


# --- Quality ----------------------------------------------------------------------------------

# The figures the quality page reports (the same rows as the sufficiency page's).
QUALITY_FIGURES = {
    "reviews_due",
    "reviews_on_time",
    "reviews_overdue",
    "educators_current",
    "statutory_coverage",
    "skills_days_done",
}


@login_required
def quality(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, Perm.VIEW)
    label = query_params(request, "year")["year"]
    year = resolve_year(label)
    if label and year is None:
        raise Http404("No such academic year")
    context: dict[str, Any] = {"partnership": partnership, "year": year, "years": all_years()}
    if year is None:
        return render(request, "placements/quality.html", context)
    rows = quality_by_employer(partnership, year)
    download = maybe_download(
        request, f"quality-{partnership.slug}-{year.label.replace('/', '-')}", exports.QUALITY_BY_EMPLOYER, rows
    )
    if download:
        return download
    reviews = review_figures([partnership.pk], year)
    reported = sufficiency_selectors.reported_figures(
        partnership, year, next_year_after(year, context["years"]), reviews=reviews
    )
    audits = PlacementOffer.objects.filter(partnership=partnership, academic_year=year).aggregate(
        offers=Count("id"),
        audited=Count("id", filter=Q(audit__completed_on__isnull=False)),
        shared=Count("id", filter=Q(audit__shared_with_hei_on__isnull=False)),
    )
    context.update(
        rows=rows,
        ended=list(ended_early(partnership, year)[:100]),
        reviews=reviews,
        figure_list=[f for f in reported if f.key in QUALITY_FIGURES],
        on_time=reviews.on_time,
        due=reviews.due,
        audits=audits,
        overdue=reviews.overdue[:100],
        overdue_count=reviews.overdue_count,
        querystring_without_page=urlencode({"year": year.label}),
    )
    return render(request, "placements/quality.html", context)
