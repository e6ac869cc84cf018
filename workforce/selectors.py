"""Reads for the workforce pages: the partnership's figures (one query), what each person may see
of them, the forecast of every employer's service and the benchmarks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from partnerships.access import membership_of
from partnerships.models import Organisation
from portal import academic_years
from workforce import forecast as model
from workforce.measures import MEASURES, SMALL_NUMBER, Service, Shown, show
from workforce.models import Benchmark, BenchmarkLevel, Scenario, WorkforceFigures, WorkforceSharing
from workforce.services.figures import employers_of, services_of

# The measures the partnership's page totals, year by year.
TOTALLED = ["inpost_fte", "inpost_headcount", "starters_fte", "leavers_fte", "agency_fte", "vacancy_fte"]


def figures_of(partnership) -> list[WorkforceFigures]:
    return list(WorkforceFigures.objects.filter(partnership=partnership).select_related("employer").order_by("year"))


def to_year(f: WorkforceFigures) -> model.YearFigures:
    def number(name: str) -> float | None:
        value = getattr(f, name)
        return None if value is None else float(value)

    return model.YearFigures(
        year=f.year,
        in_post=number("inpost_fte"),
        vacancies=number("vacancy_fte"),
        leavers=number("leavers_fte"),
        starters=number("starters_fte"),
        agency=number("agency_fte"),
        newly_qualified=number("asye_headcount"),
    )


def inside(user, partnership, employer_id: int) -> bool:
    """Whether the person sees the employer's figures from inside it (they represent it)."""
    membership = membership_of(user, partnership)
    return bool(membership and membership.organisation_id == employer_id)


@dataclass
class Cell:
    shown: Shown
    value: Decimal | None


@dataclass
class EmployerRow:
    employer: Organisation
    service: str
    service_label: str
    figures: WorkforceFigures | None
    cells: list[Cell]
    may_edit: bool = False


@dataclass
class TotalRow:
    year: str
    cells: list[Shown]
    incomplete: list[str] = field(default_factory=list)  # employers whose figure was a symbol or missing


@dataclass
class Summary:
    years: list[str]
    latest: str
    totals: list[TotalRow]
    rows: list[EmployerRow]
    hidden: int  # employers shown only inside the totals
    measures: list


def summary(user, partnership, *, year: str | None = None) -> Summary:
    """The partnership's totals year by year, and each employer's service in the latest year (or
    `year`), as this person may see them: small numbers suppressed outside the employer, and an
    employer that chose it shown only inside the totals."""
    from workforce.services.figures import can_keep_employer

    figures = figures_of(partnership)
    years = sorted({f.year for f in figures})
    # The year shown: the one asked for (any year the portal accepts, so next year's figures can be
    # entered), else the latest with figures, else the current year.
    if year and not academic_years.problem(year):
        latest = year
    else:
        latest = years[-1] if years else academic_years.label_of(timezone.localdate())
    only_totals = set(
        WorkforceSharing.objects.filter(partnership=partnership, only_in_totals=True).values_list(
            "employer_id", flat=True
        )
    )
    measures = [m for m in MEASURES if m.name in TOTALLED]
    totals = []
    expected = [(e, s) for e in employers_of(partnership) for s in services_of(e)]
    by_key = {(f.employer_id, f.service, f.year): f for f in figures}
    for y in years:
        cells, incomplete = [], set()
        for m in measures:
            known = []
            for employer, service in expected:
                f = by_key.get((employer.pk, service, y))
                value = getattr(f, m.name) if f else None
                if value is None:
                    if f is not None and m.name == "inpost_fte":
                        hidden_name = employer.pk in only_totals and not inside(user, partnership, employer.pk)
                        incomplete.add("an employer shown only in totals" if hidden_name else employer.name)
                else:
                    known.append(value)
            amount = sum(known, Decimal(0)) if known else None
            cells.append(show(amount, whole=m.whole, suppress_small=True))
        totals.append(TotalRow(y, cells, sorted(incomplete)))
    rows: list[EmployerRow] = []
    hidden: set[int] = set()
    for employer, service in expected:
        is_inside = inside(user, partnership, employer.pk)
        if employer.pk in only_totals and not is_inside:
            hidden.add(employer.pk)
            continue
        f = by_key.get((employer.pk, service, latest))
        row_cells = [
            Cell(
                show(
                    getattr(f, m.name) if f else None,
                    getattr(f, f"{m.name}_symbol") if f else "",
                    whole=m.whole,
                    suppress_small=not is_inside,
                ),
                getattr(f, m.name) if f else None,
            )
            for m in measures
        ]
        rows.append(
            EmployerRow(
                employer,
                service,
                Service(service).label,
                f,
                row_cells,
                may_edit=can_keep_employer(user, partnership, employer.pk),
            )
        )
    return Summary(years, latest, totals, rows, len(hidden), measures)


