"""The live metrics registered for health checks, the attention items and the partnership panel."""

import datetime as dt

import pytest

from placements.models import QualityReview
from placements.registrations import attention
from placements.selectors.quality import reviews_on_time
from portal import registry
from portal.registry import get_metric
from tests import factories as f
from tests.placements.factories import (
    AcademicYearFactory,
    EducatorFactory,
    OfferFactory,
    PlacementFactory,
    ReviewFactory,
    StudentFactory,
)

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def year():
    return AcademicYearFactory(label="2026/27")


def test_statutory_coverage(world, year):
    statutory = OfferFactory(partnership=world.partnership, employer=world.employer, academic_year=year, places=5)
    other = OfferFactory(
        partnership=world.partnership, employer=world.employer, academic_year=year, statutory=False, places=5
    )
    PlacementFactory.create_batch(3, offer=statutory, student__partnership=world.partnership)
    PlacementFactory(offer=statutory, status="proposed")
    PlacementFactory(offer=other)
    value = get_metric("placements.statutory_coverage").compute(world.partnership, academic_year="2026/27")
    assert value.value == 60.0
    assert value.display == "60% (3 of 5 students)"
    by_employer = get_metric("placements.statutory_coverage").compute(world.partnership, world.employer, "2026/27")
    assert by_employer.value == 60.0


def test_fill_rate(world, year):
    offer = OfferFactory(partnership=world.partnership, employer=world.employer, academic_year=year, places=4)
    PlacementFactory(offer=offer, status="confirmed")
    PlacementFactory(offer=offer, status="completed")
    PlacementFactory(offer=offer, status="proposed")
    PlacementFactory(offer=offer, status="ended-early", end_reason="other")
    value = get_metric("placements.fill_rate").compute(world.partnership, academic_year="2026/27")
    assert (value.value, value.display) == (50.0, "50% (2 of 4 places)")


def test_no_data_gives_no_value(world, year):
    value = get_metric("placements.fill_rate").compute(world.partnership, academic_year="2026/27")
    assert value.value is None and value.display == "No places recorded"


def test_educator_currency(world):
    today = dt.date.today()
    EducatorFactory(partnership=world.partnership, last_student_on=today, last_cpd_on=today)
    EducatorFactory(partnership=world.partnership, last_student_on=today - dt.timedelta(days=700), last_cpd_on=today)
    EducatorFactory(partnership=world.partnership, last_student_on=D(2019, 1, 1), last_cpd_on=today)
    EducatorFactory(partnership=world.other_partnership, last_student_on=D(2019, 1, 1))
    value = get_metric("placements.educator_currency").compute(world.partnership)
    # Lapsing within 90 days still counts as current.
    assert value.display == "67% (2 of 3 practice educators)"


def test_reviews_on_time(world, year):
    offer = OfferFactory(partnership=world.partnership, employer=world.employer, academic_year=year, places=3)
    # 11 Jan to 4 Jun 2027: four weeks due 8 Feb, midway 24 Mar, end 4 Jun.
    a = PlacementFactory(offer=offer, starts_on=D(2027, 1, 11), ends_on=D(2027, 6, 4))
    b = PlacementFactory(offer=offer, starts_on=D(2027, 1, 11), ends_on=D(2027, 6, 4))
    PlacementFactory(offer=offer, status="proposed", starts_on=D(2027, 1, 11), ends_on=D(2027, 6, 4))
    ReviewFactory(placement=a, point="four-weeks", completed_on=D(2027, 2, 15))  # 7 days late: on time
    ReviewFactory(placement=b, point="four-weeks", completed_on=D(2027, 2, 16))  # 8 days late: not
    ReviewFactory(placement=a, point="midway", completed_on=D(2027, 3, 20))
    assert reviews_on_time(world.partnership, year=year, today=D(2027, 4, 1)) == (2, 4)
    assert reviews_on_time(world.partnership, year=year, today=D(2027, 2, 1)) == (0, 0)
    assert QualityReview.objects.count() == 3
    assert get_metric("placements.reviews_on_time").compute(world.partnership, academic_year="2026/27").detail


