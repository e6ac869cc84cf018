"""Importing students, matched on their reference, each with an optional placement on an offer
(matched on student and offer). Places are counted across the file and what is already placed,
and a student's placements may not overlap, in the file or with those already recorded."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import NamedTuple

from partnerships.models import Organisation, OrganisationKind
from placements.importers.common import CheckResult, Column, employers, ensure_years, update_changed
from placements.importers.parsing import parse_choice, parse_date, parse_int, parse_year
from placements.models import (
    HOLDS_PLACE,
    Placement,
    PlacementOffer,
    PlacementStatus,
    Programme,
    Stage,
    Student,
)
from placements.services.educators import note_student_supported
from portal.dates import long_date

COLUMNS = [
    Column("reference", True, "S1234567", "University's student reference"),
    Column("name", False, "", "Student's name (optional)"),
    Column("university", True, "University of Matrix", "University's name as in the portal"),
    Column("programme", True, "BA (Hons) Social Work", "Programme's name as in the portal"),
    Column("cohort", False, "September 2024 intake", "Cohort"),
    Column("final_year", True, "2026/27", "Academic year of the final placement"),
    Column("placement_employer", False, "Matrix Borough Council", "With a placement: the offer's employer"),
    Column("placement_team", False, "Children's Assessment Team", "The offer's team"),
    Column("placement_year", False, "2026/27", "The offer's academic year"),
    Column("placement_stage", False, "final", "first or final"),
    Column("placement_starts_on", False, "2027-01-11", "Placement start date"),
    Column("placement_ends_on", False, "2027-06-04", "Placement end date"),
    Column("planned_days", False, "100", "Planned days"),
    Column("completed_days", False, "0", "Days completed"),
    Column("status", False, "confirmed", "proposed, confirmed, in-progress or completed"),
]


class PlacementCells(NamedTuple):
    """A row's placement: the offer it names and the placement's values."""

    offer: PlacementOffer
    stage: str
    starts_on: dt.date
    ends_on: dt.date
    planned_days: int
    completed_days: int
    status: str

    def values(self) -> dict:
        """The placement's fields (all but the offer, which is part of its key)."""
        return {name: value for name, value in self._asdict().items() if name != "offer"}


class StudentRow(NamedTuple):
    """A good row: the student it updates (None: a new one), the cells as read, what they name."""

    line: int
    student: Student | None
    reference: str
    cells: dict[str, str]
    programme: Programme
    final_year: str
    placement: PlacementCells | None


class KnownPlacement(NamedTuple):
    """A placement already recorded, for the overlap check."""

    offer_id: int
    starts_on: dt.date
    ends_on: dt.date
    team: str


class FilePlacement(NamedTuple):
    """A placement the file adds or updates, for the overlap check."""

    line: int
    offer_id: int
    starts_on: dt.date
    ends_on: dt.date
    team: str