def selectable_years(summary: Summary) -> list[str]:
    """The years the page offers: those with figures, the current year and the next."""
    this = academic_years.label_of(timezone.localdate())
    return sorted(set(summary.years) | {this, academic_years.shifted(this, 1), summary.latest})


@dataclass
class EmployerForecast:
    employer: Organisation
    service: str
    result: model.Forecast | model.NotForecast


@dataclass
class PartnershipForecast:
    params: model.Parameters
    employers: list[EmployerForecast]
    total: model.Total
    history: list[tuple[str, float]]  # partnership's in post FTE by year

    @property
    def not_forecast(self) -> list[EmployerForecast]:
        return [e for e in self.employers if isinstance(e.result, model.NotForecast)]


def partnership_forecast(
    partnership, params: model.Parameters, figures: list[WorkforceFigures] | None = None
) -> PartnershipForecast:
    """Every employer's service forecast with the same parameters, and their sum. Reads the figures
    in one query; nothing is written."""
    histories: dict[tuple[int, str], list[model.YearFigures]] = defaultdict(list)
    employers: dict[int, Organisation] = {}
    in_post: dict[str, float] = defaultdict(float)
    for f in figures_of(partnership) if figures is None else figures:
        histories[(f.employer_id, f.service)].append(to_year(f))
        employers[f.employer_id] = f.employer
        if (value := f.value("inpost_fte")) is not None:
            in_post[f.year] += float(value)
    results = [
        EmployerForecast(employers[employer_id], service, model.forecast(history, params))
        for (employer_id, service), history in sorted(
            histories.items(), key=lambda item: (employers[item[0][0]].name, item[0][1])
        )
    ]
    done = [e.result for e in results if isinstance(e.result, model.Forecast)]
    return PartnershipForecast(params, results, model.total(done), sorted(in_post.items()))


def benchmarks(region_name: str = "") -> dict[str, list[Benchmark]]:
    """National rows, and the region's (by the name the DfE gives it), by level."""
    rows = Benchmark.objects.filter(level=BenchmarkLevel.NATIONAL) | Benchmark.objects.filter(
        level=BenchmarkLevel.REGIONAL, name__iexact=region_name
    )
    found: dict[str, list[Benchmark]] = defaultdict(list)
    for b in rows.order_by("year"):
        found[b.level].append(b)
    return found


def scenarios_of(partnership) -> list[Scenario]:
    return list(Scenario.objects.filter(partnership=partnership).order_by("name"))


def suggestion_from(result: PartnershipForecast, year: str) -> int | None:
    """The final placements a worked-out forecast implies for `year`, rounded up."""
    for y in result.total.years:
        if y.year == year:
            return int(-(-y.final_placements_needed // 1))
    return None


def suggested_final_placements(partnership, year: str, params: model.Parameters | None = None) -> int | None:
    """For the sufficiency page: the final placements the baseline forecast implies for `year`
    (an academic-year label), rounded up; None when the forecast does not reach that year. Only
    an offer: the lead confirms it (services.confirm_final_placements) before it becomes the
    partnership's "needed"."""
    if academic_years.problem(year):
        return None
    return suggestion_from(partnership_forecast(partnership, params or model.Parameters()), year)


def final_placements_needed(partnership, year: str) -> int:
    """The final placements the partnership's programmes need in `year`, as typed (placements)."""
    from django.db.models import Sum

    from placements.models import ProgrammeDemand

    found = ProgrammeDemand.objects.filter(programme__partnership=partnership, academic_year__label=year).aggregate(
        n=Sum("final_placements")
    )
    return found["n"] or 0


def small(value: float | None) -> bool:
    return value is not None and 0 < value < SMALL_NUMBER