def test_attention_items_for_coordinators(world):
    today = dt.date.today()
    year = AcademicYearFactory(
        label=f"{today.year if today.month >= 9 else today.year - 1}/"
        f"{(today.year + 1 if today.month >= 9 else today.year) % 100:02d}"
    )
    StudentFactory(partnership=world.partnership, final_year=year, programme__university=world.university)
    OfferFactory(partnership=world.partnership, employer=world.employer, academic_year=year, places=2)
    EducatorFactory(
        partnership=world.partnership,
        employer=world.employer,
        last_student_on=today - dt.timedelta(days=700),
        last_cpd_on=today,
    )
    lead_items = {i.kind: i.title for i in attention(world.user("lead"))}
    from placements.models import add_years

    educator_item = next(i for i in attention(world.user("lead")) if i.kind == "Practice educators")
    assert educator_item.due == add_years(today - dt.timedelta(days=700), 2)
    assert lead_items["Statutory placement"] == f"1 final-year student with no statutory placement confirmed in {year}"
    assert lead_items["Unfilled places"] == f"1 placement offer with unfilled places in {year}"
    assert lead_items["Practice educators"] == "1 practice educator lapsing within 90 days"
    # The employer's coordinator sees the partnership's students and their own offers and educators.
    OfferFactory(partnership=world.partnership, academic_year=year, places=1)  # another employer's
    coordinator_items = {i.kind: i.title for i in attention(world.user("coordinator"))}
    assert set(coordinator_items) == {
        "Students to place",
        "Statutory placement",
        "Unfilled places",
        "Practice educators",
    }
    assert coordinator_items["Unfilled places"].startswith("1 placement offer")
    assert not [i for i in attention(world.user("member")) if i.kind == "Unfilled places"]


def test_partnership_panel_shows_demand_offered_filled(world):
    today = dt.date.today()
    label = f"{today.year if today.month >= 9 else today.year - 1}"
    year = AcademicYearFactory(label=f"{label}/{(int(label) + 1) % 100:02d}")
    OfferFactory(partnership=world.partnership, employer=world.employer, academic_year=year, places=3)
    # Only our panel is computed: other apps' panels are their own tests' business.
    (panel,) = [p for p in registry._partnership_panels if p.key == "placements"]
    panels = {"placements": panel.context(world.user("member"), world.partnership)}
    report = panels["placements"]["report"]
    assert (report.total.needed, report.total.offered, report.total.filled) == (0, 3, 0)
    from django.template.loader import render_to_string

    html = render_to_string(
        "placements/_partnership_panel.html", {"panel": panels["placements"], "partnership": world.partnership}
    )
    assert "Places offered" in html and "No demand is recorded" in html


def test_metrics_are_registered():
    for key in [
        "placements.statutory_coverage",
        "placements.fill_rate",
        "placements.educator_currency",
        "placements.reviews_on_time",
    ]:
        assert get_metric(key).unit == "percent"
    assert f  # factories module used by fixtures


def test_attention_costs_the_same_for_many_partnerships(world, django_assert_max_num_queries):
    today = dt.date.today()
    first = today.year if today.month >= 9 else today.year - 1
    year = AcademicYearFactory(label=f"{first}/{(first + 1) % 100:02d}")
    lead = world.user("lead")

    def add_partnership():
        partnership = f.PartnershipFactory()
        f.MembershipFactory(user=lead, partnership=partnership, role="lead")
        employer = f.OrganisationFactory()
        f.PartnerFactory(partnership=partnership, organisation=employer)
        offers = OfferFactory.create_batch(2, partnership=partnership, employer=employer, academic_year=year, places=2)
        StudentFactory(partnership=partnership, final_year=year)
        EducatorFactory(partnership=partnership, last_student_on=today - dt.timedelta(days=700), last_cpd_on=today)
        # Started 40 days ago with no review: the four-week review is overdue.
        PlacementFactory(
            offer=offers[0], starts_on=today - dt.timedelta(days=40), ends_on=today + dt.timedelta(days=60)
        )

    add_partnership()
    with django_assert_max_num_queries(10):
        attention(lead)
    for _ in range(4):
        add_partnership()
    from partnerships.access import forget_memberships

    forget_memberships(lead)
    with django_assert_max_num_queries(10):
        items = attention(lead)
    titles = [i.title for i in items]
    assert titles.count("2 placement offers with unfilled places in " + year.label) == 5
    assert titles.count("1 practice educator lapsing within 90 days") == 5
    assert titles.count("1 quality review overdue") == 5
    assert titles.count(f"1 registered student with no placement arranged in {year.label}") == 5


def test_placements_contributes_to_the_dashboard():
    assert attention in registry._attention


def test_a_year_that_is_not_recorded_says_so(world, year):
    value = get_metric("placements.fill_rate").compute(world.partnership, academic_year="2031/32")
    assert (value.value, value.display) == (None, "No placement data for 2031/32")
