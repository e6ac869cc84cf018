"""The webhook pages pass the accessibility gate's checks (axe-core WCAG 2.2 AA, one h1, a title
naming the page, visible focus, a skip link) for a lead, with real rows in the delivery log, and
the add form with errors moves the focus to its error summary."""

from __future__ import annotations

import pytest

from tests.browser.helpers import sign_in
from tests.browser.test_accessibility_gate import Gate
from tests.factories import PASSWORD
from tests.world import build_world
from webhooks import services
from webhooks.models import DeliveryStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_webhook_pages_pass_the_accessibility_checks(browser, live_server):
    world = build_world()
    lead = world.user("lead")
    endpoint, _ = services.add_endpoint(
        lead,
        world.partnership,
        data={
            "url": "https://hooks.example.org/portal-events",
            "event_types": ["memorandum.signed", "healthcheck.signed_off"],
        },
    )
    delivery = services.send_test(lead, endpoint)  # the name does not resolve here: a failed attempt
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    base = endpoint.get_absolute_url()
    gate = Gate()
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, lead.email, PASSWORD)
    for label, url, title in [
        ("webhooks list", f"/partnerships/{world.partnership.slug}/webhooks/", "Webhooks"),
        ("endpoint", base, endpoint.url),
        ("delivery attempt", f"{base}deliveries/{delivery.pk}/", "Attempt 1"),
        ("add endpoint", f"/partnerships/{world.partnership.slug}/webhooks/new/", "Add a webhook endpoint"),
        ("rotate", f"{base}rotate-secret/", "Rotate the secret"),
        ("disable", f"{base}disable/", "Disable"),
    ]:
        gate.visit(page, label, url, title)
    page.goto(f"/partnerships/{world.partnership.slug}/webhooks/new/")
    page.get_by_role("button", name="Add endpoint").click()
    page.wait_for_load_state()
    gate.check(page, "add endpoint with errors", "Add a webhook endpoint", errors_shown=True)
    context.close()
    assert gate.problems == [], "\n".join(gate.problems)
