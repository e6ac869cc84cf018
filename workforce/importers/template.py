"""The portal's workforce figures template (Excel), for adults' services and the employers the
DfE does not publish: one row per employer, service and year, with the measures people enter.

A row names an employer of the partnership as its organisation page does, the service
(children, adults or other) and the academic year; a measure is a number or one of the DfE's
symbols, and an empty cell leaves the figure already recorded as it is. A coordinator who
represents an employer may import only that employer's rows."""

from __future__ import annotations

from typing import NamedTuple

from django.db.models import F

from partnerships.models import Organisation
from placements.importers.common import CheckResult, Column
from placements.importers.parsing import parse_year
from workforce.importers.dfe import measures_of
from workforce.measures import ENTERED, Service
from workforce.models import FigureSource, WorkforceFigures
from workforce.services.figures import can_keep_employer, employers_of, services_of

AREA_COLUMNS = [
    Column("employer", True, "Brent Council", "The employer's name, as on its organisation page"),
    Column("service", True, "adults", "children, adults or other (NHS, voluntary and other employers)"),
    Column("year", True, "2025/26", "The academic year; people are counted at 30 September"),
]
COLUMNS = AREA_COLUMNS + [
    Column(m.name, False, "", f"{m.label}: a number, or c, x, z, low, u; empty leaves it as recorded") for m in ENTERED
]
REQUIRED = [c.name for c in AREA_COLUMNS]
SERVICE_WORDS = {
    "children": Service.CHILDREN,
    "children's services": Service.CHILDREN,
    "adults": Service.ADULTS,
    "adults' services": Service.ADULTS,
    "other": Service.OTHER,
    "all social work": Service.OTHER,
}


class TemplateRow(NamedTuple):
    employer: Organisation
    service: str
    year: str
    values: dict


def check(actor, partnership, rows, result: CheckResult) -> None:
    by_name = {e.name.lower(): e for e in employers_of(partnership)}
    existing = set(
        WorkforceFigures.objects.filter(partnership=partnership).values_list("employer_id", "service", "year")
    )
    seen: dict[tuple, int] = {}
    for line, row in rows:
        problems: list[str] = []
        name = row.get("employer", "").strip()
        employer = by_name.get(name.lower())
        if employer is None:
            problems.append(
                f"employer '{name}' is not an employer in this partnership" if name else "employer is missing"
            )
        elif not can_keep_employer(actor, partnership, employer.pk):
            problems.append(f"you can only import your own organisation's figures, not {employer.name}'s")
        text = row.get("service", "").strip()
        service = SERVICE_WORDS.get(text.lower())
        if service is None:
            problems.append(f"service '{text}' is not children, adults or other" if text else "service is missing")
        elif employer is not None and service not in services_of(employer):
            problems.append(f"{employer.name}'s figures are not counted for {Service(service).label.lower()}")
        year = parse_year(row.get("year", "").strip(), problems, what="year")
        values = measures_of(row, problems, ENTERED, blank_keeps=True)
        key = (getattr(employer, "pk", None), service, year)
        if not problems and key in seen:
            problems.append(f"the same employer, service and year as line {seen[key]}")
        if problems:
            result.errors.append((line, "; ".join(problems)))
            continue
        seen[key] = line
        assert employer is not None and service is not None and year is not None
        result.plan.append(TemplateRow(employer, service, year, values))
        if key in existing:
            result.updates += 1
        else:
            result.creates += 1


def write(actor, partnership, plan: list[TemplateRow]) -> dict:
    for row in plan:
        obj, created = WorkforceFigures.objects.get_or_create(
            partnership=partnership,
            employer=row.employer,
            service=row.service,
            year=row.year,
            defaults={**row.values, "source": FigureSource.TEMPLATE, "updated_by": actor},
        )
        if not created:
            WorkforceFigures.objects.filter(pk=obj.pk).update(
                **row.values, source=FigureSource.TEMPLATE, updated_by=actor, revision=F("revision") + 1
            )
    return {"figures": len(plan)}


def template_rows(actor, partnership, year: str) -> list[list]:
    """The template's rows: one per employer's service the person keeps, for `year`, with the
    figures already recorded (so the file shows what is there and what is missing)."""
    keep = [e for e in employers_of(partnership) if can_keep_employer(actor, partnership, e.pk)]
    recorded = {
        (f.employer_id, f.service): f
        for f in WorkforceFigures.objects.filter(partnership=partnership, year=year, employer__in=keep)
    }
    rows = []
    for employer in keep:
        for service in services_of(employer):
            figures = recorded.get((employer.pk, service))
            cells: list = [employer.name, service, year]
            for m in ENTERED:
                if figures is None:
                    cells.append("")
                else:
                    value = figures.value(m.name)
                    cells.append(figures.symbol(m.name) or ("" if value is None else float(value)))
            rows.append(cells)
    return rows
