"""Placements at risk of falling short of days, and final-year students behind on skills days:
one definition each (placements.selectors.figures), the same on the placement page, the lists'
filters, the dashboard and the counts. The frozen today is Monday 16 November 2026."""

import datetime as dt

import pytest

from placements.models import Placement, SkillsDays, Student
from placements.selectors.figures import (
    days_expected_by,
    falling_short_counts,
    placements_falling_short,
    student_figures,
    students_behind_on_skills_days,
    working_days,
)
from portal.registry import attention_for
from tests.placements.factories import OfferFactory, PlacementFactory, StudentFactory, placements_world

pytestmark = pytest.mark.django_db
D = dt.date
# Monday 2 November 2026 to Friday 26 February 2027: 17 weeks, 85 working days.
START, END = D(2026, 11, 2), D(2027, 2, 26)


@pytest.fixture
def pw(world):
    return placements_world(world)


def _running(world, pw, done: int, status="in-progress", **extra):
    offer = OfferFactory(
        partnership=world.partnership, employer=world.employer, academic_year=pw["year"], starts_on=START, ends_on=END
    )
    return PlacementFactory(
        offer=offer,
        student=StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"]),
        planned_days=85,
        completed_days=done,
        status=status,
        **extra,
    )


def test_working_days_count_mondays_to_fridays_both_ends_included():
    assert working_days(START, END) == 85
    assert working_days(START, D(2026, 11, 16)) == 11
    assert working_days(D(2026, 11, 14), D(2026, 11, 15)) == 0  # a weekend
    assert working_days(D(2026, 11, 16), D(2026, 11, 13)) == 0
    assert days_expected_by(START, END, 85, D(2026, 11, 16)) == 11
    assert days_expected_by(START, END, 100, D(2026, 11, 16)) == 12  # 100 x 11 / 85, rounded down
    assert days_expected_by(START, END, 85, D(2027, 6, 1)) == 85
    assert days_expected_by(START, END, 85, D(2026, 10, 1)) == 0


def test_a_placement_more_than_five_days_behind_is_flagged_on_its_page(world, pw, client_for):
    behind = _running(world, pw, done=5)  # 11 expected by today: 6 behind
    within = _running(world, pw, done=6)  # 5 behind: within the tolerance
    client = client_for("member")
    html = client.get(f"/placements/{behind.pk}/").content.decode()
    assert '<strong class="govuk-tag govuk-tag--red">At risk of falling short</strong>' in html
    assert "5 days done, and about 11 should be by today for 85 planned days" in html
    assert "At risk of falling short" not in client.get(f"/placements/{within.pk}/").content.decode()


def test_only_placements_in_progress_are_flagged(world, pw):
    _running(world, pw, done=0, status="confirmed")
    _running(world, pw, done=0, status="ended-early", end_reason="other", ends_on=D(2026, 11, 13))
    assert placements_falling_short(Placement.objects.all(), D(2026, 11, 16)) == []


def test_the_list_filter_the_dashboard_and_the_count_agree(world, pw, client_for, django_assert_max_num_queries):
    behind = [_running(world, pw, done=d) for d in (0, 3, 5)]
    _running(world, pw, done=11)
    _running(world, pw, done=6)
    today = D(2026, 11, 16)
    assert sorted(placements_falling_short(Placement.objects.all(), today)) == sorted(p.pk for p in behind)
    assert falling_short_counts([world.partnership.pk], today) == {world.partnership.pk: 3}
    client = client_for("coordinator")
    with django_assert_max_num_queries(20):
        page = client.get("/placements/?partnership=matrix-tp&risk=falling-short").content.decode()
    assert "3 placements." in page
    for placement in behind:
        assert f"/placements/{placement.pk}/" in page
    items = [i for i in attention_for(world.user("coordinator")) if i.kind == "Days behind"]
    assert [i.title for i in items] == ["3 placements at risk of falling short of days in 2026/27"]
    assert items[0].url == "/placements/?partnership=matrix-tp&year=2026%2F27&risk=falling-short"
    # As the data grows the list's queries stay the same.
    for _ in range(20):
        _running(world, pw, done=0)
    with django_assert_max_num_queries(20):
        page = client.get("/placements/?partnership=matrix-tp&risk=falling-short").content.decode()
    assert "23 placements." in page


def test_a_final_year_student_behind_on_skills_days_is_flagged_and_counted_once(world, pw, client_for):
    behind = pw["student"]  # final placement in 2026/27, the current year
    SkillsDays.objects.create(student=behind, days=10, completed_on=D(2026, 1, 5))
    done = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
    SkillsDays.objects.create(student=done, days=30, completed_on=D(2026, 1, 5))
    from tests.placements.factories import AcademicYearFactory

    next_year = AcademicYearFactory(label="2027/28")
    later = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=next_year)
    year = pw["year"]
    assert list(students_behind_on_skills_days(Student.objects.all(), year)) == [behind]
    assert student_figures([world.partnership.pk], year, next_year)[world.partnership.pk].skills_behind == 1
    client = client_for("member")
    listed = client.get("/placements/students/?partnership=matrix-tp&flag=skills-behind").content.decode()
    assert "1 student in their final placement year, 2026/27, with fewer skills days recorded" in listed
    assert behind.reference in listed and done.reference not in listed and later.reference not in listed
    page = client.get(f"/placements/students/{behind.pk}/").content.decode()
    assert "Behind: 10 of 30 done" in page
    assert "Behind:" not in client.get(f"/placements/students/{later.pk}/").content.decode()
