"""The DfE "Children's social work workforce" indicators file, in its published layout: one row
per time_period and geographic_level (National, Regional, Local authority), the area columns
(country_code, region_code, old_la_code, new_la_code, la_name...) then the measures.

Local-authority rows are matched to the partnership's employers by GSS code (new_la_code) and
become their children's services figures; rows of authorities outside the partnership are
counted and left; national and regional rows are kept as benchmarks. A cell holding one of the
publication's symbols (c, x, z, low, u) is kept as that symbol, never read as zero."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.db.models import F

from partnerships.models import Organisation
from placements.importers.common import CheckResult, Column
from portal import academic_years
from workforce.measures import DFE_MEASURES, MAX_VALUE, SYMBOLS, Service
from workforce.models import Benchmark, BenchmarkLevel, FigureSource, WorkforceFigures
from workforce.services.figures import employers_of, services_of

AREA_COLUMNS = [
    Column(
        "time_period",
        True,
        "202324",
        "The year: 202324 for 2023/24 (or 2023 for the reporting year at 30 September 2023)",
    ),
    Column("time_identifier", False, "Reporting year", "As published"),
    Column("geographic_level", True, "Local authority", "National, Regional or Local authority"),
    Column("country_code", False, "E92000001", "As published"),
    Column("country_name", False, "England", "As published"),
    Column("region_code", False, "E12000007", "For regional and local authority rows"),
    Column("region_name", False, "London", "As published"),
    Column("old_la_code", False, "304", "As published (not used)"),
    Column("new_la_code", False, "E09000005", "The authority's GSS code: how its row is matched to an organisation"),
    Column("la_name", False, "Brent", "As published"),
]
COLUMNS = AREA_COLUMNS + [Column(m.name, False, "52.3", m.label) for m in DFE_MEASURES]
REQUIRED = [c.name for c in AREA_COLUMNS if c.required]
GSS = re.compile(r"^[EWSN]\d{8}$")
LEVELS = {"national": BenchmarkLevel.NATIONAL, "regional": BenchmarkLevel.REGIONAL, "local authority": "la"}


class FigureRow(NamedTuple):
    employer: Organisation
    year: str
    values: dict


class BenchmarkRow(NamedTuple):
    level: str
    code: str
    name: str
    year: str
    values: dict


def year_of(text: str, problems: list[str]) -> str | None:
    """202324 -> 2023/24; a four-digit reporting year (the count at 30 September) -> the academic
    year it falls in (2023 -> 2023/24)."""
    text = text.strip()
    label = None
    if re.fullmatch(r"\d{6}", text) and int(text[4:]) == (int(text[:4]) + 1) % 100:
        label = academic_years.label_for(int(text[:4]))
    elif re.fullmatch(r"\d{4}", text):
        label = academic_years.label_for(int(text))
    if label is None or academic_years.problem(label):
        problems.append(f"time_period '{text}' must look like 202324 (or 2023)" if text else "time_period is missing")
        return None
    return label


def measures_of(row: dict, problems: list[str], measures=DFE_MEASURES, *, blank_keeps: bool = False) -> dict:
    """The measures the file has, each as (number, symbol). An empty cell empties the figure, or
    with `blank_keeps` leaves it out (the figure recorded stays as it is)."""
    values: dict = {}
    for m in measures:
        if m.name not in row:
            continue
        text = row[m.name].strip()
        if text.lower() in SYMBOLS:
            values[m.name], values[f"{m.name}_symbol"] = None, text.lower()
            continue
        if not text:
            if not blank_keeps:
                values[m.name], values[f"{m.name}_symbol"] = None, ""
            continue
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation:
            problems.append(f"{m.name} '{text}' is not a number or one of the symbols c, x, z, low, u")
            continue
        if not number.is_finite() or not 0 <= number <= MAX_VALUE:
            problems.append(f"{m.name} must be between 0 and {MAX_VALUE:,}")
            continue
        if m.whole and blank_keeps and number != number.to_integral_value():
            problems.append(f"{m.name} must be a whole number")
            continue
        values[m.name] = number.quantize(Decimal(1) if m.whole else Decimal("0.1"))
        values[f"{m.name}_symbol"] = ""
    return values


def check(partnership, rows, result: CheckResult) -> None:
    by_code = {e.gss_code: e for e in employers_of(partnership) if e.gss_code}
    seen: dict[tuple, int] = {}
    existing = set(
        WorkforceFigures.objects.filter(partnership=partnership, service=Service.CHILDREN).values_list(
            "employer_id", "year"
        )
    )
    for line, row in rows:
        problems: list[str] = []
        year = year_of(row.get("time_period", ""), problems)
        level = LEVELS.get(row.get("geographic_level", "").strip().lower())
        if level is None:
            problems.append(
                f"geographic_level '{row.get('geographic_level', '')}' is not National, Regional or Local authority"
            )
        values = measures_of(row, problems)
        code, name = "", ""
        if level == BenchmarkLevel.NATIONAL:
            code, name = row.get("country_code", "").strip().upper(), row.get("country_name", "").strip()
        elif level == BenchmarkLevel.REGIONAL:
            code, name = row.get("region_code", "").strip().upper(), row.get("region_name", "").strip()
        elif level == "la":
            code, name = row.get("new_la_code", "").strip().upper(), row.get("la_name", "").strip()
        if level is not None and not GSS.match(code):
            column = {"la": "new_la_code", BenchmarkLevel.NATIONAL: "country_code"}.get(level, "region_code")
            problems.append(f"{column} '{code}' is not a GSS code (a letter and 8 digits)")
        key = (level, code, year)
        if not problems and key in seen:
            problems.append(f"the same area and year as line {seen[key]}")
        if problems:
            result.errors.append((line, "; ".join(problems)))
            continue
        seen[key] = line
        assert year is not None and level is not None
        if level == "la":
            employer = by_code.get(code)
            if employer is None or Service.CHILDREN not in services_of(employer):
                result.plan.append(None)  # an authority outside the partnership: left as it is
                continue
            result.plan.append(FigureRow(employer, year, values))
            if (employer.pk, year) in existing:
                result.updates += 1
            else:
                result.creates += 1
        else:
            result.plan.append(BenchmarkRow(level, code, name[:100] or code, year, values))


def write(actor, partnership, plan: list) -> dict:
    """Write the figures and benchmarks; the numbers of each, for the audit and the page."""
    figures = [p for p in plan if isinstance(p, FigureRow)]
    benchmarks = [p for p in plan if isinstance(p, BenchmarkRow)]
    for row in figures:
        obj, created = WorkforceFigures.objects.get_or_create(
            partnership=partnership,
            employer=row.employer,
            service=Service.CHILDREN,
            year=row.year,
            defaults={**row.values, "source": FigureSource.DFE, "updated_by": actor},
        )
        if not created:
            WorkforceFigures.objects.filter(pk=obj.pk).update(
                **row.values, source=FigureSource.DFE, updated_by=actor, revision=F("revision") + 1
            )
    for b in benchmarks:
        Benchmark.objects.update_or_create(
            year=b.year, level=b.level, code=b.code, defaults={"name": b.name, **b.values}
        )
    return {
        "figures": len(figures),
        "benchmarks": len(benchmarks),
        "other": sum(1 for p in plan if p is None),
    }
