"""A pseudonymised staff list for one employer's service and year: one row per post (a pseudonym,
the start date, the leaving date if any, the FTE, the career stage, agency or not), turned into
that year's aggregates on import. The list itself is never kept: the file is deleted once it is
imported or found to have errors, and no row is written anywhere (docs/workforce.md).

The counts follow the DfE's: people are counted at 30 September (for 2025/26, 30 September
2025), and starters and leavers are those in the twelve months to that date (1 October 2024 to
30 September 2025). A post is in post on the count date when it started on or before it and
has not left by it (a leaving date after it, or none). Agency posts count only as agency FTE;
every other figure is of the employer's own staff."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from placements.importers.common import CheckResult, Column
from placements.importers.parsing import NO, YES, parse_date
from portal import academic_years

PSEUDONYM_MAX = 50

COLUMNS = [
    Column("pseudonym", True, "P0001", "A reference that stands for the post holder (never a name), once per row"),
    Column("start_date", True, "2023-09-04", "When the post holder started (YYYY-MM-DD or DD/MM/YYYY)"),
    Column("leaving_date", False, "", "When they left, if they have (empty if still in post)"),
    Column("fte", True, "1", "Full-time equivalent: more than 0 and at most 1 (0.5 for half time)"),
    Column("role", True, "experienced", "Career stage: newly qualified, early career, experienced or senior"),
    Column("agency", False, "no", "yes for an agency worker, no (or empty) for the employer's own staff"),
]
REQUIRED = [c.name for c in COLUMNS if c.required]
STAGES = {
    "newly qualified": "stage_nq_fte",
    "nqsw": "stage_nq_fte",
    "asye": "stage_nq_fte",
    "early career": "stage_early_fte",
    "experienced": "stage_experienced_fte",
    "senior": "stage_senior_fte",
}
# The measures a staff list gives; the others recorded for the year (vacancies, caseload) stay.
TOTALS = [
    "inpost_fte",
    "inpost_headcount",
    "starters_fte",
    "leavers_fte",
    "agency_fte",
    "asye_headcount",
    "stage_nq_fte",
    "stage_early_fte",
    "stage_experienced_fte",
    "stage_senior_fte",
]


class Post(NamedTuple):
    start: dt.date
    leaving: dt.date | None
    fte: Decimal
    stage: str
    agency: bool


def count_date(year: str) -> dt.date:
    """The day people are counted for a year: 30 September at its start, as the DfE does."""
    return dt.date(academic_years.first_year_of(year), 9, 30)


def period(year: str) -> tuple[dt.date, dt.date]:
    """The twelve months whose starters and leavers belong to the year, ending on its count date."""
    end = count_date(year)
    return dt.date(end.year - 1, 10, 1), end


def check(rows, result: CheckResult) -> None:
    """Check every row; the good ones become Posts (held in memory only, for the totals)."""
    seen: dict[str, int] = {}
    for line, row in rows:
        problems: list[str] = []
        pseudonym = row.get("pseudonym", "").strip()
        if not pseudonym:
            problems.append("pseudonym is missing")
        elif len(pseudonym) > PSEUDONYM_MAX:
            problems.append(f"pseudonym must be at most {PSEUDONYM_MAX} characters")
        elif pseudonym.lower() in seen:
            # The pseudonym itself is not repeated: the message is kept with the file's check.
            problems.append(f"the same pseudonym as line {seen[pseudonym.lower()]} (one row per post)")
        start = parse_date(row.get("start_date", "").strip(), "start_date", problems, required=True)
        leaving = parse_date(row.get("leaving_date", "").strip(), "leaving_date", problems)
        if start and leaving and leaving < start:
            problems.append("leaving_date is before start_date")
        fte = _fte(row.get("fte", "").strip(), problems)
        text = row.get("role", "").strip()
        stage = STAGES.get(" ".join(text.lower().replace("-", " ").split()))
        if stage is None:
            problems.append(
                f"role '{text}' is not newly qualified, early career, experienced or senior"
                if text
                else "role is missing"
            )
        agency_text = row.get("agency", "").strip().lower()
        if agency_text not in YES | NO:
            problems.append(f"agency '{row.get('agency', '').strip()}' must be yes or no")
        if pseudonym and pseudonym.lower() not in seen:
            seen[pseudonym.lower()] = line
        if problems:
            result.errors.append((line, "; ".join(problems)))
            continue
        assert start is not None and fte is not None and stage is not None
        result.plan.append(Post(start, leaving, fte, stage, agency_text in YES))


def _fte(text: str, problems: list[str]) -> Decimal | None:
    if not text:
        problems.append("fte is missing")
        return None
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        problems.append(f"fte '{text}' is not a number")
        return None
    if not value.is_finite() or not 0 < value <= 1:
        problems.append("fte must be more than 0 and at most 1")
        return None
    return value


def totals(posts: list[Post], year: str) -> dict[str, Decimal]:
    """The year's aggregates from the posts (FTE to one decimal place, headcounts whole)."""
    first, day = period(year)
    sums = dict.fromkeys(TOTALS, Decimal(0))

    def in_post(p: Post) -> bool:
        return p.start <= day and (p.leaving is None or p.leaving > day)

    for p in posts:
        if p.agency:
            if in_post(p):
                sums["agency_fte"] += p.fte
            continue
        if in_post(p):
            sums["inpost_fte"] += p.fte
            sums["inpost_headcount"] += 1
            sums[p.stage] += p.fte
            if p.stage == "stage_nq_fte":
                sums["asye_headcount"] += 1
        if first <= p.start <= day:
            sums["starters_fte"] += p.fte
        if p.leaving is not None and first <= p.leaving <= day:
            sums["leavers_fte"] += p.fte
    return {
        name: value.quantize(Decimal(1) if name.endswith("headcount") else Decimal("0.1"))
        for name, value in sums.items()
    }
