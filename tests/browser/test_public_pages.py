"""The public pages (issue 15) through the accessibility gate: signed out and signed in, on a
desktop window and at 320 CSS pixels wide (WCAG 1.4.10 Reflow: nothing scrolls sideways)."""

from __future__ import annotations

import pytest

from tests.browser.helpers import sign_in
from tests.browser.test_accessibility_gate import Gate
from tests.factories import PASSWORD
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("accessibility statement", "/accessibility/", "Accessibility statement"),
    ("privacy notice", "/privacy/", "Privacy notice"),
    ("cookies page", "/cookies/", "Cookies"),
    ("service status", "/service-status/", "Service status"),
    ("signed-out page", "/accounts/signed-out/", "You have been signed out"),
]
# Whether the page is wider than the window (it would scroll sideways).
SCROLLS_SIDEWAYS = "() => document.documentElement.scrollWidth > window.innerWidth"


@pytest.mark.parametrize("width", [1280, 320], ids=["desktop", "320px"])
def test_every_public_page_passes_the_gate_signed_out_and_in(browser, live_server, width):
    build_world()
    gate = Gate()
    for who in ("signed out", "member"):
        context = browser.new_context(
            base_url=live_server.url,
            locale="en-GB",
            timezone_id="Europe/London",
            viewport={"width": width, "height": 800},
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        if who != "signed out":
            sign_in(page, "member@matrix.test", PASSWORD)
        for label, url, title in PAGES:
            gate.visit(page, f"{label} ({who}, {width}px)", url, title)
            if page.evaluate(SCROLLS_SIDEWAYS):
                gate.problems.append(f"{label} ({who}, {width}px): the page scrolls sideways")
        context.close()
    assert gate.problems + gate.shared_titles() == [], "\n".join(gate.problems + gate.shared_titles())
