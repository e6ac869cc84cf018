"""The session-timeout warning with the keyboard alone (WCAG 2.2.1 Timing Adjustable), on a short
idle limit set for the test: the dialogue opens before the limit with the focus on "Stay signed
in", keeps the focus inside it, Enter and Escape both keep the session going (a page loaded after
the original limit is still signed in), and when nobody answers the person lands on the signed-out
page, really signed out."""

from __future__ import annotations

import time
from urllib.parse import urlparse

import pytest

from tests.browser.helpers import axe_violations, focused
from tests.browser.test_keyboard_journeys import press, sign_in_with_keyboard
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IDLE = 10  # seconds before the session ends
WARN = 5  # seconds of warning

OPEN = "dialog.portal-timeout[open]"


def wait_for_dialogue(page) -> float:
    page.wait_for_selector(OPEN, timeout=(IDLE + 5) * 1000)
    return time.monotonic()


def expect_focus_in_dialogue(page) -> None:
    now = focused(page)
    assert now["name"] == "Stay signed in" and now["visible_focus"], now
    assert page.evaluate("document.activeElement.closest('dialog[open]') !== null")


def test_the_timeout_warning_with_the_keyboard_alone(page, settings):
    settings.SESSION_COOKIE_AGE = IDLE
    settings.SESSION_WARNING_SECONDS = WARN
    build_world()
    sign_in_with_keyboard(page, "member@matrix.test")
    loaded = time.monotonic()

    # The dialogue opens a few seconds before the limit, named and described, focus on its button.
    wait_for_dialogue(page)
    assert time.monotonic() - loaded >= IDLE - WARN - 1.5
    dialogue = page.locator(OPEN)
    assert dialogue.get_attribute("aria-modal") == "true"
    assert page.get_by_role("dialog", name="You will be signed out soon").is_visible()
    assert dialogue.get_by_text("any changes you have not saved").is_hidden()  # no form on the dashboard
    expect_focus_in_dialogue(page)
    assert axe_violations(page) == []

    # Tab and Shift+Tab stay inside it.
    assert press(page, "Tab")["name"] == "Sign out now"
    assert press(page, "Tab")["name"] == "Stay signed in"
    assert press(page, "Shift+Tab")["name"] == "Sign out now"
    assert press(page, "Shift+Tab")["name"] == "Stay signed in"

    # Enter on "Stay signed in": the dialogue closes and the session goes on past the first limit.
    with page.expect_response("**/accounts/keep-alive/") as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 204
    assert page.locator(OPEN).count() == 0
    time.sleep(max(0, loaded + IDLE + 1 - time.monotonic()))
    page.reload()
    assert urlparse(page.url).path == "/"  # not sent to sign in
    assert page.get_by_role("heading", level=1, name="Hello,").is_visible()

    # On a page with a form the dialogue warns about unsaved changes; Escape also stays signed in.
    page.goto("/accounts/password_change/")
    wait_for_dialogue(page)
    assert dialogue.get_by_text("any changes you have not saved on this page will be lost").is_visible()
    expect_focus_in_dialogue(page)
    with page.expect_response("**/accounts/keep-alive/") as answer:
        page.keyboard.press("Escape")
    assert answer.value.status == 204
    assert page.locator(OPEN).count() == 0

    # Nobody answers: when the time is up the person is signed out and told so.
    wait_for_dialogue(page)
    page.wait_for_url("**/accounts/signed-out/**", timeout=(WARN + 5) * 1000)
    assert page.get_by_role("heading", level=1, name="You have been signed out").is_visible()
    assert page.get_by_text("Anything you had not saved was not kept.").is_visible()
    page.goto("/")
    assert "/accounts/login/" in page.url
