"""The pages that show the figures cost the same number of queries with few rows and with many
(django_assert_max_num_queries, the same bound before and after the data grows)."""

from __future__ import annotations

import datetime as dt

import pytest

from placements.models import SkillsDays
from placements.registrations import attention
from tests import factories as f
from tests.placements.factories import (
    DemandFactory,
    EducatorFactory,
    OfferFactory,
    PlacementFactory,
    ReviewFactory,
    StudentFactory,
    placements_world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw(world):
    placements = placements_world(world)
    DemandFactory(programme=placements["programme"], academic_year=placements["year"])
    return placements


def _grow(world, pw, n=25):
    """Many more offers, students, placements (with reviews), skills days and educators."""
    for i in range(n):
        employer = f.OrganisationFactory()
        f.PartnerFactory(partnership=world.partnership, organisation=employer)
        offer = OfferFactory(partnership=world.partnership, employer=employer, academic_year=pw["year"], places=2)
        student = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
        placement = PlacementFactory(offer=offer, student=student, starts_on=dt.date(2026, 9, 7) + dt.timedelta(days=i))
        ReviewFactory(placement=placement, point="four-weeks", completed_on=placement.starts_on + dt.timedelta(days=30))
        SkillsDays.objects.create(student=student, days=10, completed_on=dt.date(2026, 10, 1))
        EducatorFactory(partnership=world.partnership, employer=employer)
        StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])


# The figures to report include placements falling short of days and checks expiring soon: one
# query each.
PAGES = {
    "sufficiency": ("/placements/sufficiency/?partnership=matrix-tp&year=2026/27", 17),
    "figures download": ("/placements/sufficiency/?partnership=matrix-tp&year=2026/27&table=figures&export=csv", 15),
    "quality": ("/placements/partnership/matrix-tp/quality/?year=2026/27", 20),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_figure_pages_stay_flat_as_rows_grow(world, pw, client_for, django_assert_max_num_queries, page):
    url, bound = PAGES[page]
    client = client_for("lead")
    with django_assert_max_num_queries(bound):
        assert client.get(url).status_code == 200
    _grow(world, pw)
    with django_assert_max_num_queries(bound):
        assert client.get(url).status_code == 200


def test_student_page_stays_flat_as_skills_days_grow(world, pw, client_for, django_assert_max_num_queries):
    client = client_for("lead")
    url = f"/placements/students/{pw['student'].pk}/"
    # 8: the pre-placement checks table is one more (the register joined to the student's records).
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
    for _ in range(20):
        SkillsDays.objects.create(student=pw["student"], days=1, completed_on=dt.date(2026, 10, 1))
    with django_assert_max_num_queries(8):
        assert "20 of 30 done" in client.get(url).content.decode()


def test_placement_page_stays_flat_as_reviews_grow(world, pw, client_for, django_assert_max_num_queries):
    client = client_for("lead")
    url = f"/placements/{pw['placement'].pk}/"
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200
    for role in ("student", "educator", "tutor", "supervisor"):
        ReviewFactory(placement=pw["placement"], point="four-weeks", role=role)
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200


def test_dashboard_items_stay_flat_as_rows_grow(world, pw, django_assert_max_num_queries):
    lead = world.user("lead")
    attention(lead)  # the per-request membership cache, as a page would have it
    # 9: placements falling short of days and checks expiring soon are one grouped query each.
    with django_assert_max_num_queries(9):
        attention(lead)
    _grow(world, pw)
    with django_assert_max_num_queries(9):
        attention(lead)
