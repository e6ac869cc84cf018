"""Workforce planning: the partnership's totals year by year (as its members see them on the
workforce page, small numbers suppressed and symbols kept as symbols) and the baseline five-year
forecast, both from workforce.selectors, the pages' own."""

from __future__ import annotations

from ninja import Router

from api.endpoints.common import ERRORS, Schema, link
from partnerships.access import partnership_or_404
from workforce import selectors
from workforce.forecast import Parameters

router = Router(tags=["Figures"])


class MeasureTotal(Schema):
    measure: str
    label: str
    shown: str  # the figure as the page shows it: a number, or a DfE symbol (c, x, z, low, u)
    number: bool  # whether `shown` is a number


class YearTotals(Schema):
    year: str
    totals: list[MeasureTotal]
    incomplete: list[str]  # employers whose figure is missing or a symbol that year


class ForecastYearOut(Schema):
    year: str
    demand: float
    in_post: float
    gap: float
    newly_qualified_needed: float
    students_needed: float
    final_placements_needed: float
    agency_cost: float


class WorkforceOut(Schema):
    partnership: str
    years: list[YearTotals]
    forecast: list[ForecastYearOut]
    forecast_employer_services: int  # how many employer services the forecast adds up
    url: str


@router.get("partnerships/{slug}/workforce", response={200: WorkforceOut, **ERRORS}, url_name="workforce")
def workforce_figures(request, slug: str):
    """The workforce page's totals per year and the baseline forecast (the forecast page with its
    default assumptions), for every member."""
    partnership = partnership_or_404(request.user, slug)
    summary = selectors.summary(request.user, partnership)
    forecast = selectors.partnership_forecast(partnership, Parameters())
    return {
        "partnership": partnership.slug,
        "years": [
            {
                "year": row.year,
                "totals": [
                    {"measure": m.name, "label": str(m.label), "shown": cell.text, "number": cell.number}
                    for m, cell in zip(summary.measures, row.cells, strict=True)
                ],
                "incomplete": row.incomplete,
            }
            for row in summary.totals
        ],
        "forecast": [
            {
                "year": y.year,
                "demand": round(y.demand, 1),
                "in_post": round(y.in_post, 1),
                "gap": round(y.gap, 1),
                "newly_qualified_needed": round(y.newly_qualified_needed, 1),
                "students_needed": round(y.students_needed, 1),
                "final_placements_needed": round(y.final_placements_needed, 1),
                "agency_cost": round(y.agency_cost),
            }
            for y in forecast.total.years
        ],
        "forecast_employer_services": forecast.total.counted,
        "url": link(request, "workforce:partnership", partnership.slug),
    }
