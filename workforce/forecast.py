"""The workforce forecast: a stock-and-flow model anyone can follow. Pure functions, no database.

For one employer's service, starting from the basis (the latest year, or the mean of the last two
to four years), each forecast year:

    leavers      = in post x turnover rate
    joiners      = newly qualified (graduates available x local retention)
                 + experienced hires (in post x experienced hire rate)
                 + agency workers converting (agency x conversion rate)
    next in post = in post - leavers + joiners                      (never below zero)
    agency       = agency - those converting
    demand       = establishment (in post + vacancies in the basis) x (1 + demand growth) ^ years on
    gap          = demand - next in post                            (never below zero)
    newly qualified needed = what newly qualified joiners would have to be for the gap to close
    students and final placements implied = those needed / local retention / completion rate
    agency cost of the gap = gap x the agency premium per FTE

Rates left unset come from each employer's own basis (its leavers / in post and so on).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace

from portal import academic_years

MAX_YEARS = 10


@dataclass(frozen=True)
class YearFigures:
    """One year of an employer's service, as the forecast reads it (None: not known, whether
    empty or carrying a DfE symbol)."""

    year: str
    in_post: float | None
    vacancies: float | None = None
    leavers: float | None = None
    starters: float | None = None
    agency: float | None = None
    newly_qualified: float | None = None  # ASYE headcount: the newly qualified who joined


@dataclass(frozen=True)
class Parameters:
    """The assumptions. A rate of None means "from the employer's own basis"."""

    years: int = 5
    basis_years: int = 1
    demand_growth: float = 0.02
    turnover_rate: float | None = None
    experienced_hire_rate: float | None = None
    agency_conversion_rate: float = 0.10
    # Share of the partnership's newly qualified who take a job with the employer they trained near.
    local_retention: float = 0.6
    # Multiplies the newly qualified intake of the basis (1.0: as many as now).
    intake_multiplier: float = 1.0
    completion_rate: float = 0.9  # students in their final placement who qualify
    agency_premium: float = 20_000.0  # pounds a year an agency FTE costs above a permanent one

    def problems(self) -> list[str]:
        found = []
        if not 1 <= self.years <= MAX_YEARS:
            found.append(f"Years to forecast must be between 1 and {MAX_YEARS}")
        if not 1 <= self.basis_years <= 4:
            found.append("The basis is the latest year or the mean of the last 2 to 4 years")
        for name in ("turnover_rate", "experienced_hire_rate", "agency_conversion_rate", "local_retention"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 1:
                found.append(f"{name.replace('_', ' ').capitalize()} must be between 0 and 1")
        if not 0 < self.completion_rate <= 1:
            found.append("Completion rate must be more than 0 and at most 1")
        if not -0.5 <= self.demand_growth <= 1:
            found.append("Demand growth must be between -0.5 and 1")
        if not 0 <= self.intake_multiplier <= 10:
            found.append("Intake multiplier must be between 0 and 10")
        if not 0 <= self.agency_premium <= 1_000_000:
            found.append("Agency premium must be between 0 and 1,000,000")
        return found

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Parameters:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class Basis:
    """The starting point: the mean of the basis years' figures (one year: that year's)."""

    years: tuple[str, ...]
    in_post: float
    vacancies: float
    leavers: float
    starters: float
    agency: float
    newly_qualified: float

    @property
    def establishment(self) -> float:
        return self.in_post + self.vacancies


@dataclass(frozen=True)
class Rates:
    turnover: float
    experienced_hire: float
    agency_conversion: float
    newly_qualified_joiners: float  # per year, after local retention
    graduates_available: float  # per year, before local retention


@dataclass(frozen=True)
class ForecastYear:
    year: str
    demand: float
    in_post: float
    leavers: float
    newly_qualified: float
    experienced: float
    converted: float
    agency: float
    gap: float
    newly_qualified_needed: float
    students_needed: float
    final_placements_needed: float
    agency_cost: float


@dataclass(frozen=True)
class Forecast:
    basis: Basis
    rates: Rates
    years: tuple[ForecastYear, ...]


@dataclass(frozen=True)
class NotForecast:
    reason: str


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def basis_of(history: Iterable[YearFigures], basis_years: int) -> Basis | NotForecast:
    """The last `basis_years` years with an in-post figure, averaged measure by measure (a measure
    missing in every basis year counts as 0; missing in some, the mean of the others)."""
    usable = sorted((y for y in history if y.in_post is not None), key=lambda y: y.year)[-basis_years:]
    if not usable:
        return NotForecast("No year has a figure for social workers in post")

    def mean_of(name: str) -> float:
        known = [float(v) for y in usable if (v := getattr(y, name)) is not None]
        return _mean(known) if known else 0.0

    return Basis(
        years=tuple(y.year for y in usable),
        in_post=mean_of("in_post"),
        vacancies=mean_of("vacancies"),
        leavers=mean_of("leavers"),
        starters=mean_of("starters"),
        agency=mean_of("agency"),
        newly_qualified=mean_of("newly_qualified"),
    )


# The local retention the basis years are taken to have had: the graduates available are the
# newly qualified who joined divided by it. Shown on the page with the other assumptions.
BASELINE_RETENTION = 0.6


def rates_of(basis: Basis, params: Parameters) -> Rates:
    turnover = params.turnover_rate
    if turnover is None:
        turnover = min(1.0, basis.leavers / basis.in_post) if basis.in_post else 0.0
    experienced = params.experienced_hire_rate
    if experienced is None:
        hired = max(0.0, basis.starters - basis.newly_qualified)
        experienced = min(1.0, hired / basis.in_post) if basis.in_post else 0.0
    graduates = basis.newly_qualified / BASELINE_RETENTION * params.intake_multiplier
    return Rates(
        turnover=turnover,
        experienced_hire=experienced,
        agency_conversion=params.agency_conversion_rate,
        newly_qualified_joiners=graduates * params.local_retention,
        graduates_available=graduates,
    )


def forecast(history: Iterable[YearFigures], params: Parameters) -> Forecast | NotForecast:
    """The forecast for one employer's service, or why there is none."""
    if problems := params.problems():
        return NotForecast("; ".join(problems))
    basis = basis_of(history, params.basis_years)
    if isinstance(basis, NotForecast):
        return basis
    rates = rates_of(basis, params)
    last = basis.years[-1]
    in_post, agency = basis.in_post, basis.agency
    rows = []
    for step in range(1, params.years + 1):
        leavers = in_post * rates.turnover
        experienced = in_post * rates.experienced_hire
        converted = agency * rates.agency_conversion
        nq = rates.newly_qualified_joiners
        without_nq = max(0.0, in_post - leavers + experienced + converted)
        next_in_post = without_nq + nq
        demand = basis.establishment * (1 + params.demand_growth) ** step
        gap = max(0.0, demand - next_in_post)
        nq_needed = max(0.0, demand - without_nq)
        students = nq_needed / params.local_retention / params.completion_rate if params.local_retention else math.inf
        rows.append(
            ForecastYear(
                year=academic_years.shifted(last, step),
                demand=demand,
                in_post=next_in_post,
                leavers=leavers,
                newly_qualified=nq,
                experienced=experienced,
                converted=converted,
                agency=agency - converted,
                gap=gap,
                newly_qualified_needed=nq_needed,
                students_needed=students,
                final_placements_needed=students,
                agency_cost=gap * params.agency_premium,
            )
        )
        in_post, agency = next_in_post, agency - converted
    return Forecast(basis=basis, rates=rates, years=tuple(rows))


TOTALLED = (
    "demand",
    "in_post",
    "leavers",
    "newly_qualified",
    "experienced",
    "converted",
    "agency",
    "gap",
    "newly_qualified_needed",
    "students_needed",
    "final_placements_needed",
    "agency_cost",
)


@dataclass
class Total:
    """The partnership's sum of its employers' forecasts, year by year (an employer whose latest
    figures are older starts its forecast earlier; each year adds the employers forecast for it)."""

    years: list[ForecastYear] = field(default_factory=list)
    counted: int = 0


def total(forecasts: Iterable[Forecast]) -> Total:
    sums: dict[str, ForecastYear] = {}
    counted = 0
    for one in forecasts:
        counted += 1
        for y in one.years:
            if y.year in sums:
                sums[y.year] = replace(
                    sums[y.year], **{name: getattr(sums[y.year], name) + getattr(y, name) for name in TOTALLED}
                )
            else:
                sums[y.year] = y
    return Total(years=[sums[k] for k in sorted(sums)], counted=counted)
