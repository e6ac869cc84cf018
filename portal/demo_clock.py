"""The demo's one clock: every app's demo.py takes its dates and year labels from here.

The demo's story is written around an anchor day, Monday 23 November 2026, in the autumn term of
2026/27: 2024/25 and 2025/26 are history, first placements of 2026/27 are under way, the
2026/27 health checks are part-way through and 2027/28 is being planned. `seed_demo` may run on
any day, so on the day it runs (`demo_today()`, the real local date) the story is moved:

1. By whole academic years, so that the story's 2026/27 is the current academic year
   (`years_moved()`). Year labels (`shift_year_label`) and the story's calendar (`shift`: the
   start of placement blocks, audits, action due dates) move by that many years; 29 February
   becomes 28 February. On any day of 2026/27 nothing moves.
2. What has happened by now is judged on the real today, not on the anchor: a placement is
   completed, under way or ahead, a review returned or an action overdue as of `demo_today()`.
   So in July the current year's placements are finished, on 1 October they are about to begin.
3. Something that has already happened (a meeting held) never lands after today, nor more than
   a year before it: it moves by whole years to its latest anniversary on or before today
   (`shift_past`, `years_moved_past`), and whatever names a year alongside it (a meeting's
   minutes) moves with it. So on 1 October the story's November meeting is last November's,
   and in July its March meeting is this March's.
4. Dates that say how long ago something was (a practice educator's last student and last CPD)
   keep their distance from today (`keep_distance`), so the register shows the same mix of
   current, lapsing and lapsed educators on any day.

Dates that are history on any later day (when a partnership was established, when an educator
qualified) are not moved. Labels come from portal.academic_years, the one definition.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from portal import academic_years

ANCHOR = dt.date(2026, 11, 23)
ANCHOR_YEAR = academic_years.label_of(ANCHOR)  # "2026/27"


def demo_today() -> dt.date:
    """The day the demo is built as of: the real local date, so nothing "done" is in the future."""
    return timezone.localdate()


def years_moved(today: dt.date | None = None) -> int:
    """Whole academic years between the anchor's year and the current one (0 all through 2026/27)."""
    today = today or demo_today()
    return academic_years.first_year_of(academic_years.label_of(today)) - academic_years.first_year_of(ANCHOR_YEAR)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def shift(day: dt.date, years: int | None = None, *, today: dt.date | None = None) -> dt.date:
    """A story date on the demo's calendar: moved by `years` (default: `years_moved()`)."""
    return _add_years(day, years_moved(today) if years is None else years)


def years_moved_past(day: dt.date, today: dt.date | None = None) -> int:
    """The years to move something that happened on `day` to its latest anniversary on or
    before today (0 for every date of the story on the anchor day)."""
    today = today or demo_today()
    years = today.year - day.year
    return years if _add_years(day, years) <= today else years - 1


def shift_past(day: dt.date, today: dt.date | None = None) -> dt.date:
    """A story date for something already done: within the year up to today, never after it."""
    return _add_years(day, years_moved_past(day, today))


def shift_year_label(label: str, years: int | None = None, *, today: dt.date | None = None) -> str:
    """A story's year label ("2026/27") on the demo's calendar (the current year's label on any day)."""
    return academic_years.shifted(label, years_moved(today) if years is None else years)


def keep_distance(day: dt.date, today: dt.date | None = None) -> dt.date:
    """A story date as far before (or after) today as it is from the anchor day."""
    return (today or demo_today()) - (ANCHOR - day)


def describe(today: dt.date | None = None) -> str:
    """One sentence for seed_demo's output, saying where the story has been moved to."""
    today = today or demo_today()
    current = shift_year_label(ANCHOR_YEAR, today=today)
    return f"Demo built as of {today.day} {today:%B %Y}: its story is set in the academic year {current}."
