"""Importing placement offers, matched on employer, academic year, team and stage."""

from __future__ import annotations

from typing import NamedTuple

from django.db.models import Count, Q

from partnerships.models import Organisation
from placements.importers.common import CheckResult, Column, employers, ensure_years, update_changed
from placements.importers.parsing import NO, YES, parse_choice, parse_date, parse_int, parse_year
from placements.models import HOLDS_PLACE, OfferStage, PlacementOffer, PracticeEducator, ServiceArea

COLUMNS = [
    Column("employer", True, "Matrix Borough Council", "Employer's name as in the portal"),
    Column("team", True, "Children's Assessment Team", "Team or setting"),
    Column("service_area", True, "children", "children, adults, mental-health or other"),
    Column("statutory", True, "yes", "yes or no"),
    Column("stage", True, "final", "first, final or either"),
    Column("academic_year", True, "2026/27", "Academic year, like 2026/27"),
    Column("places", True, "2", "Number of places (1 or more)"),
    Column("practice_educator_email", False, "", "Email of a practice educator on the register"),
    Column("onsite_supervisor", False, "", "On-site supervisor's name"),
    Column("starts_on", False, "2027-01-11", "Block start date (YYYY-MM-DD or DD/MM/YYYY)"),
    Column("ends_on", False, "2027-06-04", "Block end date"),
    Column("notes", False, "", "Anything else"),
]


class OfferRow(NamedTuple):
    """A good row: the offer it updates (None: a new one), its natural key and its other values."""

    current: PlacementOffer | None
    employer: Organisation
    year: str
    team: str
    stage: str
    values: dict


def check(partnership, rows, result: CheckResult, own, lock: bool) -> None:
    by_name = employers(partnership)
    educators = {e.email.lower(): e for e in PracticeEducator.objects.on_register_of(partnership).only("id", "email")}
    existing_qs = (
        PlacementOffer.objects.filter(partnership=partnership)
        .select_related("academic_year")
        .annotate(held=Count("placements", filter=Q(placements__status__in=HOLDS_PLACE)))
    )
    if lock:
        # Lock the partnership's offers so nobody allocates a place while places change.
        list(PlacementOffer.objects.filter(partnership=partnership).select_for_update().values_list("id"))
    existing = {(o.employer_id, o.academic_year.label, o.team.lower(), o.stage): o for o in existing_qs}
    seen: dict[tuple, int] = {}
    for line, row in rows:
        problems: list[str] = []
        employer = by_name.get(row.get("employer", "").lower())
        if not row.get("employer"):
            problems.append("Employer is missing")
        elif employer is None:
            problems.append(f"Employer '{row['employer']}' is not an employer in this partnership")
        elif own is not None and employer.pk != own.pk:
            problems.append(f"You can only import offers for {own.name}")
        team = row.get("team", "")
        if not team:
            problems.append("Team is missing")
        elif len(team) > 200:
            problems.append("Team must be at most 200 characters")
        area = parse_choice(row.get("service_area", ""), ServiceArea.choices, "Service area", problems)
        statutory_text = row.get("statutory", "").lower()
        if statutory_text not in YES | NO:
            problems.append(f"Statutory '{row.get('statutory')}' must be yes or no")
        stage = parse_choice(row.get("stage", ""), OfferStage.choices, "Stage", problems)
        year = parse_year(row.get("academic_year", ""), problems)
        places = parse_int(row.get("places", ""), "Places", problems, minimum=1, maximum=500)
        educator = None
        if row.get("practice_educator_email"):
            educator = educators.get(row["practice_educator_email"].lower())
            if educator is None:
                problems.append(f"No practice educator with email {row['practice_educator_email']} is on the register")
        starts = parse_date(row.get("starts_on", ""), "Block start", problems)
        ends = parse_date(row.get("ends_on", ""), "Block end", problems)
        if starts and ends and ends < starts:
            problems.append("The block must end on or after it starts")
        key = (employer.pk if employer else None, year, team.lower(), stage)
        if not problems:
            if key in seen:
                problems.append(f"Repeats the offer on line {seen[key]} (same employer, year, team and stage)")
            seen[key] = line
            current = existing.get(key)
            if current is not None and places is not None and places < current.held:
                problems.append(
                    f"{current.held} students are already placed on this offer: places cannot go below that"
                )
        if problems:
            result.errors.append((line, "; ".join(problems)))
            continue
        # Each of these is None only with a problem reported above.
        assert employer is not None and year is not None and stage is not None
        values = {
            "service_area": area,
            "statutory": statutory_text in YES,
            "places": places,
            "practice_educator": educator,
            "onsite_supervisor": row.get("onsite_supervisor", "")[:150],
            "starts_on": starts,
            "ends_on": ends,
            "notes": row.get("notes", "")[:3000],
        }
        current = existing.get(key)
        if current is not None:
            result.updates += 1
        else:
            result.creates += 1
        result.plan.append(OfferRow(current, employer, year, team, stage, values))


def write(partnership, plan: list[OfferRow]) -> int:
    years = ensure_years(row.year for row in plan)
    new, existing = [], []
    for row in plan:
        if row.current is None:
            new.append(
                PlacementOffer(
                    partnership=partnership,
                    employer=row.employer,
                    academic_year=years[row.year],
                    team=row.team,
                    stage=row.stage,
                    **row.values,
                )
            )
        else:
            existing.append((row.current, row.values))
    PlacementOffer.objects.bulk_create(new, batch_size=1000)
    return len(update_changed(PlacementOffer, existing))