def check(partnership, rows, result: CheckResult, own, lock: bool) -> None:
    universities = {
        o.name.lower(): o
        for o in Organisation.objects.filter(partner_roles__partnership=partnership, kind=OrganisationKind.UNIVERSITY)
    }
    programmes = {(p.university_id, p.name.lower()): p for p in Programme.objects.filter(partnership=partnership)}
    by_name = employers(partnership)
    offers_qs = PlacementOffer.objects.filter(partnership=partnership).select_related("academic_year")
    if lock:
        offers_qs = offers_qs.select_for_update()
    offers = {(o.employer_id, o.academic_year.label, o.team.lower(), o.stage): o for o in offers_qs}
    students = {s.reference.lower(): s for s in Student.objects.filter(partnership=partnership)}
    held: dict[int, int] = defaultdict(int)
    existing_placements: dict[int, list[KnownPlacement]] = defaultdict(list)  # by student id
    for p in Placement.objects.filter(partnership=partnership).values(
        "id", "student_id", "offer_id", "starts_on", "ends_on", "status", "offer__team"
    ):
        if p["status"] in HOLDS_PLACE:
            held[p["offer_id"]] += 1
        existing_placements[p["student_id"]].append(
            KnownPlacement(p["offer_id"], p["starts_on"], p["ends_on"], p["offer__team"])
        )
    existing_pairs = {(sid, known.offer_id) for sid, items in existing_placements.items() for known in items}
    seen: dict[str, int] = {}
    file_placements: dict[str, list[FilePlacement]] = defaultdict(list)  # by lower-case reference
    new_holds: dict[int, list[int]] = defaultdict(list)
    pending = []
    for line, row in rows:
        problems: list[str] = []
        reference = row.get("reference", "")
        if not reference:
            problems.append("Reference is missing")
        elif len(reference) > 50:
            problems.append("Reference must be at most 50 characters")
        university = universities.get(row.get("university", "").lower())
        if university is None:
            problems.append(
                f"University '{row.get('university', '')}' is not a university in this partnership"
                if row.get("university")
                else "University is missing"
            )
        programme = None
        if university is not None:
            programme = programmes.get((university.pk, row.get("programme", "").lower()))
            if programme is None:
                problems.append(f"Programme '{row.get('programme', '')}' is not one of {university.name}'s programmes")
        final_year = parse_year(row.get("final_year", ""), problems, "Final placement year")
        if reference.lower() in seen and not problems:
            problems.append(f"Repeats the student on line {seen[reference.lower()]} (same reference)")
        seen.setdefault(reference.lower(), line)
        placement = None
        if any(row.get(c) for c in ("placement_employer", "placement_team", "placement_stage")):
            placement = _placement_cells(row, by_name, offers, own, problems)
        if problems:
            result.errors.append((line, "; ".join(problems)))
            continue
        # Each of these is None only with a problem reported above.
        assert programme is not None and final_year is not None
        student = students.get(reference.lower())
        if placement is not None:
            offer = placement.offer
            pair_exists = student is not None and (student.pk, offer.pk) in existing_pairs
            if not pair_exists and placement.status in HOLDS_PLACE:
                new_holds[offer.pk].append(line)
            file_placements[reference.lower()].append(
                FilePlacement(line, offer.pk, placement.starts_on, placement.ends_on, offer.team)
            )
        pending.append(StudentRow(line, student, reference, row, programme, final_year, placement))
        if student is None:
            result.creates += 1
        else:
            result.updates += 1
    # Over-allocation across the file and what is already placed.
    offers_by_id = {o.pk: o for o in offers.values()}
    for offer_id, lines in new_holds.items():
        offer = offers_by_id[offer_id]
        free = offer.places - held[offer_id]
        for line in lines[max(free, 0) :]:
            result.errors.append(
                (
                    line,
                    f"{offer.team} has no place left: {offer.places} places, {held[offer_id]} already taken and "
                    f"{len(lines)} more in this file",
                )
            )
    # Overlaps: each file placement against the student's others (in the database and in the file).
    for reference, items in file_placements.items():
        student = students.get(reference)
        others = list(existing_placements.get(student.pk, [])) if student else []
        for i, mine in enumerate(items):
            for other in others:
                if _overlap(mine, other):
                    result.errors.append(
                        (
                            mine.line,
                            f"{reference.upper()} already has a placement at {other.team} from "
                            f"{long_date(other.starts_on)} to {long_date(other.ends_on)}: a student's placements cannot overlap",
                        )
                    )
                    break
            for earlier in items[:i]:
                if _overlap(mine, earlier):
                    result.errors.append(
                        (mine.line, f"Overlaps the placement on line {earlier.line} for the same student")
                    )
                    break
    if result.errors:
        return
    result.plan.extend(pending)


def _overlap(mine: FilePlacement, other: KnownPlacement | FilePlacement) -> bool:
    """Two placements of one student on different offers whose dates meet (the same offer is the
    same placement, updated)."""
    return other.offer_id != mine.offer_id and other.starts_on <= mine.ends_on and mine.starts_on <= other.ends_on


