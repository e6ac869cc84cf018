"""In a real browser: a coordinator completes a small health check, adds evidence and an
action, submits it, and a signatory signs it off; axe-core finds nothing on the pages."""

import datetime as dt

import pytest

from tests.browser.helpers import axe_violations, fill_date, sign_in
from tests.factories import PASSWORD
from tests.healthcheck import factories as hf
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_violations(page, what: str) -> None:
    assert axe_violations(page) == [], what


def test_a_coordinator_completes_a_health_check_and_a_signatory_signs_it_off(page, browser, live_server):
    world = build_world()
    hf.framework(family="small", areas=2, per_area=1)
    sign_in(page, "coordinator@matrix.test", PASSWORD)

    page.goto("/health-checks/")
    _no_violations(page, "health check list (empty)")
    page.get_by_role("link", name="Start a health check").first.click()
    page.get_by_role("heading", name="Start a health check").wait_for()
    page.get_by_label("Framework").select_option(label="Test framework small (version 1)")
    _no_violations(page, "start page")
    page.get_by_role("button", name="Start the health check").click()
    page.get_by_text("Health check started: 2 criteria to rate.").wait_for()
    _no_violations(page, "health check page")

    # A1: Green, then straight on to B1.
    page.get_by_role("link", name="A1 Statement A1").click()
    page.get_by_role("heading", name="A1 Statement A1").wait_for()
    _no_violations(page, "criterion page")
    page.get_by_label("Green", exact=True).check()
    page.get_by_role("button", name="Save and continue to B1").click()

    # B1: Amber needs commentary; the refusal keeps the choice.
    page.get_by_label("Amber", exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("commentary is required for Red and Amber").first.wait_for()
    _no_violations(page, "criterion page with an error")
    assert page.get_by_label("Amber", exact=True).is_checked()
    page.get_by_label("Commentary").fill("Two partners have not agreed the aims yet.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("B1 saved.").wait_for()

    # Evidence and an action for B1.
    page.get_by_role("link", name="B1 Statement B1").click()
    page.get_by_text("Add evidence").click()
    page.get_by_label("A note").check()
    page.get_by_label("Title").fill("Board minutes, March")
    page.get_by_label("Note", exact=True).fill("The board agreed to revisit the aims.")
    page.get_by_role("button", name="Add the evidence").click()
    page.get_by_text("Evidence added to B1.").wait_for()
    page.get_by_label("What needs to happen").fill("Agree the joint aims with the two remaining partners")
    page.get_by_label("Owner").select_option(label="Cora Coordinator (coordinator@matrix.test)")
    fill_date(page, "Due date", dt.date(2027, 3, 31))
    page.get_by_role("button", name="Add the action").click()
    page.get_by_text("Action added to B1.").wait_for()
    _no_violations(page, "criterion page with evidence and an action")

    page.get_by_role("link", name="Back to the whole health check").click()
    page.get_by_text("2 of 2", exact=True).first.wait_for()
    page.get_by_role("link", name="Submit for sign-off").click()
    page.get_by_role("heading", name="Submit for sign-off").wait_for()
    _no_violations(page, "submit page")
    page.get_by_role("button", name="Submit for sign-off").click()
    page.get_by_text("Submitted for sign-off.").wait_for()

    # The signatory signs it off with their password.
    signatory = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    sign_in(signatory, "signatory@matrix.test", PASSWORD)
    signatory.get_by_role("link", name="Sign off the 2026/27 health check for Matrix Teaching Partnership").click()
    signatory.get_by_role("heading", name="Sign off the health check").wait_for()
    _no_violations(signatory, "sign-off page")
    signatory.get_by_label("Your password").fill("wrong password")
    signatory.get_by_role("button", name="Sign off").click()
    signatory.get_by_text("The password is not correct").first.wait_for()
    signatory.get_by_label("Your password").fill(PASSWORD)
    signatory.get_by_role("button", name="Sign off").click()
    signatory.get_by_text("Signed off. Overall rating: Amber.").wait_for()
    assert "Revision 1 signed off by Sam Signatory" in signatory.content()
    _no_violations(signatory, "signed-off health check page")

    for url in (
        "/health-checks/actions/",
        f"/health-checks/heatmap/{world.partnership.slug}/",
        "/health-checks/frameworks/",
    ):
        page.goto(url)
        _no_violations(page, url)
