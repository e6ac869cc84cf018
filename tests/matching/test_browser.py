"""In a real browser: a coordinator sets up a preference round, opens it, enters a student's
preferences, proposes an allocation, pins a student, closes the round and confirms; axe-core
finds nothing on the pages."""

import pytest

from tests.browser.helpers import axe_violations, fill_date, sign_in
from tests.factories import PASSWORD
from tests.placements.factories import AcademicYearFactory, OfferFactory, ProgrammeFactory, StudentFactory
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_violations(page, what: str) -> None:
    assert axe_violations(page) == [], what


def _follow(page, link_name: str) -> None:
    """Click a link and wait for the page it opens: axe on a page being replaced fails inside axe."""
    with page.expect_navigation():
        page.get_by_role("link", name=link_name).first.click()


def test_a_coordinator_runs_a_round_from_preferences_to_placements(page, live_server):
    import datetime as dt

    world = build_world()
    year = AcademicYearFactory(label="2026/27")
    AcademicYearFactory(label="2027/28")
    programme = ProgrammeFactory(partnership=world.partnership, university=world.university, name="BA Social Work")
    for team in ("Team A", "Team B"):
        OfferFactory(partnership=world.partnership, employer=world.employer, academic_year=year, team=team, places=1)
    for ref in ("M001", "M002"):
        StudentFactory(partnership=world.partnership, programme=programme, final_year=year, reference=ref)
    sign_in(page, "coordinator@matrix.test", PASSWORD)

    page.goto("/placements/sufficiency/?partnership=matrix-tp")
    page.get_by_role("link", name="Preference rounds").click()
    page.get_by_role("heading", name="Preference rounds").wait_for()
    _no_violations(page, "round list (empty)")
    page.get_by_role("link", name="Set up a round").click()
    page.get_by_label("Final placements").check()
    fill_date(page, "Closing date", dt.date(2026, 12, 4))
    _no_violations(page, "set up a round")
    page.get_by_role("button", name="Set up the round").click()
    page.get_by_text("with 2 students").wait_for()
    _no_violations(page, "round page (draft)")
    page.get_by_role("button", name="Open the round").click()
    page.get_by_text("Opened the round").wait_for()

    _follow(page, "Enter preferences for M001")
    page.get_by_label("First choice").select_option(
        label="Team B, Matrix Borough Council (children and families, statutory; 1 place left)"
    )
    page.get_by_label("No", exact=True).check()
    page.get_by_label("Where they can travel to").fill("By bus within the city")
    _no_violations(page, "preferences")
    page.get_by_role("button", name="Save preferences").click()
    page.get_by_text("Saved M001's preferences").wait_for()
    _no_violations(page, "round page (open, one answer)")

    _follow(page, "Proposed allocation")
    _no_violations(page, "proposal (none yet)")
    page.get_by_role("button", name="Propose an allocation").click()
    page.get_by_text("Proposed an allocation.").wait_for()
    _no_violations(page, "proposal")
    assert page.get_by_role("row", name="1st choice 1").is_visible()

    _follow(page, "Pin or change M002")
    page.get_by_label("Offer").select_option(
        label="Team A, Matrix Borough Council (children and families, statutory; 1 place left)"
    )
    page.get_by_label("Place them here", exact=True).check()
    _no_violations(page, "pin")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Pinned M002").wait_for()
    page.get_by_role("button", name="Propose again").click()
    page.get_by_text("Proposed an allocation.").wait_for()
    assert page.get_by_text("Pinned", exact=True).first.is_visible()

    page.get_by_role("link", name="Final placement round, 2026/27").first.click()
    page.get_by_role("button", name="Close the round").click()
    page.get_by_text("Closed the round").wait_for()
    _follow(page, "Proposed allocation")
    _follow(page, "Confirm the allocation")
    _no_violations(page, "confirm")
    page.get_by_role("button", name="Confirm the allocation").click()
    page.get_by_text("Confirmed the allocation: 2 placements saved as proposed").wait_for()
    _no_violations(page, "round page (confirmed)")


def test_a_student_signs_in_ranks_offers_and_sees_where_they_are_placed(page):
    """The student's own journey: their page shows the open round, they rank two offers with the
    keyboard-usable form, and once the coordinator confirms, their page says where they go."""
    from matching import services
    from matching.models import RoundStudent
    from tests.matching.factories import round_world
    from tests.participants.factories import world_student

    world = build_world()
    made = round_world(world, students=0, offers=2)
    round_ = made["round"]
    RoundStudent.objects.create(round=round_, student=world_student(world))
    first, second = made["offers"][1], made["offers"][0]

    sign_in(page, "student@matrix.test", PASSWORD)
    assert page.get_by_role("heading", level=1, name="Your placements").is_visible()
    assert page.get_by_text("Not answered yet").is_visible()
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        _no_violations(page, f"student's page with an open round at {width} px")
    page.set_viewport_size({"width": 1280, "height": 900})
    _follow(page, "Choose your preferences")
    page.get_by_label("First choice").select_option(value=str(first.pk))
    page.get_by_label("Second choice").select_option(value=str(second.pk))
    page.get_by_label("No", exact=True).check()
    page.get_by_label("Where you can travel to").fill("Anywhere on the Northern line")
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        _no_violations(page, f"the student's preferences form at {width} px")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Save preferences").click()
    page.get_by_text("Saved your preferences.").wait_for()
    assert page.get_by_text("Answered", exact=True).is_visible()

    coordinator = world.user("coordinator")
    services.move_round(coordinator, round_, "close")
    services.run_proposal(coordinator, round_)
    round_.refresh_from_db()
    services.confirm_proposal(coordinator, round_)
    page.reload()
    assert page.get_by_text("Placed", exact=True).is_visible()
    assert page.get_by_text(f"{first.team}, {world.employer.name} (your choice 1)").is_visible()
    _no_violations(page, "student's page after the round is confirmed")