def _placement_cells(row, by_name, offers, own, problems: list[str]) -> PlacementCells | None:
    employer = by_name.get(row.get("placement_employer", "").lower())
    if employer is None:
        problems.append(
            f"Placement employer '{row.get('placement_employer', '')}' is not an employer in this partnership"
        )
    elif own is not None and employer.pk != own.pk:
        problems.append(f"You can only place students with {own.name}")
    year = parse_year(row.get("placement_year", ""), problems, "Placement year")
    stage = parse_choice(row.get("placement_stage", ""), Stage.choices, "Placement stage", problems)
    starts = parse_date(row.get("placement_starts_on", ""), "Placement start", problems, required=True)
    ends = parse_date(row.get("placement_ends_on", ""), "Placement end", problems, required=True)
    if starts and ends and ends < starts:
        problems.append("The placement must end on or after it starts")
    planned = parse_int(
        row.get("planned_days", ""),
        "Planned days",
        problems,
        minimum=1,
        maximum=200,
        default=100 if stage == "final" else 70,
    )
    completed = parse_int(row.get("completed_days", ""), "Completed days", problems, minimum=0, maximum=230, default=0)
    status_choices = [c for c in PlacementStatus.choices if c[0] != PlacementStatus.ENDED_EARLY]
    status = (
        parse_choice(row["status"], status_choices, "Status", problems)
        if row.get("status")
        else PlacementStatus.PROPOSED
    )
    offer = None
    if employer is not None and year and stage:
        team = row.get("placement_team", "").lower()
        offer = offers.get((employer.pk, year, team, stage)) or offers.get((employer.pk, year, team, "either"))
        if offer is None:
            problems.append(
                f"No {stage} placement offer from {employer.name} for team '{row.get('placement_team', '')}' in {year}"
            )
    if problems:
        return None
    # Each of these is None only with a problem reported above.
    assert offer is not None and stage is not None and starts is not None and ends is not None and status is not None
    return PlacementCells(offer, stage, starts, ends, planned, completed, status)


def write(partnership, plan: list[StudentRow]) -> int:
    years = ensure_years(row.final_year for row in plan)
    new, existing = [], []
    for row in plan:
        values = {
            "name": row.cells.get("name", "")[:150],
            "university_id": row.programme.university_id,
            "programme": row.programme,
            "cohort": row.cells.get("cohort", "")[:50],
            "final_year": years[row.final_year],
        }
        if row.student is None:
            new.append(Student(partnership=partnership, reference=row.reference, **values))
        else:
            existing.append((row.student, values))
    Student.objects.bulk_create(new, batch_size=1000)
    touched = {s.pk for s in update_changed(Student, existing)}
    by_reference = {s.reference.lower(): s for s in new + [s for s, _ in existing]}
    with_placement = [(row.reference, row.placement) for row in plan if row.placement is not None]
    existing_placements = {
        (p.student_id, p.offer_id): p
        for p in Placement.objects.filter(
            student_id__in=[by_reference[reference.lower()].pk for reference, _ in with_placement]
        )
    }
    new_placements, placement_pairs = [], []
    for reference, cells in with_placement:
        student = by_reference[reference.lower()]
        offer = cells.offer
        values = cells.values()
        current = existing_placements.get((student.pk, offer.pk))
        if current is None:
            new_placements.append(
                Placement(
                    partnership=partnership,
                    academic_year_id=offer.academic_year_id,
                    student=student,
                    offer=offer,
                    **values,
                )
            )
            touched.add(student.pk)
        elif current.status != PlacementStatus.ENDED_EARLY:  # an ended placement is history
            placement_pairs.append((current, values))
    Placement.objects.bulk_create(new_placements, batch_size=1000)
    touched |= {p.student_id for p in update_changed(Placement, placement_pairs)}
    _note_educators_last_student([cells for _, cells in with_placement])
    return len(touched & {s.pk for s, _ in existing})


def _note_educators_last_student(placements: list[PlacementCells]) -> None:
    """A completed placement keeps the offer's practice educator current, as completing one on
    its page does (placements.services.allocations.change_status)."""
    latest: dict[int, dt.date] = {}
    for placement in placements:
        educator_id = placement.offer.practice_educator_id
        if educator_id and placement.status == PlacementStatus.COMPLETED:
            latest[educator_id] = max(latest.get(educator_id, placement.ends_on), placement.ends_on)
    for educator_id, day in latest.items():
        note_student_supported(educator_id, day)
