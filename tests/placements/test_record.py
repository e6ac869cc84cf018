"""A placement record that cannot lie (issue 9): each example of the issue, refused by the service
with the message beside its field and the person's input kept, or behaving as described."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from placements.models import Placement, PlacementStatus, QualityReview, SkillsDays
from placements.services.allocations import allocation_warnings, change_status, record_review
from placements.services.students import record_skills_days
from tests import factories as f
from tests.placements.factories import (
    OfferFactory,
    PlacementFactory,
    ReviewFactory,
    StudentFactory,
    placements_world,
)

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def pw(world):
    return placements_world(world)


def on(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo("Europe/London"))


def _error_beside(html: str, field: str) -> str:
    """The error message crispy-forms-gds writes beside a field (tied to it by its id)."""
    match = re.search(
        rf'<span id="id_{field}_\d+_error" class="govuk-error-message">\s*<span[^>]*>Error:</span>(.*?)</span>',
        html,
        re.S,
    )
    assert match, f"no error beside {field}"
    return re.sub(r"\s+", " ", match[1]).strip()


# --- Days against the stage's requirement ----------------------------------------------------------


def test_a_20_day_final_placement_is_refused_beside_the_days_unless_a_reason_is_given(world, pw, client_for):
    student = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
    offer = OfferFactory(partnership=world.partnership, employer=world.employer, academic_year=pw["year"])
    url = f"/placements/students/{student.pk}/place/"
    data = {
        "offer": offer.pk,
        "stage": "final",
        "starts_on": "2027-01-11",
        "ends_on": "2027-06-04",
        "planned_days": "20",
        "status": "proposed",
    }
    html = client_for("lead").post(url, data).content.decode()
    assert "There is a problem" in html
    assert "A final placement on this programme is 100 days" in _error_beside(html, "planned_days")
    assert 'value="20"' in html and 'value="2027-06-04"' in html  # the input is kept
    assert not Placement.objects.filter(student=student).exists()
    data["days_reason"] = "Days carried over from a final placement that ended early at another team"
    client_for("lead").post(url, data)
    placement = Placement.objects.get(student=student)
    assert (placement.planned_days, placement.days_reason) == (20, data["days_reason"])
    assert data["days_reason"] in client_for("member").get(f"/placements/{placement.pk}/").content.decode()


# --- Status against dates --------------------------------------------------------------------------


def test_in_progress_is_refused_before_the_start_and_days_cannot_run_ahead(world, pw, client_for, frozen_clock):
    placement = pw["placement"]  # confirmed, 11 January to 4 June 2027; today is 16 November 2026
    url = f"/placements/{placement.pk}/status/"
    html = client_for("lead").post(url, {"status": "in-progress", "completed_days": "5", "revision": "1"})
    html = html.content.decode()
    assert "It starts on 11 January 2027: it cannot be in progress before then" in html
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.CONFIRMED
    frozen_clock.move_to(on(D(2027, 1, 20)))  # ten days in
    html = client_for("lead").post(url, {"status": "in-progress", "completed_days": "30", "revision": "1"})
    assert "Only 10 days have passed" in _error_beside(html.content.decode(), "completed_days")
    client_for("lead").post(url, {"status": "in-progress", "completed_days": "8", "revision": "1"})
    placement.refresh_from_db()
    assert (placement.status, placement.completed_days) == (PlacementStatus.IN_PROGRESS, 8)


def test_an_ended_early_date_cannot_be_in_the_future_or_before_the_start(world, pw, client_for, frozen_clock):
    placement = pw["placement"]
    frozen_clock.move_to(on(D(2027, 2, 10)))
    url = f"/placements/{placement.pk}/status/"
    data = {"status": "ended-early", "end_reason": "setting", "revision": "1"}
    html = client_for("lead").post(url, {**data, "ended_on": "2027-03-01"}).content.decode()
    assert "The last day cannot be in the future" in _error_beside(html, "ended_on")
    assert 'value="2027-03-01"' in html
    html = client_for("lead").post(url, {**data, "ended_on": "2027-01-04"}).content.decode()
    assert "cannot be before the placement started on 11 January 2027" in _error_beside(html, "ended_on")
    html = client_for("lead").post(url, data).content.decode()
    assert "Enter the placement&#x27;s last day" in html
    client_for("lead").post(url, {**data, "ended_on": "2027-02-05"})
    placement.refresh_from_db()
    assert (placement.status, placement.ends_on, placement.planned_ends_on) == (
        PlacementStatus.ENDED_EARLY,
        D(2027, 2, 5),
        D(2027, 6, 4),
    )


def test_a_placement_withdrawn_before_it_starts_has_no_reviews_due(world, pw):
    placement = change_status(
        world.user("lead"),
        pw["placement"],
        status=PlacementStatus.ENDED_EARLY,
        end_reason="student-withdrew",
        base_revision=pw["placement"].revision,
    )
    assert (placement.ends_on, placement.completed_days) == (placement.starts_on, 0)
    assert placement.review_due_dates() == {}


def test_completing_needs_the_last_day_to_have_come(world, pw, frozen_clock):
    lead = world.user("lead")
    frozen_clock.move_to(on(D(2027, 1, 11)))
    placement = change_status(lead, pw["placement"], status="in-progress", base_revision=pw["placement"].revision)
    with pytest.raises(ValidationError) as exc:
        change_status(lead, placement, status="completed", base_revision=placement.revision)
    assert "cannot be completed before then" in str(exc.value)
    frozen_clock.move_to(on(D(2027, 6, 4)))
    with pytest.raises(ValidationError) as exc:
        change_status(lead, placement, status="completed", completed_days=60, base_revision=placement.revision)
    assert "say in the box below why 60 were enough" in str(exc.value)
    done = change_status(
        lead,
        placement,
        status="completed",
        completed_days=60,
        days_reason="Forty days were accredited from prior learning",
        base_revision=placement.revision,
    )
    assert done.status == PlacementStatus.COMPLETED


# --- Reviews in order and inside the placement -----------------------------------------------------


REVIEW = {
    "role": "educator",
    "learning_opportunities": "good",
    "support": "good",
    "performance": "on-track",
    "comments": "",
}


def test_an_end_review_dated_before_the_start_is_refused_beside_the_date(world, pw, client_for, frozen_clock):
    frozen_clock.move_to(on(D(2027, 6, 10)))
    placement = pw["placement"]
    url = f"/placements/{placement.pk}/reviews/new/"
    html = client_for("lead").post(url, {**REVIEW, "point": "end", "completed_on": "2027-01-04"}).content.decode()
    assert "cannot be dated before the placement started on 11 January 2027" in _error_beside(html, "completed_on")
    assert 'value="2027-01-04"' in html
    assert not QualityReview.objects.exists()


def test_reviews_are_kept_in_the_order_of_their_points(world, pw, frozen_clock):
    frozen_clock.move_to(on(D(2027, 6, 10)))
    lead, placement = world.user("lead"), pw["placement"]
    record_review(lead, placement, data={**REVIEW, "point": "midway", "completed_on": D(2027, 3, 24)})
    with pytest.raises(ValidationError) as exc:
        record_review(lead, placement, data={**REVIEW, "point": "four-weeks", "completed_on": D(2027, 3, 30)})
    assert "The midway review is dated 24 March 2027" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        record_review(lead, placement, data={**REVIEW, "point": "end", "completed_on": D(2027, 3, 1)})
    assert "cannot be dated earlier" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        record_review(lead, placement, data={**REVIEW, "point": "midway", "completed_on": D(2027, 6, 20)})
    assert "future" in str(exc.value)


def test_after_ending_early_the_midway_review_never_falls_due_before_the_four_week_one(world, pw, frozen_clock):
    # 11 January to 4 June; ended on 3 March, so midway (24 March, worked out from the planned
    # last day) is no longer due, and the end review is due on the last day.
    frozen_clock.move_to(on(D(2027, 3, 5)))
    placement = change_status(
        world.user("lead"),
        pw["placement"],
        status="ended-early",
        end_reason="setting",
        ended_on=D(2027, 3, 3),
        base_revision=pw["placement"].revision,
    )
    assert list(placement.review_due_dates().items()) == [("four-weeks", D(2027, 2, 8)), ("end", D(2027, 3, 3))]
    with pytest.raises(ValidationError) as exc:
        record_review(world.user("lead"), placement, data={**REVIEW, "point": "midway", "completed_on": D(2027, 3, 3)})
    assert "it ended before this review was due" in str(exc.value)
    # A short placement: midway waits for the four-week review.
    short = PlacementFactory(offer=pw["offer"], starts_on=D(2027, 1, 11), ends_on=D(2027, 2, 20))
    dates = short.review_due_dates()
    assert dates["midway"] == dates["four-weeks"] == D(2027, 2, 8)


def test_ending_early_cannot_cut_off_a_review_already_recorded(world, pw, frozen_clock):
    frozen_clock.move_to(on(D(2027, 3, 30)))
    ReviewFactory(placement=pw["placement"], point="midway", completed_on=D(2027, 3, 24))
    with pytest.raises(ValidationError) as exc:
        change_status(
            world.user("lead"),
            pw["placement"],
            status="ended-early",
            end_reason="setting",
            ended_on=D(2027, 3, 10),
            base_revision=pw["placement"].revision,
        )
    assert "The midway review is dated 24 March 2027" in str(exc.value)


# --- One review-due rule ---------------------------------------------------------------------------


def test_the_placement_page_marks_overdue_only_what_the_quality_page_counts(world, pw, client_for, frozen_clock):
    # Four weeks due 8 February: within the week's grace it is due, not overdue, on both pages.
    frozen_clock.move_to(on(D(2027, 2, 12)))
    detail = client_for("lead").get(f"/placements/{pw['placement'].pk}/").content.decode()
    quality = client_for("lead").get("/placements/partnership/matrix-tp/quality/?year=2026/27").content.decode()
    assert 'govuk-tag--red">Overdue<' not in detail and "Due: record within a week" in detail
    assert "No review is overdue." in quality
    frozen_clock.move_to(on(D(2027, 2, 16)))
    detail = client_for("lead").get(f"/placements/{pw['placement'].pk}/").content.decode()
    quality = client_for("lead").get("/placements/partnership/matrix-tp/quality/?year=2026/27").content.decode()
    assert detail.count('govuk-tag--red">Overdue<') == 1
    assert "1 review more than a week past its due date" in quality


# --- The clash warning ------------------------------------------------------------------------------


def test_the_clash_warning_names_another_university_once(world, pw):
    other_university = f.UniversityFactory(name="Other University")
    f.PartnerFactory(partnership=world.partnership, organisation=other_university)
    from tests.placements.factories import ProgrammeFactory

    programme = ProgrammeFactory(partnership=world.partnership, university=other_university)
    offer = OfferFactory(partnership=world.partnership, employer=world.employer, academic_year=pw["year"], places=4)
    for _ in range(2):  # two students of the other university in the team at the same time
        PlacementFactory(offer=offer, student=StudentFactory(partnership=world.partnership, programme=programme))
    student = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
    warnings = allocation_warnings(student, offer, "final", D(2027, 1, 11), D(2027, 6, 4))
    clashes = [w for w in warnings if "also hosts" in w]
    assert clashes == [
        f"{offer.team} also hosts a Other University student at the same time: check that the two universities' "
        "blocks and teaching days fit together"
    ]


# --- Skills days -------------------------------------------------------------------------------------


def test_skills_days_are_recorded_on_the_students_page_and_counted(world, pw, client_for):
    student = pw["student"]  # final year 2026/27, on a programme requiring 30 skills days
    client = client_for("lead")
    page = client.get(f"/placements/students/{student.pk}/").content.decode()
    assert "0 of 30 done" in page and "Record skills days" in page
    url = f"/placements/students/{student.pk}/skills-days/new/"
    html = client.post(url, {"days": "31", "completed_on": "2026-10-01"}).content.decode()
    assert "There is a problem" in html
    html = client.post(url, {"days": "20", "completed_on": "2027-10-01"}).content.decode()
    assert "cannot be in the future" in _error_beside(html, "completed_on")
    assert 'value="20"' in html
    client.post(url, {"days": "20", "completed_on": "2026-10-01", "description": "Readiness for practice"})
    html = client.post(url, {"days": "15", "completed_on": "2026-11-01"}).content.decode()
    assert "at most 10 more can be added" in _error_beside(html, "days")
    page = client.get(f"/placements/students/{student.pk}/").content.decode()
    assert "20 of 30 done" in page and "Readiness for practice" in page
    assert f"Recorded 20 skills days for {student.reference} (20 of 30)" in page  # in its History
    sufficiency = client.get("/placements/sufficiency/?partnership=matrix-tp&year=2026/27").content.decode()
    assert re.search(r'data-figure="skills_days_done">.*?0 of 1<', sufficiency, re.S)
    record_skills_days(world.user("lead"), student, days=10, completed_on=D(2026, 11, 10))
    page = client.get(f"/placements/students/{student.pk}/").content.decode()
    assert "All 30 done" in page and "Record skills days" not in page
    for url in (
        "/placements/sufficiency/?partnership=matrix-tp&year=2026/27",
        "/placements/partnership/matrix-tp/quality/?year=2026/27",
    ):
        assert re.search(r'data-figure="skills_days_done">.*?1 of 1<', client.get(url).content.decode(), re.S)
    assert SkillsDays.objects.filter(student=student).count() == 2


def test_only_those_who_manage_placements_record_skills_days(world, pw, client_for):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        record_skills_days(world.user("member"), pw["student"], days=5, completed_on=D(2026, 10, 1))
    assert client_for("member").get(f"/placements/students/{pw['student'].pk}/skills-days/new/").status_code == 403


def test_two_alike_offers_each_count_their_places_and_their_filled_places(world, pw):
    from placements.selectors.figures import fill_rate, place_counts

    # The world's offer (2 places, 1 filled) and one just like it in another team.
    twin = OfferFactory(partnership=world.partnership, employer=world.employer, academic_year=pw["year"], places=2)
    PlacementFactory(offer=twin)
    PlacementFactory(offer=twin)
    counts = place_counts(world.partnership, pw["year"])
    assert (counts.offered["final"], counts.filled["final"]) == (4, 3)
    assert fill_rate(world.partnership, year=pw["year"]) == (3, 4)
