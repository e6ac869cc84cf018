"""A person signs in, finds their partnership and opens it; axe-core finds no violations on the
sign-in page, the dashboard, every tab of a partnership page with real content, and a form with
errors."""

import datetime as dt

import pytest

from tests.browser.helpers import axe_violations, fill_date, partnership_content, sign_in
from tests.factories import PASSWORD
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_signs_in_and_opens_their_partnership(page):
    world = partnership_content(build_world())
    page.goto("/accounts/login/")
    assert axe_violations(page) == []

    sign_in(page, "lead@matrix.test", PASSWORD)
    assert page.get_by_role("heading", name="Your partnerships").is_visible()
    assert page.get_by_role("link", name="Add a signatory for University of Matrix").is_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name=world.partnership.name).first.click()
    assert page.get_by_role("heading", level=1, name=world.partnership.name).is_visible()
    assert axe_violations(page) == []

    # With JavaScript the sections are tabs: each shows its own content and passes axe.
    for tab, expected in [
        ("Partners", "University of Matrix"),
        ("Aims and outcomes", "Offers statutory placements"),
        ("Governance", "Agreed the placement plan for 2026/27."),
        ("People", "Sam Signatory"),
        ("History", "No changes recorded yet."),
    ]:
        page.get_by_role("tab", name=tab).click()
        panel = page.get_by_role("tabpanel")
        assert panel.get_by_text(expected).first.is_visible(), tab
        assert axe_violations(page) == [], tab
    # The sections other apps contribute (memoranda, health checks, placements) are part of the page too.
    ours = {"Overview", "Partners", "Aims and outcomes", "Governance", "People", "History"}
    for tab in page.get_by_role("tab").all():
        if tab.inner_text() not in ours:
            tab.click()
            assert axe_violations(page) == [], tab.inner_text()


def test_a_form_with_errors_is_accessible_and_keeps_the_input(page):
    world = build_world()
    sign_in(page, "lead@matrix.test", PASSWORD)
    page.goto(f"/partnerships/matrix-tp/partners/{world.university_partner.pk}/edit/")
    fill_date(page, "Date joined", dt.date(2020, 5, 1))
    fill_date(page, "Date left", dt.date(2020, 4, 30))
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("There is a problem").first.is_visible()
    summary_link = page.get_by_role("link", name="The date they left must be the same as or after the date they joined")
    summary_link.click()
    # The summary takes the person to the day box of the date at fault, with what they typed kept.
    assert page.evaluate("document.activeElement.id") == "id_left_on_0"
    left = page.get_by_role("group", name="Date left")
    assert [left.get_by_label(part).input_value() for part in ("Day", "Month", "Year")] == ["30", "4", "2020"]
    assert axe_violations(page) == []


def test_a_wrong_password_shows_an_error_and_keeps_the_email(page):
    build_world()
    sign_in(page, "lead@matrix.test", "not-the-password")
    assert page.get_by_text("There is a problem").first.is_visible()
    assert page.get_by_label("Email address").input_value() == "lead@matrix.test"
