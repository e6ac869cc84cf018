"""The forecast page (parameters recalculate it at once; a named scenario is saved), a scenario
beside the baseline, and the Excel export of inputs and results."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from partnerships.access import Perm, can, object_or_404, partnership_or_404
from placements.models import Programme
from portal import academic_years
from portal.downloads import file_response
from portal.flows import GET_ONLY, GET_POST
from portal.forms import submit
from workforce import selectors
from workforce.chart import line_chart
from workforce.forecast import BASELINE_RETENTION, Forecast, Parameters
from workforce.forms import ConfirmNeedForm, ParametersForm, ScenarioForm
from workforce.models import Scenario
from workforce.permissions import WorkforcePerm
from workforce.services import confirm_final_placements, save_scenario

BASELINE = Parameters()


def _parameters(data) -> tuple[ParametersForm, Parameters]:
    """The form for the parameters given (the baseline's when none are), and the parameters to use
    (the baseline's while the form has errors)."""
    if not any(name in data for name in ParametersForm.base_fields):
        return ParametersForm(initial=ParametersForm.initial_for(BASELINE)), BASELINE
    form = ParametersForm(data)
    return form, (form.parameters() if form.is_valid() else BASELINE)


def _charts(partnership, result, figures):
    history = dict(result.history)
    forecast_years = [y.year for y in result.total.years]
    years = sorted(set(history) | set(forecast_years))
    supply = line_chart(
        years,
        [
            ("In post (recorded)", "history", history),
            ("In post (forecast)", "forecast", {y.year: y.in_post for y in result.total.years}),
            ("Demand (establishment grown)", "demand", {y.year: y.demand for y in result.total.years}),
        ],
    )
    leavers: dict[str, float] = {}
    in_post: dict[str, float] = {}
    for f in figures:
        if f.leavers_fte is not None and f.inpost_fte:
            leavers[f.year] = leavers.get(f.year, 0) + float(f.leavers_fte)
            in_post[f.year] = in_post.get(f.year, 0) + float(f.inpost_fte)
    turnover = {year: 100 * leavers[year] / in_post[year] for year in leavers}
    marks = selectors.benchmarks(partnership.get_region_display())
    national = {
        b.year: float(b.turnover_rate_fte) for b in marks.get("National", []) if b.turnover_rate_fte is not None
    }
    regional = {
        b.year: float(b.turnover_rate_fte) for b in marks.get("Regional", []) if b.turnover_rate_fte is not None
    }
    rate_years = sorted(set(turnover) | set(national) | set(regional))
    rates = line_chart(
        rate_years,
        [
            ("This partnership", "history", turnover),
            ("England", "benchmark", national),
            (partnership.get_region_display(), "regional", regional),
        ],
    )
    rate_rows = [(y, turnover.get(y), national.get(y), regional.get(y)) for y in rate_years]
    return supply, rates, rate_rows


def _need_year(request: HttpRequest, years: list[str]) -> str | None:
    """The year the "use the forecast" form is for: the one asked for, else next academic year,
    else the forecast's first."""
    asked = request.POST.get("need-year") or request.GET.get("need_year")
    if asked in years:
        return asked
    following = academic_years.shifted(academic_years.label_of(timezone.localdate()), 1)
    return following if following in years else (years[0] if years else None)


@login_required
@GET_POST
def forecast_page(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug)
    may_plan = can(request.user, partnership, WorkforcePerm.PLAN)
    may_confirm = can(request.user, partnership, Perm.EDIT_PARTNERSHIP)
    programmes = (
        list(Programme.objects.filter(partnership=partnership).select_related("university")) if may_confirm else []
    )
    need_form = None
    if request.method == "POST" and "need-year" in request.POST:
        partnership = partnership_or_404(request.user, slug, Perm.EDIT_PARTNERSHIP)
        need_form = ConfirmNeedForm(request.POST, programmes=programmes)
        saved, demand = submit(
            need_form,
            lambda data: confirm_final_placements(
                request.user,
                partnership,
                year=data["year"],
                final=data["final"],
                programme_id=data["programme"],
            ),
        )
        if saved:
            messages.success(
                request,
                f"{need_form.cleaned_data['final']} final placements needed for {need_form.cleaned_data['year']} "
                "are now on the sufficiency page",
            )
            return redirect(reverse("workforce:forecast", args=[slug]) + "#use-forecast")
        form, params = _parameters(request.GET)
        name_form = ScenarioForm()
    elif request.method == "POST":
        partnership = partnership_or_404(request.user, slug, WorkforcePerm.PLAN)
        form, params = _parameters(request.POST)
        name_form = ScenarioForm(request.POST)
        if form.is_valid():
            saved, scenario = submit(
                name_form,
                lambda data: save_scenario(request.user, partnership, name=data["name"], parameters=params),
            )
            if saved and scenario is not None:
                messages.success(request, f"Scenario {scenario.name} saved")
                return redirect("workforce:scenario_detail", slug=slug, pk=scenario.pk)
    else:
        form, params = _parameters(request.GET)
        name_form = ScenarioForm()
    figures = selectors.figures_of(partnership)
    result = selectors.partnership_forecast(partnership, params, figures)
    supply, rates, rate_rows = _charts(partnership, result, figures)
    need = None
    if may_confirm and programmes:
        baseline = result if params == BASELINE else selectors.partnership_forecast(partnership, BASELINE, figures)
        need_year = _need_year(request, [y.year for y in baseline.total.years])
        suggested = selectors.suggestion_from(baseline, need_year) if need_year else None
        if need_year and suggested is not None:
            if need_form is None:
                need_form = ConfirmNeedForm(
                    initial={"year": need_year, "final": suggested, "programme": programmes[0].pk},
                    programmes=programmes,
                )
            need = {
                "year": need_year,
                "suggested": suggested,
                "form": need_form,
                "now": selectors.final_placements_needed(partnership, need_year),
                "years": [y.year for y in baseline.total.years],
            }
    return render(
        request,
        "workforce/forecast.html",
        {
            "partnership": partnership,
            "form": form,
            "name_form": name_form if may_plan else None,
            "params": params,
            "hidden_params": ParametersForm.initial_for(params),
            "result": result,
            "supply_chart": supply,
            "rate_chart": rates,
            "rate_rows": rate_rows,
            "baseline_retention": BASELINE_RETENTION,
            "scenarios": selectors.scenarios_of(partnership),
            "querystring": request.GET.urlencode(),
            "need": need,
        },
    )


@login_required
@GET_ONLY
def scenario_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    scenario = object_or_404(
        Scenario.objects.select_related("partnership"), request.user, Perm.VIEW, pk=pk, partnership__slug=slug
    )
    partnership = scenario.partnership
    params = Parameters.from_dict(scenario.parameters)
    base = selectors.partnership_forecast(partnership, BASELINE)
    other = selectors.partnership_forecast(partnership, params)
    by_year = {y.year: y for y in other.total.years}
    rows = [(b, by_year.get(b.year)) for b in base.total.years]
    changed = [
        (name.replace("_", " ").capitalize(), getattr(BASELINE, name), getattr(params, name))
        for name in BASELINE.as_dict()
        if getattr(BASELINE, name) != getattr(params, name)
    ]
    return render(
        request,
        "workforce/scenario.html",
        {"partnership": partnership, "scenario": scenario, "rows": rows, "changed": changed, "params": params},
    )


@login_required
@GET_ONLY
def forecast_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The forecast's inputs (the assumptions, each employer's basis) and results, as a spreadsheet."""
    partnership = partnership_or_404(request.user, slug)
    _, params = _parameters(request.GET)
    result = selectors.partnership_forecast(partnership, params)
    rows: list[list] = [["Assumption", name, value] for name, value in params.as_dict().items()]
    for e in result.employers:
        if isinstance(e.result, Forecast):
            b = e.result.basis
            rows.append(
                [
                    "Basis",
                    f"{e.employer.name} ({e.service})",
                    f"years {', '.join(b.years)}; in post {b.in_post:.1f}; vacancies {b.vacancies:.1f}; leavers {b.leavers:.1f}",
                ]
            )
            for y in e.result.years:
                rows.append(
                    [
                        "Employer",
                        f"{e.employer.name} ({e.service})",
                        y.year,
                        round(y.demand, 1),
                        round(y.in_post, 1),
                        round(y.gap, 1),
                        round(y.newly_qualified_needed, 1),
                        round(y.final_placements_needed, 1),
                        round(y.agency_cost),
                    ]
                )
        else:
            rows.append(["Not forecast", f"{e.employer.name} ({e.service})", e.result.reason])
    for y in result.total.years:
        rows.append(
            [
                "Partnership",
                partnership.name,
                y.year,
                round(y.demand, 1),
                round(y.in_post, 1),
                round(y.gap, 1),
                round(y.newly_qualified_needed, 1),
                round(y.final_placements_needed, 1),
                round(y.agency_cost),
            ]
        )
    headers = [
        "Section",
        "Name",
        "Year or value",
        "Demand FTE",
        "In post FTE",
        "Gap FTE",
        "Newly qualified needed",
        "Final placements needed",
        "Agency cost of gap (£)",
    ]
    return file_response(f"workforce-forecast-{partnership.slug}", headers, rows, "xlsx")
