"""Every placements figure, read off every surface that shows it, agrees with itself.

For the demo data (placements.demo on partnerships shaped like the demo's) and for generated data
(random offers, students, placements in every state, reviews and skills days), each figure is
read as a user meets it: the sufficiency page's "Figures to report" table and its stage table,
the quality page, the placement pages' review tags, the partnership page's Placements tab, the
dashboard's "Needs your attention" items, the CSV and Excel downloads and the live metrics health
checks use. Then they must all say the same."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from partnerships.models import Role
from placements import demo
from placements.models import (
    AcademicYear,
    Placement,
    PlacementStatus,
    QualityReview,
    SkillsDays,
    Student,
)
from placements.registrations import attention
from placements.rules import review_schedule
from placements.selectors.years import current_year
from portal import registry
from portal.registry import get_metric
from tests import factories as f
from tests.placements.factories import (
    AcademicYearFactory,
    DemandFactory,
    EducatorFactory,
    OfferFactory,
    ProgrammeFactory,
    StudentFactory,
)

pytestmark = pytest.mark.django_db

FIGURE_ROW = re.compile(
    r'<tr class="govuk-table__row" data-figure="(?P<key>[a-z_]+)">\s*<th[^>]*>[^<]*</th>\s*<td[^>]*>(?P<value>[^<]*)</td>'
)


def _demo_partnership(slug: str):
    partnership = f.PartnershipFactory(slug=slug, name=slug.replace("-", " ").title())
    for name in ["Council A", "Council B", "Council C"]:
        f.PartnerFactory(partnership=partnership, organisation=f.OrganisationFactory(name=f"{name} {slug}"))
    for name in ["University A", "University B"]:
        f.PartnerFactory(partnership=partnership, organisation=f.UniversityFactory(name=f"{name} {slug}"))
    return partnership


def _lead_client(partnership):
    from django.test import Client

    lead = f.UserFactory()
    f.MembershipFactory(user=lead, partnership=partnership, role=Role.LEAD)
    client = Client()
    client.force_login(lead)
    return lead, client


def _figure_table(html: str) -> dict[str, str]:
    return {m["key"]: unescape(m["value"]).strip() for m in FIGURE_ROW.finditer(html)}


def _rows(response, fmt: str) -> list[list[str]]:
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    return [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]


def _count_in(titles: list[str], pattern: str) -> int:
    """The number an attention item starts with, 0 when there is no such item."""
    for title in titles:
        if re.search(pattern, title):
            return int(title.split()[0])
    return 0


def surfaces(partnership, year):
    """{figure key: {surface: value as shown}} for every figure and every surface showing it."""
    lead, client = _lead_client(partnership)
    query = f"partnership={partnership.slug}&year={year.label}"
    seen: dict[str, dict[str, str]] = {}

    def saw(key: str, surface: str, value) -> None:
        seen.setdefault(key, {})[surface] = str(value)

    # The sufficiency page: its table of figures, its stage table and its sentences.
    html = client.get(f"/placements/sufficiency/?{query}").content.decode()
    for key, value in _figure_table(html).items():
        saw(key, "sufficiency page", value)
    match = re.search(r"(\d+) registered students? needs? a first or final placement", html)
    saw("students_unplaced", "sufficiency page warning", match[1] if match else 0)
    match = re.search(r"(\d+) students? with a final placement in \S+ ha(?:s|ve) no statutory", html)
    saw("students_without_statutory", "sufficiency page warning", match[1] if match else 0)
    match = re.search(r"Statutory coverage: (.*?) whose final placement", html)
    saw("statutory_coverage", "sufficiency page sentence", unescape(match[1]) if match else "")
    # The downloads: every figure, and the stage table's total and statutory lines.
    for fmt in ("csv", "xlsx"):
        rows = _rows(client.get(f"/placements/sufficiency/?{query}&table=figures&export={fmt}"), fmt)
        assert rows[0][:3] == ["Figure", "Value", "As shown"]
        names = {d.name: key for key, d in _definitions().items()}
        for row in rows[1:]:
            saw(names[row[0]], f"figures {fmt}", row[2])
        stages = {row[0]: row for row in _rows(client.get(f"/placements/sufficiency/?{query}&export={fmt}"), fmt)}
        total, statutory = stages["Places in total"], stages["Statutory places"]
        saw("places_needed", f"stages {fmt}", total[1])
        saw("places_offered", f"stages {fmt}", total[2])
        saw("places_filled", f"stages {fmt}", total[3])
        saw("places_still_to_fill", f"stages {fmt}", total[5])
        saw("statutory_still_to_fill", f"stages {fmt}", statutory[5])
    # The quality page and the placement pages' review tags.
    html = client.get(f"/placements/partnership/{partnership.slug}/quality/?year={year.label}").content.decode()
    for key, value in _figure_table(html).items():
        saw(key, "quality page", value)
    match = re.search(r"(\d+) reviews? more than a week past", html)
    saw("reviews_overdue", "quality page warning", match[1] if match else 0)
    tags = 0
    for pk in Placement.objects.filter(partnership=partnership, academic_year=year).values_list("pk", flat=True):
        tags += client.get(f"/placements/{pk}/").content.decode().count('govuk-tag--red">Overdue<')
    saw("reviews_overdue", "placement pages", tags)
    # The lists behind the at-risk flags and the checks page.
    html = client.get(f"/placements/?{query}&risk=falling-short").content.decode()
    match = re.search(r"([\d,]+) placements?\.", html)
    saw("placements_falling_short", "placements list filter", match[1] if match else 0)
    html = client.get(f"/placements/students/?{query}&flag=skills-behind").content.decode()
    match = re.search(r"([\d,]+) students? in their final placement year", html)
    saw("skills_days_behind", "students list filter", match[1] if match else 0)
    html = client.get(f"/placements/partnership/{partnership.slug}/checks/").content.decode()
    match = re.search(r"(\d+) checks? expiring\.", html)
    saw("checks_expiring", "checks page", match[1] if match else 0)
    # The partnership page's Placements tab (when the year is the current one).
    if current_year() == year:
        (panel,) = [p for p in registry._partnership_panels if p.key == "placements"]
        report = panel.context(lead, partnership)["report"]
        saw("places_needed", "partnership tab", report.total.needed)
        saw("places_offered", "partnership tab", report.total.offered)
        saw("places_filled", "partnership tab", report.total.filled)
        saw("places_still_to_fill", "partnership tab", report.total.still_to_fill)
        # The dashboard's attention items.
        titles = [item.title for item in attention(lead)]
        saw("students_unplaced", "dashboard", _count_in(titles, r"registered students? with no placement arranged"))
        saw("students_without_statutory", "dashboard", _count_in(titles, r"with no statutory placement confirmed"))
        saw("reviews_overdue", "dashboard", _count_in(titles, r"quality reviews? overdue"))
        saw("placements_falling_short", "dashboard", _count_in(titles, r"at risk of falling short"))
        saw("checks_expiring", "dashboard", _count_in(titles, r"pre-placement checks? expiring"))
    # The live metrics.
    for key, metric in [
        ("statutory_coverage", "placements.statutory_coverage"),
        ("fill_rate", "placements.fill_rate"),
        ("educators_current", "placements.educator_currency"),
    ]:
        saw(key, "metric", get_metric(metric).compute(partnership, academic_year=year.label).display)
    value = get_metric("placements.reviews_on_time").compute(partnership, academic_year=year.label)
    saw("reviews_on_time", "metric", _on_time_words(seen["reviews_on_time"]["sufficiency page"], value.display))
    return seen


def _on_time_words(page: str, metric: str) -> str:
    """The metric says "80% (8 of 10 reviews due)"; the page "8 of 10": the same when the counts are."""
    match = re.search(r"\((\d+) of (\d+) reviews due\)", metric)
    if match:
        return f"{match[1]} of {match[2]}"
    return "0 of 0" if metric.startswith("No ") else metric


def _definitions():
    from placements.selectors.figures import DEFINITIONS

    return DEFINITIONS


def assert_agree(seen: dict[str, dict[str, str]]) -> None:
    assert set(seen) == set(_definitions()), "every figure is shown somewhere"
    for key, by_surface in seen.items():
        values = {value for value in by_surface.values()}
        assert len(values) == 1, f"{key} differs between surfaces: {by_surface}"


# --- The demo data --------------------------------------------------------------------------------


def test_on_the_demo_data_every_surface_agrees_on_every_figure():
    west = _demo_partnership("west-london-alliance")
    _demo_partnership("cumbria")
    demo.seed(io.StringIO())
    year = current_year()
    seen = surfaces(west, year)
    assert_agree(seen)
    # The two "still to place" figures of issue 9 are different figures with different names.
    assert {"places_still_to_fill", "students_unplaced"} <= set(seen)
    assert len(seen["places_offered"]) >= 6 and len(seen["reviews_overdue"]) >= 4


def test_on_the_demo_data_last_years_figures_agree_too():
    west = _demo_partnership("west-london-alliance")
    demo.seed(io.StringIO())
    last = AcademicYear.objects.filter(starts_on__lt=current_year().starts_on).order_by("-starts_on").first()
    assert_agree(surfaces(west, last))


@pytest.mark.parametrize("day", [None, dt.date(2028, 3, 2), dt.date(2029, 7, 15), dt.date(2031, 10, 1)])
def test_the_demo_data_keeps_the_new_rules_on_any_day(day, frozen_clock):
    if day is not None:
        frozen_clock.move_to(dt.datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo("Europe/London")))
    west = _demo_partnership("west-london-alliance")
    demo.seed(io.StringIO())
    seen = surfaces(west, current_year())
    assert_agree(seen)
    # On any day some checks run out within 30 days (the demo dates them from today).
    assert int(seen["checks_expiring"]["checks page"]) > 0
    today = dt.date.today()
    for placement in Placement.objects.select_related("student__programme"):
        required = (
            placement.student.programme.final_placement_days
            if placement.stage == "final"
            else placement.student.programme.first_placement_days
        )
        assert placement.planned_days == required or placement.days_reason
        if placement.status == PlacementStatus.IN_PROGRESS:
            assert placement.starts_on <= today
        if placement.status == PlacementStatus.ENDED_EARLY:
            assert placement.starts_on <= placement.ends_on <= today
            assert placement.planned_ends_on and placement.planned_ends_on >= placement.ends_on
        schedule = list(placement.review_due_dates().values())
        assert schedule == sorted(schedule) and all(d >= placement.starts_on for d in schedule)
        reviews = {r.point: r.completed_on for r in placement.reviews.all()}
        dates = [reviews[p] for p in ("four-weeks", "midway", "end") if p in reviews]
        assert dates == sorted(dates) and all(placement.starts_on <= d <= today for d in dates)
    for student in Student.objects.select_related("programme"):
        assert sum(s.days for s in SkillsDays.objects.filter(student=student)) <= student.programme.skills_days


# --- Generated data ---------------------------------------------------------------------------------


def _generated(seed):
    """A partnership with random demand, offers, students, placements in every state, reviews
    (some late, some missing), an early ending and skills days, all things that can be true."""
    rng = random.Random(seed)
    partnership = f.PartnershipFactory(slug=f"generated-{seed}", name=f"Generated {seed}")
    year = current_year() or AcademicYearFactory(label="2026/27")
    next_year = AcademicYearFactory(label="2027/28")
    employers = [f.OrganisationFactory(name=f"Council {seed}-{i}") for i in range(2)]
    university = f.UniversityFactory(name=f"University {seed}")
    for org in [*employers, university]:
        f.PartnerFactory(partnership=partnership, organisation=org)
    programme = ProgrammeFactory(partnership=partnership, university=university)
    DemandFactory(
        programme=programme, academic_year=year, first_placements=rng.randint(0, 8), final_placements=rng.randint(0, 8)
    )
    for employer in employers:
        EducatorFactory(partnership=partnership, employer=employer)
    today = dt.date.today()
    offers = []
    for i in range(rng.randint(1, 4)):
        stage = rng.choice(["first", "final", "either"])
        starts = year.starts_on + dt.timedelta(days=rng.randint(0, 120))
        offers.append(
            OfferFactory(
                partnership=partnership,
                employer=rng.choice(employers),
                academic_year=year,
                stage=stage,
                statutory=rng.random() < 0.6,
                places=rng.randint(1, 3),
                starts_on=starts,
                ends_on=starts + dt.timedelta(days=rng.randint(60, 150)),
            )
        )
    for n in range(rng.randint(2, 10)):
        student = StudentFactory(
            partnership=partnership,
            programme=programme,
            final_year=rng.choice([year, year, next_year]),
            reference=f"G{seed}-{n}",
        )
        if rng.random() < 0.5:
            SkillsDays.objects.create(student=student, days=rng.choice([10, 30]), completed_on=year.starts_on)
        offer = rng.choice(offers)
        if (
            rng.random() < 0.25
            or offer.placements.filter(status__in=["proposed", "confirmed", "in-progress"]).count() >= offer.places
        ):
            continue
        status = _possible_status(offer, today, rng)
        ends_on, planned = offer.ends_on, None
        if status == PlacementStatus.ENDED_EARLY:
            last = min(today, offer.ends_on)
            ends_on = offer.starts_on + dt.timedelta(days=rng.randint(0, max(0, (last - offer.starts_on).days)))
            planned = offer.ends_on
        placement = Placement.objects.create(
            partnership=partnership,
            academic_year=year,
            student=student,
            offer=offer,
            stage="first" if offer.stage == "first" else "final",
            starts_on=offer.starts_on,
            ends_on=ends_on,
            planned_ends_on=planned,
            planned_days=70 if offer.stage == "first" else 100,
            completed_days=0,
            status=status,
            end_reason="other" if status == PlacementStatus.ENDED_EARLY else "",
        )
        for point, due_on in placement.review_due_dates().items():
            if due_on <= today and rng.random() < 0.7:
                QualityReview.objects.create(
                    placement=placement,
                    point=point,
                    role="student",
                    learning_opportunities="good",
                    support="good",
                    performance="on-track",
                    completed_on=min(due_on + dt.timedelta(days=rng.choice([0, 3, 10])), today),
                )
    return partnership, year


def _possible_status(offer, today: dt.date, rng: random.Random) -> str:
    if offer.ends_on < today:
        return rng.choice([PlacementStatus.COMPLETED, PlacementStatus.ENDED_EARLY])
    if offer.starts_on <= today:
        return rng.choice([PlacementStatus.IN_PROGRESS, PlacementStatus.ENDED_EARLY])
    return rng.choice([PlacementStatus.PROPOSED, PlacementStatus.CONFIRMED])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_on_generated_data_every_surface_agrees_on_every_figure(seed, frozen_clock):
    # Far enough into the year that placements are under way, finished and ended early.
    frozen_clock.move_to(dt.datetime(2027, 3, 1, 10, tzinfo=ZoneInfo("Europe/London")))
    AcademicYearFactory(label="2026/27")
    partnership, year = _generated(seed)
    assert_agree(surfaces(partnership, year))


def test_review_schedules_of_generated_placements_are_in_order():
    partnership, _year = _generated(7)
    for placement in Placement.objects.filter(partnership=partnership):
        dates = list(
            review_schedule(
                placement.starts_on,
                placement.ends_on,
                planned_ends_on=placement.planned_ends_on,
                status=placement.status,
                completed_days=placement.completed_days,
            ).values()
        )
        assert dates == sorted(dates)


# --- The national-scale data (seed_scale) ---------------------------------------------------------


def test_on_seed_scale_data_every_surface_agrees_on_every_figure():
    from django.core.management import call_command

    from partnerships.models import Partnership

    call_command("seed_scale", scale=0.03, stdout=io.StringIO())
    year = current_year()
    partnership = Partnership.objects.filter(placements__academic_year=year).distinct().order_by("slug").first()
    assert partnership is not None, "the scale data has placements this year"
    seen = surfaces(partnership, year)
    assert_agree(seen)
    assert int(seen["places_offered"]["sufficiency page"].replace(",", "")) > 0
