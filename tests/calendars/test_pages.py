"""The placement calendar page: a month grid and a list of placement blocks and review dates,
filtered by team, employer and university, with months to step through."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from portal.dates import long_date
from tests.calendars.helpers import another_employer, another_university, place

pytestmark = pytest.mark.django_db

JANUARY = "month=2027-01"


def _url(world, query: str = "") -> str:
    return reverse("calendars:partnership", args=[world.partnership.slug]) + (f"?{query}" if query else "")


def _text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_a_coordinator_sees_placements_starting_and_the_reviews_due_in_the_month(world, client_for):
    placement = place(world, reference="MTX0042", name="Alice Example")
    page = _text(client_for("coordinator").get(_url(world, JANUARY)))
    assert "<caption" in page and "January 2027: placements starting and ending, and reviews due" in page
    assert (
        '<th scope="col" class="govuk-table__header"><span aria-hidden="true">Mon</span><span class="govuk-visually-hidden">Monday</span></th>'
        in page
    )
    assert "Starts:</span>" in page and "MTX0042, Duty Team" in page
    assert "Alice Example" not in page  # references only, never names
    due = placement.review_due_dates()
    february = _text(client_for("coordinator").get(_url(world, "month=2027-02")))
    assert f"{due['four-weeks']:%A} {long_date(due['four-weeks'])}" in february  # the stacked list's day
    assert "Four-week review due: MTX0042 at Duty Team" in february
    assert "Midway review due" not in february
    march = _text(client_for("coordinator").get(_url(world, "month=2027-03")))
    assert due["midway"].month == 3 and "Midway review due: MTX0042 at Duty Team" in march


def test_review_dates_are_the_placements_own_schedule(world, client_for):
    """The calendar reads placements.rules.review_schedule (through the placement), so a
    placement that ended early shows its end review on its real last day."""
    placement = place(world, reference="MTX0050")
    placement.status = "ended-early"
    placement.planned_ends_on = placement.ends_on
    placement.ends_on = dt.date(2027, 3, 1)
    placement.end_reason = "student-health"
    placement.save()
    due = placement.review_due_dates()
    assert due["end"] == dt.date(2027, 3, 1)
    page = _text(client_for("coordinator").get(_url(world, "month=2027-03&view=agenda")))
    assert f"Review due:</span> {long_date(dt.date(2027, 3, 1))}" in page
    assert "End review due: MTX0050 at Duty Team" in page
    assert "Last day:" not in page  # the list shows blocks with both dates instead
    assert f"{long_date(placement.starts_on)} to {long_date(dt.date(2027, 3, 1))}" in page


def test_a_member_sees_references_as_on_the_placements_list(world, client_for):
    place(world, reference="MTX0042")
    member = client_for("member")
    assert "MTX0042" in _text(member.get(reverse("placements:list")))
    page = _text(member.get(_url(world, JANUARY)))
    assert "MTX0042, Duty Team" in page


def test_an_outsider_gets_404(world, client_for):
    place(world, reference="MTX0042")
    assert client_for("non_member").get(_url(world, JANUARY)).status_code == 404


def test_filters_by_team_employer_and_university(world, client_for):
    riverside, northern = another_employer(), another_university()
    place(world, reference="MTX0001", team="Duty Team")
    place(world, reference="MTX0002", team="Adults Team", employer=riverside)
    place(world, reference="MTX0003", team="Fostering Team", university=northern)
    coordinator = client_for("coordinator")
    page = _text(coordinator.get(_url(world, JANUARY)))
    assert all(ref in page for ref in ("MTX0001", "MTX0002", "MTX0003"))
    assert '<option value="Adults Team">Adults Team</option>' in page
    assert f'<option value="{riverside.pk}">Riverside Council</option>' in page
    assert f'<option value="{northern.pk}">Northern University</option>' in page

    by_team = _text(coordinator.get(_url(world, f"{JANUARY}&team=Adults+Team")))
    assert "MTX0002" in by_team and "MTX0001" not in by_team and "MTX0003" not in by_team
    assert '<option value="Adults Team" selected>' in by_team
    by_employer = _text(coordinator.get(_url(world, f"{JANUARY}&employer={riverside.pk}")))
    assert "MTX0002" in by_employer and "MTX0001" not in by_employer
    by_university = _text(coordinator.get(_url(world, f"{JANUARY}&university={northern.pk}")))
    assert "MTX0003" in by_university and "MTX0002" not in by_university
    bad = _text(coordinator.get(_url(world, f"{JANUARY}&employer=nonsense&university=-4&kinds=nope")))
    assert all(ref in bad for ref in ("MTX0001", "MTX0002", "MTX0003"))  # a bad filter is ignored


def test_show_only_review_dates(world, client_for):
    place(world, reference="MTX0042")
    blocks_only = _text(client_for("coordinator").get(_url(world, "month=2027-02&kinds=placement&view=agenda")))
    assert "Placement blocks running in February 2027 (1)" in blocks_only and "Reviews due" not in blocks_only
    reviews_only = _text(client_for("coordinator").get(_url(world, "month=2027-02&kinds=review&view=agenda")))
    assert "Reviews due in February 2027 (1)" in reviews_only and "Placement blocks running" not in reviews_only


def test_month_navigation_keeps_the_filters(world, client_for):
    place(world, reference="MTX0042")
    page = _text(client_for("coordinator").get(_url(world, f"{JANUARY}&team=Duty+Team")))
    assert '<h2 class="govuk-heading-m govuk-!-margin-bottom-0">January 2027</h2>' in page
    assert 'href="/calendars/partnership/matrix-tp/?team=Duty+Team&amp;month=2026-12&amp;view=month"' in page
    assert 'href="/calendars/partnership/matrix-tp/?team=Duty+Team&amp;month=2027-02&amp;view=month"' in page
    december = _text(client_for("coordinator").get(_url(world, "month=2026-12")))
    assert "December 2026" in december and "No placements run this month" in december


def test_without_a_month_or_with_a_bad_one_it_shows_this_month(world, client_for):
    # The suite's clock: 16 November 2026.
    for query in ("", "month=2026-13", "month=soon", "month=3000-01"):
        page = _text(client_for("member").get(_url(world, query)))
        assert "<title>Placement calendar for Matrix Teaching Partnership: November 2026" in page
        assert "(today)" in page


def test_placements_running_all_month_are_in_the_list(world, client_for):
    place(world, reference="MTX0042")
    page = _text(client_for("coordinator").get(_url(world, "month=2027-04&view=agenda")))
    assert "Placement blocks running in April 2027 (1)" in page
    assert "Placement:</span> 11 January 2027 to 4 June 2027" in page
    assert "Show as a month" in page


def test_the_partnership_page_links_to_the_calendar(world, client_for):
    from tests.placements.factories import AcademicYearFactory

    AcademicYearFactory(label="2026/27")
    section = reverse("partnerships:partnership_section", args=[world.partnership.slug, "placements"])
    page = _text(client_for("member").get(section))
    assert f'href="{_url(world)}">See the placement calendar</a>' in page


@pytest.mark.parametrize("count", [2, 20])
def test_queries_stay_flat_as_placements_grow(world, client_for, django_assert_max_num_queries, count):
    for n in range(count):
        place(world, reference=f"MTX{n:04d}", team=f"Team {n % 5}", employer=another_employer(f"Council {n}"))
    client = client_for("coordinator")
    for query in (JANUARY, f"{JANUARY}&view=agenda", "month=2027-02&team=Team+1"):
        with django_assert_max_num_queries(9):
            assert client.get(_url(world, query)).status_code == 200
