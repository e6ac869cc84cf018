"""Reading one cell's text as a value (a date, a whole number, a choice, an academic year): each
parser appends what is wrong, in words, to the row's `problems` and returns None, so a row's
problems are all reported at once. Dates and years follow the core's rules (portal.dates,
portal.academic_years), like the forms."""

from __future__ import annotations

import datetime as dt

from portal import academic_years, dates

YES = {"yes", "y", "true", "1", "statutory"}
NO = {"no", "n", "false", "0", "non-statutory", ""}


def parse_date(text: str, what: str, problems: list[str], required: bool = False) -> dt.date | None:
    if not text:
        if required:
            problems.append(f"{what} is missing")
        return None
    day = dates.parse(text)
    if day is None:
        problems.append(f"{what} '{text}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)")
        return None
    if not dates.in_range(day):
        problems.append(f"{what} '{text}' must be between {dates.EARLIEST_DATE.year} and {dates.LATEST_DATE.year}")
        return None
    return day


def parse_int(text: str, what: str, problems: list[str], *, minimum=0, maximum=10_000, default=None):
    if not text:
        if default is None:
            problems.append(f"{what} is missing")
        return default
    try:
        value = int(text)
    except ValueError:
        problems.append(f"{what} '{text}' is not a whole number")
        return None
    if not minimum <= value <= maximum:
        problems.append(f"{what} must be between {minimum} and {maximum}")
        return None
    return value


def parse_choice(text: str, choices, what: str, problems: list[str]) -> str | None:
    wanted = text.strip().lower().replace(" ", "-").replace("_", "-")
    for value, label in choices:
        if wanted in (value, label.lower().replace(" ", "-")):
            return value
    allowed = ", ".join(v for v, _ in choices)
    problems.append(f"{what} '{text}' is not one of: {allowed}" if text else f"{what} is missing")
    return None


def parse_year(text: str, problems: list[str], what="Academic year") -> str | None:
    """An academic year's label. A label of the wrong shape gets the example to copy; one outside
    the years the portal accepts gets the core's reason."""
    if not text:
        problems.append(f"{what} is missing")
        return None
    if problem := academic_years.problem(text):
        # Well shaped (2026/27, the second year following the first) but outside the range.
        shaped = (
            academic_years.LABEL.match(text) and academic_years.label_for(academic_years.first_year_of(text)) == text
        )
        problems.append(f"{what} '{text}': {problem}" if shaped else f"{what} '{text}' must look like 2026/27")
        return None
    return text
