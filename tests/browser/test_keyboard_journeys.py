"""Keyboard only (issue 6): a signatory signs a memorandum and a coordinator rates a criterion
with Tab, Shift+Tab, Enter, Space, arrow keys and typing, never the mouse. Every element the
Tab key reaches on the way shows the GOV.UK focus style, and after a mistake the focus moves to
the error summary, whose link takes it to the field to put right."""

from __future__ import annotations

import pytest

from healthcheck.models import Rag
from memoranda.models import Signature
from tests.browser.helpers import focused
from tests.factories import PASSWORD
from tests.healthcheck import factories as hf
from tests.memoranda.factories import REQUIRED_TEXT, awaiting_memorandum
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Whether the page has scrolled down (within 5 seconds: the browser may scroll smoothly). Not
# page.wait_for_function: its polling evaluates a string, which the Content-Security-Policy forbids.
SCROLLED = """() => new Promise(resolve => {
    setTimeout(() => resolve(false), 5000);
    const check = () => window.scrollY > 0 ? resolve(true) : requestAnimationFrame(check);
    check();
})"""


def press(page, key: str) -> dict:
    """Press a key; whatever then has the focus must show it."""
    page.keyboard.press(key)
    now = focused(page)
    assert now["visible_focus"], f"after {key}, {now} has no visible focus style"
    return now


def tab_to(page, name: str, *, exact: bool = True, limit: int = 80) -> dict:
    """Tab forward until the element named `name` (its label or text) has the focus."""
    for _ in range(limit):
        now = press(page, "Tab")
        if now["name"] == name or (not exact and now["name"].startswith(name)):
            return now
    raise AssertionError(f"Tab never reached {name!r}")


def follow(page, key: str = "Enter") -> None:
    """Activate the focused link or button and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def expect_error_summary_then_field(page, error: str, field: str) -> None:
    """The error summary has the focus; its link for `error` moves the focus to `field`."""
    now = focused(page)
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')"), now
    assert now["visible_focus"], "the focused error summary has no visible focus style"
    tab_to(page, error, exact=False, limit=10)
    page.keyboard.press("Enter")
    assert focused(page)["name"].startswith(field), focused(page)


def sign_in_with_keyboard(page, email: str) -> None:
    page.goto("/accounts/login/")
    tab_to(page, "Email address")
    page.keyboard.type(email)
    tab_to(page, "Password")
    page.keyboard.type(PASSWORD)
    tab_to(page, "Sign in")
    follow(page)


def test_a_signatory_signs_a_memorandum_with_the_keyboard_alone(page):
    world = build_world()
    memorandum, version = awaiting_memorandum(world)
    sign_in_with_keyboard(page, "signatory@matrix.test")

    tab_to(page, "Sign Matrix memorandum for Matrix Borough Council")
    follow(page)
    assert page.get_by_role("heading", level=1, name="Sign: Matrix memorandum").is_visible()

    # Review the text: Space pages down through it.
    page.keyboard.press("Space")
    assert page.evaluate(SCROLLED)
    assert page.get_by_text(REQUIRED_TEXT["review"]).is_visible()

    tab_to(page, "Type your full name")
    page.keyboard.type("Sam Signatory")
    position = press(page, "Tab")
    assert (position["name"], position["value"]) == ("Your position", "Assistant Director, Children's Services")
    declaration = press(page, "Tab")
    assert declaration["type"] == "checkbox" and not declaration["checked"]
    assert press(page, "Space")["checked"]
    assert press(page, "Tab")["name"] == "Your password"
    page.keyboard.type("not my password")
    assert press(page, "Tab")["name"] == "Sign the memorandum"
    follow(page)

    expect_error_summary_then_field(page, "The password is not correct", "Your password")
    page.keyboard.type(PASSWORD)
    # What was typed before the mistake is still there.
    assert page.get_by_label("Type your full name").input_value() == "Sam Signatory"
    assert page.get_by_label("I declare that I am authorised", exact=False).is_checked()
    assert press(page, "Tab")["name"] == "Sign the memorandum"
    follow(page)

    assert page.get_by_text("You signed").first.is_visible()
    signature = Signature.objects.get(version=version, organisation=world.employer)
    assert (signature.typed_name, signature.signer) == ("Sam Signatory", world.user("signatory"))


def test_a_coordinator_rates_a_criterion_with_the_keyboard_alone(page):
    world = build_world()
    hc = hf.health_check(world, fw=hf.framework(areas=1, per_area=2))
    sign_in_with_keyboard(page, "coordinator@matrix.test")

    tab_to(page, "Health checks")  # the menu
    follow(page)
    tab_to(page, "Matrix Teaching Partnership")
    follow(page)
    tab_to(page, "A1 Statement A1", exact=False)
    follow(page)
    assert page.get_by_role("heading", level=1, name="A1 Statement A1").is_visible()

    # Tab reaches the radios as one group; the arrow keys choose within it.
    first = tab_to(page, "Green")
    assert first["type"] == "radio"
    amber = press(page, "ArrowDown")
    assert (amber["name"], amber["checked"]) == ("Amber", True)
    assert press(page, "Tab")["name"] == "Commentary"
    assert press(page, "Tab")["name"] == "Save and continue to A2"
    follow(page)

    # Amber needs commentary: the summary says so and takes the focus to the box.
    expect_error_summary_then_field(page, "Explain the Amber rating", "Commentary")
    page.keyboard.type("Two partners have not agreed the joint aims yet.")
    assert page.get_by_label("Amber", exact=True).is_checked()
    assert press(page, "Tab")["name"] == "Save and continue to A2"
    follow(page)

    # "Save and continue" goes straight on to the next criterion of the task list.
    assert page.get_by_role("heading", level=1, name="A2 Statement A2").is_visible()
    assert page.get_by_text("A1 saved.").first.is_visible()
    rating = hc.ratings.get(criterion__code="A1")
    assert (rating.rating, rating.commentary) == (Rag.AMBER, "Two partners have not agreed the joint aims yet.")

    # Back on the health check, the task list shows each criterion's status in words.
    page.goto(f"/health-checks/{hc.pk}/")
    a1 = page.locator("#criterion-a1")
    a2 = page.locator("#criterion-a2")
    assert a1.locator(".govuk-task-list__status").inner_text().strip().startswith("Amber")
    assert a2.locator(".govuk-task-list__status").inner_text().strip() == "Not yet rated"
