"""Bulk-built placement data for the national-scale bench (`manage.py seed_scale`): academic
years, programmes and demand, practice educators on registers, offers, students, placements and
some quality reviews, attached to the partnerships and organisations partnerships/scale.py made.

Placements are spread over the partnerships and years, the first partnership (the largest) taking
a double share, so its sufficiency page in the current year is the heaviest one to measure."""

from __future__ import annotations

import datetime as dt
import random

from django.db import connection

from partnerships.models import EMPLOYER_KINDS, OrganisationKind
from placements.models import (
    AcademicYear,
    Placement,
    PlacementOffer,
    PracticeEducator,
    Programme,
    ProgrammeDemand,
    QualityReview,
    Student,
)
from placements.services.planning import ensure_academic_year
from portal import academic_years

CURRENT_FIRST_YEAR = 2026  # 2026/27, the demo and bench "now"
AREAS = ["children", "adults", "mental-health", "other"]


def _years(count: int) -> list[AcademicYear]:
    years = []
    for first in range(CURRENT_FIRST_YEAR - count + 1, CURRENT_FIRST_YEAR + 1):
        years.append(ensure_academic_year(academic_years.label_for(first)))
    return years


def build(ctx: dict, params: dict, stdout) -> None:
    rng = random.Random(11)  # noqa: S311 - bench data
    partnerships = ctx["partnerships"]
    years = _years(params["academic_years"])
    employers: dict[int, list] = {}
    universities: dict[int, list] = {}
    for partner in ctx["partners"]:
        org = partner.organisation
        if org.kind in EMPLOYER_KINDS:
            employers.setdefault(partner.partnership_id, []).append(org)
        elif org.kind == OrganisationKind.UNIVERSITY:
            universities.setdefault(partner.partnership_id, []).append(org)
    partnerships = [p for p in partnerships if employers.get(p.pk) and universities.get(p.pk)]

    programmes = Programme.objects.bulk_create(
        [
            Programme(partnership=p, university=u, name=name, level=level)
            for p in partnerships
            for u in universities[p.pk][:3]
            for name, level in [("BA (Hons) Social Work", "ba"), ("MA Social Work", "ma")]
        ],
        batch_size=2000,
    )
    by_partnership: dict[int, list[Programme]] = {}
    for programme in programmes:
        by_partnership.setdefault(programme.partnership_id, []).append(programme)
    ProgrammeDemand.objects.bulk_create(
        [
            ProgrammeDemand(
                programme=programme,
                academic_year=year,
                first_placements=rng.randint(10, 40),
                final_placements=rng.randint(10, 40),
            )
            for programme in programmes
            for year in years
        ],
        batch_size=5000,
    )

    educators = _educators(partnerships, employers, params["practice_educators"], rng)

    weights = {p.pk: (2 if i == 0 else 1) for i, p in enumerate(partnerships)}
    per_weight = params["placements"] / (sum(weights.values()) * len(years))
    offers: list[PlacementOffer] = []
    students: list[Student] = []
    # (offer, student, stage, status, block start, block end): a placement runs for its offer's block.
    plan: list[tuple[PlacementOffer, Student, str, str, dt.date, dt.date]] = []
    for partnership in partnerships:
        for y, year in enumerate(years):
            count = max(1, round(per_weight * weights[partnership.pk]))
            _plan_year(
                partnership,
                year,
                y == len(years) - 1,
                count,
                employers,
                by_partnership,
                educators,
                rng,
                offers,
                students,
                plan,
            )
    PlacementOffer.objects.bulk_create(offers, batch_size=5000)
    Student.objects.bulk_create(students, batch_size=5000)
    placements = Placement.objects.bulk_create(
        [
            Placement(
                partnership_id=offer.partnership_id,
                academic_year_id=offer.academic_year_id,
                student=student,
                offer=offer,
                stage=stage,
                starts_on=starts_on,
                ends_on=ends_on,
                planned_days=100 if stage == "final" else 70,
                completed_days=0 if status != "completed" else (100 if stage == "final" else 70),
                status=status,
                end_reason="other" if status == "ended-early" else "",
            )
            for offer, student, stage, status, starts_on, ends_on in plan
        ],
        batch_size=5000,
    )
    reviews = [
        QualityReview(
            placement=placement,
            point="four-weeks",
            role="student",
            learning_opportunities="good",
            support=rng.choice(["very-good", "good", "adequate"]),
            performance="on-track",
            completed_on=placement.starts_on + dt.timedelta(days=28 + rng.randint(0, 10)),
        )
        for placement in placements
        if placement.status in ("completed", "in-progress") and rng.random() < 0.5
    ]
    QualityReview.objects.bulk_create(reviews, batch_size=5000)
    if connection.vendor == "postgresql":
        # Fresh statistics, as autovacuum would gather on a live database: without them the
        # planner guesses from an empty table and the benchmark measures a bad plan.
        with connection.cursor() as cursor:
            for model in (Student, PlacementOffer, Placement, QualityReview, PracticeEducator):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    stdout.write(
        f"    {len(offers)} offers, {len(students)} students, {len(placements)} placements, "
        f"{sum(len(e) for e in educators.values())} practice educators, {len(reviews)} reviews over {len(years)} years"
    )


