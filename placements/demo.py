"""Demo placement data for `manage.py seed_demo`: four academic years of programmes, demand,
offers, students with first and final placements, practice educators, setting audits and
quality reviews for each demo partnership (looked up by the slugs in the demo contract; a
missing one is skipped quietly).

The story's years are 2024/25 to 2027/28, written around its anchor day, 23 November 2026:
2024/25 and 2025/26 are history, 2026/27 is the current year and 2027/28 has offers and demand
only. portal.demo_clock moves the years so that the story's 2026/27 is the academic year the
demo is built in, and each placement's status (completed, under way, ahead) and its returned
reviews are judged on the real today: built in November, first placements are under way and
final placements start in January; built in July, the current year's placements are finished.

Idempotent: everything is keyed on natural keys and every random choice comes from a generator
seeded by that key (with the story's year label, so the numbers are the same in any year), so
running it twice changes nothing."""

from __future__ import annotations

import datetime as dt
import random

from partnerships.models import EMPLOYER_KINDS, Organisation, Partnership
from placements.models import (
    CheckRequirement,
    EmployerCommitment,
    Placement,
    PlacementOffer,
    PlacementPolicy,
    PracticeEducator,
    Programme,
    ProgrammeDemand,
    QualityReview,
    SettingAudit,
    SkillsDays,
    Student,
    StudentCheck,
)
from placements.rules import add_months, check_expiry
from placements.selectors.figures import days_expected_by
from placements.services.planning import ensure_academic_year
from portal import demo_clock

# The story's years, oldest first; `_year_labels()` moves them to the demo's calendar.
YEARS = ["2024/25", "2025/26", "2026/27", "2027/28"]
# Practice educators' last student and last CPD, as of the anchor day, for the current, the
# lapsing and the lapsed educator of each employer. They keep their distance from today
# (demo_clock.keep_distance), so the register has the same mix whenever the demo is built.
EDUCATOR_LAST_STUDENT = [dt.date(2026, 6, 4), dt.date(2025, 1, 20), dt.date(2025, 6, 6)]
EDUCATOR_LAST_CPD = [dt.date(2026, 3, 10), dt.date(2026, 4, 2), dt.date(2025, 9, 15)]
# The contract's slugs, used when partnerships.demo is not importable (it defines the same list).
CONTRACT_SLUGS = ["west-london-alliance", "salford-greater-manchester", "leeds-wakefield", "neswa", "cumbria"]

# Invented names only.
FIRST = "Amira Bryn Cerys Dev Elin Farid Gwen Hollis Ines Jory Kemi Lorcan Maren Nico Orla Pax Quilla Rafe Suvi Tobin"
LAST = "Ashdown Brackwell Corrin Dunmore Eddery Fenwick Galloway Hartwell Ivers Jessop Kilbride Loxley Merriott Northam"
TEAMS = [
    ("Children's Assessment Team", "children", True),
    ("Child Protection Team", "children", True),
    ("Adults Hospital Discharge", "adults", True),
    ("Community Mental Health Team", "mental-health", True),
    ("Early Help Hub", "children", False),
    ("Carers' Support Service", "adults", False),
]


def _rng(*key) -> random.Random:
    return random.Random("-".join(str(k) for k in key))  # noqa: S311 - demo data, not security


def _demo_slugs() -> list[str]:
    try:
        from partnerships.demo import DEMO_PARTNERSHIP_SLUGS
    except ImportError:
        return CONTRACT_SLUGS
    return list(DEMO_PARTNERSHIP_SLUGS)


def _year_labels() -> list[str]:
    return [demo_clock.shift_year_label(label) for label in YEARS]


def _story_label(label: str) -> str:
    """The story's label of a moved year: random choices are keyed on it, so they do not change
    with the year the demo is built in."""
    return demo_clock.shift_year_label(label, -demo_clock.years_moved())


def seed(stdout) -> None:
    years = [ensure_academic_year(label) for label in _year_labels()]
    by_slug = {p.slug: p for p in Partnership.objects.filter(slug__in=_demo_slugs())}
    seeded = [slug for slug in _demo_slugs() if slug in by_slug and _seed_partnership(by_slug[slug], years)]
    if seeded:
        stdout.write(f"placements: demo data for {', '.join(seeded)}")
    else:
        stdout.write("placements: no demo partnerships with employers and universities yet; only academic years added")


