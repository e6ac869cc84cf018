"""Students and placements to act on: students without a statutory placement or without a
placement this year, and block clashes between universities in one team."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models.functions import Lower

from placements.models import HOLDS_PLACE, AcademicYear, Placement
from placements.selectors import figures

# --- Flags ------------------------------------------------------------------------------------


# The definitions live with the figures they count (placements.selectors.figures).
statutory_placement_exists = figures.statutory_placement_exists
students_without_statutory = figures.students_without_statutory
needs_placement_in = figures.needs_placement_in
placement_in_year_exists = figures.placement_in_year_exists
students_without_placement = figures.students_without_placement


def students_without_statutory_page(partnership, year: AcademicYear, limit: int = 20) -> list:
    """The first `limit` final-year students with no statutory placement confirmed (the count
    is `figures.student_figures(...).without_statutory`)."""
    return list(students_without_statutory(partnership, year).order_by("reference")[:limit])


@dataclass
class BlockClash:
    employer: str
    team: str
    universities: list[str]
    starts_on: dt.date
    ends_on: dt.date


def block_clashes(partnership, year: AcademicYear) -> list[BlockClash]:
    """Teams hosting students of two or more universities whose placement dates overlap (their
    teaching days and assessment points rarely line up).

    One ordered pass: the year's placements that hold a place come back sorted by employer, team
    and start date (a few columns each, one indexed query), and a sweep keeps the placements still
    running at each start, so each new one is compared only with those it can overlap. (A
    correlated self-join did the same in the database but grew with the square of a team's
    placements: 2.4x the time at three times the depth.)"""
    rows = (
        Placement.objects.filter(partnership=partnership, academic_year=year, status__in=HOLDS_PLACE)
        .annotate(team_key=Lower("offer__team"))
        .values_list(
            "offer__employer_id",
            "offer__employer__name",
            "offer__team",
            "team_key",
            "student__university_id",
            "student__university__name",
            "starts_on",
            "ends_on",
        )
        .order_by("offer__employer__name", "offer__employer_id", "team_key", "starts_on", "id")
    )
    return clashes_in(rows.iterator())


def clashes_in(rows) -> list[BlockClash]:
    """The sweep behind block_clashes, on rows of (employer id, employer, team, team key,
    university id, university, starts, ends) sorted by employer, team key and start."""
    clashes: list[BlockClash] = []
    found: dict[tuple, BlockClash] = {}
    running: list[tuple[dt.date, int, str]] = []  # (ends_on, university id, university name)
    current_team = None
    for employer_id, employer, team, team_key, university_id, university, starts, ends in rows:
        if (employer_id, team_key) != current_team:
            clashes.extend(found.values())
            found, running, current_team = {}, [], (employer_id, team_key)
        running = [r for r in running if r[0] >= starts]  # those still running when this one starts
        for other_ends, other_university_id, other_university in running:
            if other_university_id == university_id:
                continue
            key = tuple(sorted([university, other_university]))
            start, end = starts, min(ends, other_ends)
            if key in found:
                found[key].starts_on = min(found[key].starts_on, start)
                found[key].ends_on = max(found[key].ends_on, end)
            else:
                found[key] = BlockClash(employer, team, list(key), start, end)
        running.append((ends, university_id, university))
    clashes.extend(found.values())
    return clashes
