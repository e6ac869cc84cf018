"""Students and placements to act on: students without a statutory placement or without a
placement this year, and block clashes between universities in one team."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
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

    The database returns only the placements that overlap another university's in the same
    team (one query, the same SQL on PostgreSQL and SQLite), so a partnership with thousands of
    placements loads just the few that clash; Python then pairs them up for the page."""
    held = Placement.objects.filter(partnership=partnership, academic_year=year, status__in=HOLDS_PLACE).annotate(
        team_key=Lower("offer__team")
    )
    clashing = held.filter(
        offer__employer_id=OuterRef("offer__employer_id"),
        team_key=OuterRef("team_key"),
        starts_on__lte=OuterRef("ends_on"),
        ends_on__gte=OuterRef("starts_on"),
    ).exclude(student__university_id=OuterRef("student__university_id"))
    rows = (
        held.filter(Exists(clashing))
        .values_list(
            "offer__employer__name", "offer__team", "team_key", "student__university__name", "starts_on", "ends_on"
        )
        .order_by("offer__employer__name", "team_key", "starts_on")
    )
    by_team: dict[tuple[str, str], list] = defaultdict(list)
    for employer, team, team_key, university, starts, ends in rows:
        by_team[(employer, team_key)].append((team, university, starts, ends))
    clashes: list[BlockClash] = []
    for (employer, _), items in by_team.items():
        found: dict[tuple, BlockClash] = {}
        for i, (team, uni_a, s_a, e_a) in enumerate(items):
            for _team, uni_b, s_b, e_b in items[i + 1 :]:
                if uni_a != uni_b and s_b <= e_a and s_a <= e_b:
                    key = tuple(sorted([uni_a, uni_b]))
                    start, end = max(s_a, s_b), min(e_a, e_b)
                    if key in found:
                        found[key].starts_on = min(found[key].starts_on, start)
                        found[key].ends_on = max(found[key].ends_on, end)
                    else:
                        found[key] = BlockClash(employer, team, list(key), start, end)
        clashes.extend(found.values())
    return clashes