def _seed_partnership(partnership, years) -> bool:
    employers = list(
        Organisation.objects.filter(partner_roles__partnership=partnership, kind__in=EMPLOYER_KINDS)
        .distinct()
        .order_by("name")[:6]
    )
    universities = list(
        Organisation.objects.filter(partner_roles__partnership=partnership, kind="university")
        .distinct()
        .order_by("name")[:3]
    )
    if not employers or not universities:
        return False
    PlacementPolicy.objects.get_or_create(partnership=partnership)
    programmes = []
    for university in universities:
        for name, level in [("BA (Hons) Social Work", "ba"), ("MA Social Work", "ma")]:
            programme, _ = Programme.objects.get_or_create(
                partnership=partnership, university=university, name=name, defaults={"level": level}
            )
            programmes.append(programme)
    current_educators = _educators(partnership, employers)
    for y, year in enumerate(years):
        for programme in programmes:
            rng = _rng(partnership.slug, programme.pk, _story_label(year.label))
            ProgrammeDemand.objects.get_or_create(
                programme=programme,
                academic_year=year,
                defaults={"first_placements": rng.randint(4, 9), "final_placements": rng.randint(4, 8)},
            )
        for i, employer in enumerate(employers):
            _offers(partnership, year, y, i, employer, current_educators)
    for y in range(3):  # next year (the story's 2027/28) has offers and demand only: nothing is placed yet
        _students_and_placements(partnership, years, y, programmes)
    _skills_days(partnership, years[2])
    _checks(partnership)
    return True


# The standard pre-placement checks: (name, lasts for months or None, required for every placement).
CHECKS = [
    ("Enhanced DBS check", 36, True),
    ("Occupational health clearance", None, True),
    ("Signed learning agreement", 12, True),
]


def _checks(partnership) -> None:
    """The partnership's standard checks and, for students still on their programme, a record
    of each: most done, a few DBS checks running out within the next weeks (so the dashboard has
    checks expiring soon on any day the demo is built) and a few learning agreements not signed
    yet. Dated on or before today, on the demo's calendar."""
    today = demo_clock.demo_today()
    requirements = []
    for name, months, required in CHECKS:
        requirement, _ = CheckRequirement.objects.get_or_create(
            partnership=partnership, name=name, defaults={"valid_for_months": months, "required": required}
        )
        requirements.append(requirement)
    students = Student.objects.filter(
        partnership=partnership, purged_on__isnull=True, final_year__ends_on__gte=today
    ).select_related("final_year")
    for k, student in enumerate(students.order_by("reference")):
        rng = _rng(partnership.slug, _story_label(student.final_year.label), student.reference, "checks")
        expiring = k % 12 == 3  # one student in twelve
        for requirement in requirements:
            if requirement.name == "Signed learning agreement" and rng.random() < 0.1:
                continue  # not signed yet: missing
            if expiring and requirement.valid_for_months == 36:
                # Done three years ago, give or take: it runs out 7 to 25 days from today.
                done_on = add_months(today, -36) + dt.timedelta(days=rng.randint(7, 25))
            elif requirement.valid_for_months == 12:
                done_on = today - dt.timedelta(days=rng.randint(20, 200))
            else:
                done_on = min(student.final_year.starts_on - dt.timedelta(days=rng.randint(300, 400)), today)
            StudentCheck.objects.get_or_create(
                student=student,
                requirement=requirement,
                defaults={"done_on": done_on, "expires_on": check_expiry(done_on, requirement.valid_for_months)},
            )


