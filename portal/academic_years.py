"""Academic years (1 September to 31 August), labelled like "2026/27": the one definition.

Every app that names a year (memoranda's places, health checks, placements, imports, the demo)
parses, checks and labels it here, within the date range of portal.dates.
"""

from __future__ import annotations

import datetime as dt
import re

from portal.dates import EARLIEST_DATE, LATEST_DATE

LABEL = re.compile(r"^(\d{4})/(\d{2})$")
FIRST_YEAR = EARLIEST_DATE.year
LAST_YEAR = LATEST_DATE.year - 1  # 2098/99 is the last year that ends inside the range


def label_for(first_year: int) -> str:
    return f"{first_year}/{(first_year + 1) % 100:02d}"


def label_of(day: dt.date) -> str:
    """The label of the academic year containing `day`."""
    return label_for(day.year if day.month >= 9 else day.year - 1)


def first_year_of(label: str) -> int:
    return int(label[:4])


def bounds(label: str) -> tuple[dt.date, dt.date]:
    """The year's first and last day (a label already checked by `problem`)."""
    first = first_year_of(label)
    return dt.date(first, 9, 1), dt.date(first + 1, 8, 31)


def problem(label: str) -> str | None:
    """What is wrong with a year's label, in words (None if nothing): checked before any date is
    made from it, since 9999/00 would end in the year 10000."""
    match = LABEL.match(label or "")
    if not match:
        return "Enter the year as four digits, a slash and two digits, like 2026/27"
    first, second = int(match.group(1)), int(match.group(2))
    if (first + 1) % 100 != second:
        return f"The second year must follow the first: {label_for(first)}"
    if not FIRST_YEAR <= first <= LAST_YEAR:
        return f"Enter an academic year between {label_for(FIRST_YEAR)} and {label_for(LAST_YEAR)}"
    return None


def shifted(label: str, years: int) -> str:
    return label_for(first_year_of(label) + years)


def recent(today: dt.date, *, back: int = 4, ahead: int = 1) -> list[str]:
    """Labels from `ahead` years after today's back to `back` years before, newest first."""
    current = first_year_of(label_of(today))
    return [label_for(y) for y in range(current + ahead, current - back - 1, -1)]
