"""Students and placements to act on: students without a statutory placement or without a
placement this year, and block clashes between universities in one team."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Window
from django.db.models.functions import Lower

from placements.models import (
    FILLED,
    HOLDS_PLACE,
    AcademicYear,
    Placement,
    Student,
)

# --- Flags ------------------------------------------------------------------------------------


def statutory_placement_exists():
    return Exists(Placement.objects.filter(student=OuterRef("pk"), offer__statutory=True, status__in=FILLED))


def students_without_statutory_page(partnership, year: AcademicYear, limit: int = 20) -> tuple[list, int]:
    """The first `limit` students without a statutory placement and how many there are, in one
    query (the count rides along on each row as a window)."""
    rows = list(
        students_without_statutory(partnership, year).annotate(total=Window(Count("id"))).order_by("reference")[:limit]
    )
    return rows, (rows[0].total if rows else 0)


def students_without_statutory(partnership, year: AcademicYear):
    """Students whose final placement falls in `year` and who neither have had nor are
    confirmed for a statutory placement."""
    return (
        Student.objects.filter(partnership=partnership, final_year=year)
        .annotate(has_statutory=statutory_placement_exists())
        .filter(has_statutory=False)
        .select_related("university", "programme")
    )


def needs_placement_in(year: AcademicYear, next_year: AcademicYear | None) -> Q:
    """Students who need a placement in `year`: a final placement if their final placement year
    is `year`, a first placement if it is the year after."""
    condition = Q(final_year=year)
    if next_year is not None:
        condition |= Q(final_year=next_year)
    return condition


def placement_in_year_exists(year: AcademicYear):
    return Exists(Placement.objects.filter(student=OuterRef("pk"), academic_year=year, status__in=HOLDS_PLACE))


def students_without_placement(partnership, year: AcademicYear, next_year: AcademicYear | None = None):
    """Students who need a first or final placement in `year` and have none arranged (proposed
    counts as arranged: someone is working on it)."""
    return (
        Student.objects.filter(needs_placement_in(year, next_year), partnership=partnership, purged_on__isnull=True)
        .annotate(placed=placement_in_year_exists(year))
        .filter(placed=False)
    )


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