def _skills_days(partnership, current) -> None:
    """Skills days per student: all done by students whose final year is over, most of them by
    this year's final-year students (a few short, so the figure has something to show), a block
    or none yet by those with a year to go. Dated on or before today, on the demo's calendar."""
    today = demo_clock.demo_today()
    for student in Student.objects.filter(partnership=partnership).select_related("final_year", "programme"):
        if SkillsDays.objects.filter(student=student).exists():
            continue
        rng = _rng(partnership.slug, _story_label(student.final_year.label), student.reference, "skills")
        required = student.programme.skills_days
        if student.final_year.starts_on < current.starts_on:
            blocks = [required // 2, required - required // 2]
        elif student.final_year.pk == current.pk:
            blocks = [required // 2, required - required // 2 - (rng.choice([0, 0, 0, 5, 10]))]
        else:
            blocks = [rng.choice([0, 10, 15])]
        first_day = student.final_year.starts_on - dt.timedelta(days=300)
        for k, days in enumerate(b for b in blocks if b > 0):
            SkillsDays.objects.create(
                student=student,
                days=days,
                completed_on=min(first_day + dt.timedelta(days=120 * k), today),
                description=["Readiness for practice workshops", "Skills days: communication and law"][k % 2],
            )


def _educators(partnership, employers) -> dict[int, PracticeEducator]:
    """Three per employer: one current, one lapsing soon (no student for almost two years) and one
    lapsed (no CPD for over a year). Offers name only the current ones."""
    current = {}
    first_names, last_names = FIRST.split(), LAST.split()
    for i, employer in enumerate(employers):
        for j in range(3):
            educator, _ = PracticeEducator.objects.get_or_create(
                partnership=partnership,
                email=f"pe.{partnership.slug}.{i}.{j}@example.org",
                defaults={
                    "full_name": f"{first_names[(i * 3 + j) % len(first_names)]} {last_names[(i * 5 + j) % len(last_names)]}",
                    "employer": employer,
                    "peps_stage": 2 if j < 2 else 1,
                    "qualified_on": dt.date(2018 + j, 7, 1),
                    # Spread over a few weeks per employer so the register does not look copied.
                    "last_student_on": demo_clock.keep_distance(EDUCATOR_LAST_STUDENT[j]) - dt.timedelta(days=9 * i),
                    "last_cpd_on": demo_clock.keep_distance(EDUCATOR_LAST_CPD[j]) - dt.timedelta(days=11 * i),
                    "max_students": 2 if j == 0 else 1,
                },
            )
            if j == 0:
                current[employer.pk] = educator
    return current


def _offers(partnership, year, y, i, employer, educators) -> None:
    start = year.starts_on.year
    EmployerCommitment.objects.get_or_create(
        partnership=partnership, employer=employer, academic_year=year, defaults={"places": 6 + i % 3}
    )
    for t, (team, area, statutory) in enumerate(TEAMS[: 3 + (i % 3)]):
        stage = ["final", "first", "either"][t % 3]
        first_block = stage == "first"
        offer, created = PlacementOffer.objects.get_or_create(
            partnership=partnership,
            employer=employer,
            academic_year=year,
            team=team,
            stage=stage,
            defaults={
                "service_area": area,
                "statutory": statutory,
                "places": _rng(partnership.slug, employer.pk, _story_label(year.label), team).randint(1, 3),
                "practice_educator": educators.get(employer.pk),
                "starts_on": dt.date(start, 10, 5) if first_block else dt.date(start + 1, 1, 11),
                "ends_on": dt.date(start + 1, 1, 22) if first_block else dt.date(start + 1, 6, 4),
                "onsite_supervisor": "Team manager",
            },
        )
        if created and y < 3:
            SettingAudit.objects.create(
                offer=offer,
                induction_planned=True,
                educator_identified=True,
                supervision_arranged=True,
                workspace_ready=y < 2 or t % 2 == 0,
                learning_opportunities_mapped=True,
                policies_shared=True,
                completed_on=dt.date(start, 9, 20) if y < 2 else None,
                shared_with_hei_on=dt.date(start, 9, 25) if y < 2 else None,
            )


def _status(placement_start: dt.date, placement_end: dt.date, rng: random.Random) -> tuple[str, str]:
    today = demo_clock.demo_today()
    if placement_end < today:
        if rng.random() < 0.08:
            return "ended-early", rng.choice(["student-health", "setting", "relationship", "student-withdrew"])
        return "completed", ""
    if placement_start <= today:
        return "in-progress", ""
    return rng.choice(["confirmed", "confirmed", "proposed"]), ""


def _students_and_placements(partnership, years, y, programmes) -> None:
    """Fill most places in years[y]. Final places go first to students who had their first
    placement the year before (so students carry a history), then to new final-year students;
    first places go to students whose final placement is the year after. A few students in the
    current year are left without a placement, so the flags and attention items have something to
    show."""
    year = years[y]
    next_year = years[y + 1]
    prefix = partnership.slug[:3].upper()
    offers = list(PlacementOffer.objects.filter(partnership=partnership, academic_year=year).order_by("id"))
    returning = list(
        Student.objects.filter(partnership=partnership, final_year=year, placements__stage="first")
        .distinct()
        .order_by("reference")
    )
    n = 0
    for offer in offers:
        for place in range(offer.places):
            rng = _rng(partnership.slug, offer.pk, place)
            if rng.random() < 0.15:
                continue  # leave some places unfilled
            stage = "first" if offer.stage == "first" else "final"
            if stage == "final" and returning:
                student = returning.pop(0)
            else:
                n += 1
                # Mostly one university per team, now and then a second one: the overlapping
                # blocks flag then has a few teams to show rather than every one.
                home = _rng(partnership.slug, offer.pk).randrange(len(programmes))
                programme = programmes[(home + (1 if rng.random() < 0.1 else 0)) % len(programmes)]
                final_year = year if stage == "final" else next_year
                student, _ = Student.objects.get_or_create(
                    partnership=partnership,
                    reference=f"{prefix}{year.label[:4]}{n:04d}",
                    defaults={
                        "university": programme.university,
                        "programme": programme,
                        "cohort": f"September {final_year.starts_on.year - 2} intake",
                        "final_year": final_year,
                    },
                )
            _place(partnership, year, offer, student, stage, rng)
    if y == 2:
        for k in range(1, 4):
            programme = programmes[k % len(programmes)]
            Student.objects.get_or_create(
                partnership=partnership,
                reference=f"{prefix}{year.label[:4]}W{k:03d}",
                defaults={
                    "university": programme.university,
                    "programme": programme,
                    "cohort": f"September {year.starts_on.year - 2} intake",
                    "final_year": year,
                },
            )


def _days_done(partnership, offer, student, status: str, planned: int) -> int:
    """Days done: all of them once completed, 30 for one that ended early, and for one under way
    about what is due by today, a day or three behind, and now and then well behind (so the
    at-risk flag has something to show). Its own generator, so the other choices stay the same."""
    if status == "completed":
        return planned
    if status == "ended-early":
        return 30
    if status != "in-progress":
        return 0
    rng = _rng(partnership.slug, offer.pk, student.reference, "days")
    due = days_expected_by(offer.starts_on, offer.ends_on, planned, demo_clock.demo_today())
    return max(0, due - rng.choice([0, 0, 1, 2, 3, 3, 4, 12]))


def _place(partnership, year, offer, student, stage, rng) -> None:
    if Placement.objects.filter(student=student, offer=offer).exists():
        return
    status, end_reason = _status(offer.starts_on, offer.ends_on, rng)
    days = 100 if stage == "final" else 70
    ends_on = offer.ends_on
    planned_ends_on = None
    if status == "ended-early":
        # It ran for 46 days, long ago enough that its last day is before today; the review
        # points keep the dates it was planned with (placements.rules.review_schedule).
        ends_on, planned_ends_on = offer.starts_on + dt.timedelta(days=45), offer.ends_on
    placement = Placement.objects.create(
        partnership=partnership,
        academic_year=year,
        student=student,
        offer=offer,
        stage=stage,
        starts_on=offer.starts_on,
        ends_on=ends_on,
        planned_ends_on=planned_ends_on,
        planned_days=days,
        completed_days=_days_done(partnership, offer, student, status, days),
        status=status,
        end_reason=end_reason,
    )
    if status not in ("completed", "ended-early", "in-progress"):
        return
    today = demo_clock.demo_today()
    for point, due_on in placement.review_due_dates().items():
        if due_on > today:
            continue
        for role in ("student", "educator"):
            if rng.random() < 0.1:
                continue  # a review never returned: overdue
            QualityReview.objects.create(
                placement=placement,
                point=point,
                role=role,
                learning_opportunities=rng.choice(["very-good", "good", "good", "adequate"]),
                # Most students rate their support good or very good (96% in one partnership's survey).
                support=rng.choice(["very-good"] * 5 + ["good"] * 4 + ["adequate"]),
                performance=rng.choice(["on-track", "exceeding", "on-track", "concerns"]),
                # Returned a few days after it was due, but never after today.
                completed_on=min(due_on + dt.timedelta(days=rng.choice([0, 2, 5, 12])), today),
            )