def _educators(partnerships, employers, count: int, rng) -> dict[int, list[PracticeEducator]]:
    """Practice educators per partnership, employed by its employers (one in ten independent)."""
    share = max(1, count // max(1, len(partnerships)))
    people = []
    for p in partnerships:
        for i in range(share):
            since = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 1400))
            people.append(
                (
                    p,
                    PracticeEducator(
                        partnership=p,
                        full_name=f"Scale Educator {p.pk}-{i:04d}",
                        email=f"pe{p.pk}-{i:04d}@scale.example.org",
                        employer=None if i % 10 == 0 else employers[p.pk][i % len(employers[p.pk])],
                        peps_stage=2 if i % 3 else 1,
                        qualified_on=dt.date(2015, 6, 30) + dt.timedelta(days=i % 2000),
                        last_student_on=since,
                        last_cpd_on=since + dt.timedelta(days=rng.randint(-200, 200)),
                    ),
                )
            )
    PracticeEducator.objects.bulk_create([e for _, e in people], batch_size=5000)
    by_partnership: dict[int, list[PracticeEducator]] = {}
    for p, educator in people:
        by_partnership.setdefault(p.pk, []).append(educator)
    return by_partnership


def _plan_year(partnership, year, current, count, employers, programmes, educators, rng, offers, students, plan):
    """Offers of three places each until `count` places are filled; about one place in ten is
    left unfilled, as in real years."""
    start = year.starts_on.year
    people = educators.get(partnership.pk) or [None]
    filled = k = 0
    while filled < count:
        stage = ["final", "first", "either"][k % 3]
        employer = employers[partnership.pk][k % len(employers[partnership.pk])]
        first_block = stage == "first"
        starts_on = dt.date(start, 10, 5) if first_block else dt.date(start + 1, 1, 11)
        ends_on = dt.date(start + 1, 1, 22) if first_block else dt.date(start + 1, 6, 4)
        offer = PlacementOffer(
            partnership=partnership,
            employer=employer,
            academic_year=year,
            team=f"Team {k:04d}",
            service_area=AREAS[k % len(AREAS)],
            statutory=k % 4 != 3,
            stage=stage,
            places=3,
            practice_educator=people[k % len(people)],
            starts_on=starts_on,
            ends_on=ends_on,
        )
        offers.append(offer)
        for place in range(3):
            if filled >= count or rng.random() < 0.1:
                continue  # an unfilled place
            filled += 1
            programme = programmes[partnership.pk][(k + place) % len(programmes[partnership.pk])]
            student = Student(
                partnership=partnership,
                reference=f"SC{partnership.pk}-{year.label[:4]}-{k:04d}-{place}",
                university_id=programme.university_id,
                programme=programme,
                final_year=year,
            )
            students.append(student)
            if current:
                status = "in-progress" if first_block else rng.choice(["confirmed", "confirmed", "proposed"])
            else:
                status = "ended-early" if rng.random() < 0.05 else "completed"
            plan.append((offer, student, "first" if first_block else "final", status, starts_on, ends_on))
        k += 1
