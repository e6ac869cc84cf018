"""The place-the-student form lists only offers in the student's partnership with a place left
for the chosen stage and year (the capacity rule that refuses a full offer), labelled with the
team, employer, dates and places left, and narrowed by a search that works without JavaScript
(a GET query). Its queries stay the same as offers grow."""

import re

import pytest

from placements.models import Placement
from tests import factories as f
from tests.placements.factories import (
    AcademicYearFactory,
    OfferFactory,
    PlacementFactory,
    StudentFactory,
    placements_world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw(world):
    return placements_world(world)


def _options(html: str) -> list[str]:
    select = re.search(r'<select[^>]*name="offer".*?</select>', html, re.S)
    assert select, "no offer drop-down"
    return [re.sub(r"\s+", " ", text).strip() for text in re.findall(r"<option[^>]*>(.*?)</option>", select[0], re.S)]


def test_only_offers_with_room_for_the_stage_and_year_are_listed(world, pw, client_for):
    student = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
    year = pw["year"]
    roomy = OfferFactory(partnership=world.partnership, employer=world.employer, academic_year=year, team="Duty Team")
    full = OfferFactory(
        partnership=world.partnership, employer=world.employer, academic_year=year, team="Full Team", places=1
    )
    PlacementFactory(offer=full, status="proposed")  # a proposed placement holds the place
    freed = OfferFactory(
        partnership=world.partnership, employer=world.employer, academic_year=year, team="Freed Team", places=1
    )
    PlacementFactory(offer=freed, status="ended-early", end_reason="other")  # ended early: the place is free again
    OfferFactory(
        partnership=world.partnership,
        employer=world.employer,
        academic_year=AcademicYearFactory(label="2027/28"),
        team="Next Year Team",
    )
    OfferFactory(
        partnership=world.partnership, employer=world.employer, academic_year=year, team="First Team", stage="first"
    )
    either = OfferFactory(
        partnership=world.partnership, employer=world.employer, academic_year=year, team="Either Team", stage="either"
    )
    OfferFactory(partnership=f.PartnershipFactory(), academic_year=year, team="Elsewhere Team")

    html = client_for("lead").get(f"/placements/students/{student.pk}/place/").content.decode()
    options = _options(html)
    assert options[0] == "Choose an offer"
    teams = " | ".join(options)
    for absent in ("Full Team", "Next Year Team", "First Team", "Elsewhere Team"):
        assert absent not in teams
    assert (
        f"Duty Team, {world.employer.name} (final placement, 2026/27), statutory: 11 January 2027 to 4 June 2027 - "
        "2 of 2 places free"
    ) in options
    assert any(o.startswith("Freed Team") and o.endswith("1 of 1 places free") for o in options)
    assert any(o.startswith("Either Team") for o in options)
    assert "4 offers with a place left for a final placement in 2026/27." in html  # the world's own offer too
    # The first stage in the same year: the first-stage and either-stage offers.
    html = client_for("lead").get(f"/placements/students/{student.pk}/place/?stage=first&year=2026/27").content.decode()
    assert [o.split(",")[0] for o in _options(html)[1:]] == ["Either Team", "First Team"]
    assert roomy.pk and either.pk


def test_the_search_narrows_the_list_on_team_or_employer(world, pw, client_for):
    student = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
    OfferFactory(
        partnership=world.partnership, employer=world.employer, academic_year=pw["year"], team="Hospital Discharge"
    )
    html = client_for("lead").get(f"/placements/students/{student.pk}/place/?q=hospital").content.decode()
    assert [o.split(",")[0] for o in _options(html)[1:]] == ["Hospital Discharge"]
    assert "1 offer with a place left for a final placement in 2026/27 matching “hospital”." in html
    assert 'name="q" type="search" value="hospital"' in html
    html = client_for("lead").get(f"/placements/students/{student.pk}/place/?q=matrix").content.decode()
    assert len(_options(html)) == 3  # the employer's name matches both of its offers
    html = client_for("lead").get(f"/placements/students/{student.pk}/place/?q=nowhere").content.decode()
    assert "No offers have a place left for a final placement in 2026/27 matching “nowhere”: try fewer words." in html


def test_a_full_offer_posted_anyway_is_refused_and_nothing_is_saved(world, pw, client_for):
    student = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
    full = OfferFactory(partnership=world.partnership, employer=world.employer, academic_year=pw["year"], places=1)
    PlacementFactory(offer=full, status="confirmed")
    response = client_for("lead").post(
        f"/placements/students/{student.pk}/place/",
        {"offer": full.pk, "stage": "final", "planned_days": "100", "status": "proposed"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Placement.objects.filter(student=student).exists()


def test_placing_from_a_filtered_list_saves_the_chosen_stage(world, pw, client_for):
    student = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
    first = OfferFactory(
        partnership=world.partnership,
        employer=world.employer,
        academic_year=pw["year"],
        stage="first",
        team="Early Help",
    )
    url = f"/placements/students/{student.pk}/place/?year=2026/27&stage=first&q=early"
    html = client_for("lead").get(url).content.decode()
    assert 'name="stage" value="first"' in html
    assert 'name="planned_days" value="70"' in html  # the first stage's requirement
    response = client_for("lead").post(
        url,
        {
            "offer": first.pk,
            "stage": "first",
            "planned_days": "70",
            "status": "proposed",
            "starts_on": "",
            "ends_on": "",
        },
    )
    assert response.status_code == 302
    assert Placement.objects.get(student=student).stage == "first"


def test_the_form_keeps_its_queries_flat_as_offers_grow(world, pw, client_for, django_assert_max_num_queries):
    student = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
    client = client_for("lead")
    url = f"/placements/students/{student.pk}/place/"
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
    for _ in range(30):
        offer = OfferFactory(partnership=world.partnership, employer=world.employer, academic_year=pw["year"], places=3)
        PlacementFactory(offer=offer, status="proposed")
    with django_assert_max_num_queries(14):
        html = client.get(url).content.decode()
    assert "31 offers with a place left" in html
