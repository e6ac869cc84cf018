"""A lead manages the partnership's webhooks on its pages: add (the secret shown once), change,
disable with a reason, enable again, rotate, send a test and read the delivery log."""

from __future__ import annotations

import re

from portal.models import AuditEvent
from tests import factories as f
from webhooks import services
from webhooks.actions import Action
from webhooks.models import Delivery, Endpoint, EndpointSecret


def _secret_in(html: str) -> str:
    match = re.search(r'id="secret">(whsec_[A-Za-z0-9+/=]+)<', html)
    assert match, "the secret is not on the page"
    return match.group(1)


def test_a_lead_adds_an_endpoint_and_sees_its_secret_once(client_for, world, receiver, local_http):
    client = client_for("lead")
    slug = world.partnership.slug
    assert "No endpoints yet" in client.get(f"/partnerships/{slug}/webhooks/").content.decode()
    response = client.post(
        f"/partnerships/{slug}/webhooks/new/",
        {
            "url": receiver.url,
            "description": "Student records",
            "event_types": ["memorandum.signed", "healthcheck.signed_off"],
        },
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    html = response.content.decode()
    secret = _secret_in(html)
    assert "You will not see it again" in html
    endpoint = Endpoint.objects.get()
    assert EndpointSecret.objects.get().secret == secret
    assert endpoint.event_types == [
        "memorandum.signed",
        "healthcheck.signed_off",
    ] and endpoint.created_by == world.user("lead")
    detail = client.get(endpoint.get_absolute_url()).content.decode()
    assert secret not in detail and secret[-4:] in detail  # only a hint of it
    assert "Enabled" in detail and "A party signs a memorandum" in detail
    assert AuditEvent.objects.filter(action=Action.ENDPOINT_ADDED, partnership_id=world.partnership.pk).exists()


def test_the_form_refuses_plain_http_and_no_events(client_for, world):
    response = client_for("lead").post(
        f"/partnerships/{world.partnership.slug}/webhooks/new/",
        {"url": "http://hooks.example.org/x", "event_types": []},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Error:" in html
    assert "must start with https://" in html or "Choose at least one event" in html
    response = client_for("lead").post(
        f"/partnerships/{world.partnership.slug}/webhooks/new/",
        {"url": "http://hooks.example.org/x", "event_types": ["memorandum.signed"]},
    )
    assert "The address must start with https://" in response.content.decode()
    assert not Endpoint.objects.exists()


def test_a_lead_changes_disables_enables_and_rotates(client_for, world):
    lead = world.user("lead")
    endpoint, first = services.add_endpoint(
        lead, world.partnership, data={"url": "https://hooks.example.org/a", "event_types": ["memorandum.signed"]}
    )
    client = client_for("lead")
    base = endpoint.get_absolute_url()
    response = client.post(
        base + "edit/",
        {
            "url": "https://hooks.example.org/b",
            "event_types": ["memorandum.signed", "memorandum.expired"],
            "revision": 1,
        },
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.url == "https://hooks.example.org/b" and endpoint.revision == 2

    assert client.post(base + "disable/", {"reason": "Moving to a new system"}).status_code == 302
    page = client.get(base).content.decode()
    assert "Disabled" in page and "Moving to a new system" in page and "Enable again" in page
    assert client.post(base + "enable/").status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.enabled and endpoint.disabled_reason == ""

    response = client.post(base + "rotate-secret/", {"overlap_hours": "24"})
    new = _secret_in(response.content.decode())
    assert new != first
    assert {s.secret for s in endpoint.signing_secrets()} == {first, new}
    assert "stops" in client.get(base).content.decode()  # the old secret's end is shown


def test_a_test_event_shows_in_the_delivery_log_with_its_response_code(
    client_for, world, endpoint_for, receiver, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for()
    client = client_for("lead")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(endpoint.get_absolute_url() + "test/")
    assert response.status_code == 302
    assert receiver.wait_for(1)[0].json["type"] == "webhook.test"
    page = client.get(endpoint.get_absolute_url()).content.decode()
    assert "HTTP 200" in page and 'govuk-tag--green">Delivered' in page and "webhook.test" in page
    delivery = Delivery.objects.get()
    detail = client.get(endpoint.get_absolute_url() + f"deliveries/{delivery.pk}/").content.decode()
    assert "HTTP 200" in detail and delivery.message.msg_id in detail and "&quot;webhook.test&quot;" in detail


def test_an_endpoint_of_another_partnership_is_not_found_through_this_one(client_for, world):
    other = f.PartnershipFactory()
    f.MembershipFactory(partnership=other, user=world.user("lead"), role="lead")
    endpoint, _ = services.add_endpoint(
        world.user("lead"), other, data={"url": "https://hooks.example.org/o", "event_types": ["memorandum.signed"]}
    )
    client = client_for("lead")
    assert client.get(f"/partnerships/{world.partnership.slug}/webhooks/{endpoint.pk}/").status_code == 404
    assert client_for("non_member").get(endpoint.get_absolute_url()).status_code in (403, 404)


def test_the_partnership_page_has_a_webhooks_section(client_for, world):
    services.add_endpoint(
        world.user("lead"),
        world.partnership,
        data={"url": "https://hooks.example.org/a", "event_types": ["memorandum.signed"]},
    )
    lead = (
        client_for("lead").get(f"/partnerships/{world.partnership.slug}/sections/webhooks/?fragment=1").content.decode()
    )
    assert "1 endpoint receives" in lead and "Manage webhooks" in lead
    member = (
        client_for("member")
        .get(f"/partnerships/{world.partnership.slug}/sections/webhooks/?fragment=1")
        .content.decode()
    )
    assert "Manage webhooks" not in member and "Partnership leads manage webhooks" in member


def test_posting_the_add_form_again_adds_no_second_endpoint(client_for, world):
    client = client_for("lead")
    data = {"url": "https://hooks.example.org/a", "event_types": ["memorandum.signed"]}
    url = f"/partnerships/{world.partnership.slug}/webhooks/new/"
    assert "whsec_" in client.post(url, data).content.decode()
    again = client.post(url, data).content.decode()  # a refresh of the page that showed the secret
    assert "already has an endpoint with this address" in again and "whsec_" not in again
    assert Endpoint.objects.count() == 1
