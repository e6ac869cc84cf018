"""In a real browser: the placement calendar passes the accessibility gate (axe-core, focus
styles, tables with captions and headers) at 1280 px and at 320 px, where the month grid gives
way to a stacked list and nothing scrolls sideways; a member makes a calendar link from it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import sign_in
from tests.browser.test_accessibility_gate import Gate
from tests.calendars.helpers import another_employer, place
from tests.factories import PASSWORD
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCROLLS_SIDEWAYS = "() => document.documentElement.scrollWidth > window.innerWidth"


@pytest.mark.parametrize("width", [1280, 320], ids=["desktop", "320px"])
def test_the_calendar_passes_the_gate_at_both_widths(browser, live_server, width):
    world = build_world()
    place(world, reference="MTX0042")
    place(
        world,
        reference="MTX0043",
        team="A team with a rather long name for a narrow screen",
        employer=another_employer(),
    )
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="Europe/London", viewport={"width": width, "height": 800}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, "coordinator@matrix.test", PASSWORD)
    gate = Gate()
    for label, query in (("month", "month=2027-01"), ("list", "month=2027-01&view=agenda"), ("empty", "")):
        page.goto(f"/calendars/partnership/matrix-tp/?{query}")
        gate.check(page, f"calendar {label} ({width}px)", "Placement calendar")
        if page.evaluate(SCROLLS_SIDEWAYS):
            gate.problems.append(f"calendar {label} ({width}px): the page scrolls sideways")
    page.goto("/calendars/partnership/matrix-tp/?month=2027-01")
    grid, stacked = page.locator("table.cal-grid"), page.locator(".cal-list")
    if width == 320:
        assert not grid.is_visible() and stacked.is_visible()
        assert stacked.get_by_text("Monday 11 January 2027").is_visible()
    else:
        assert grid.is_visible() and not stacked.is_visible()
        assert page.get_by_role("columnheader", name="Monday").is_visible()
    assert page.locator(".cal-item__kind:visible", has_text="Starts").count() == 2

    page.get_by_role("button", name="Make a calendar link").click()
    expect(page.get_by_role("heading", name="Your new calendar link")).to_be_visible()
    link = page.get_by_label("Calendar link").input_value()
    assert "/calendars/feed/ptc_" in link and link.endswith(".ics")
    gate.check(page, f"new link ({width}px)", "Your new calendar link")
    page.get_by_role("link", name="Back to your calendar links").click()
    gate.check(page, f"links ({width}px)", "Your calendar links")
    if page.evaluate(SCROLLS_SIDEWAYS):
        gate.problems.append(f"links ({width}px): the page scrolls sideways")
    context.close()
    assert gate.problems == [], "\n".join(gate.problems)
