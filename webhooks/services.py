"""Every change to a partnership's webhooks: leads add, change, disable, re-enable and test
endpoints and rotate their secrets. Each checks the permission, runs in a transaction and writes
the audit trail (webhooks/actions.py)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from partnerships.access import require
from portal.audit import diff, record, snapshot
from portal.concurrency import refuse_stale
from portal.exceptions import InvalidTransition
from webhooks import events, transport
from webhooks.actions import Action
from webhooks.models import SUBSCRIBABLE, Delivery, Endpoint, EndpointSecret, EventType
from webhooks.permissions import WebhookPerm
from webhooks.signing import new_secret

FIELDS = ["url", "description", "event_types"]
MAX_ENDPOINTS = 10
# How long the old secret keeps signing after a rotation, unless the lead chooses otherwise.
DEFAULT_OVERLAP_HOURS = 24
MAX_OVERLAP_HOURS = 24 * 7


def _lock(endpoint: Endpoint) -> Endpoint:
    return Endpoint.objects.select_for_update().select_related("partnership").get(pk=endpoint.pk)


def _check(data: dict, partnership, endpoint: Endpoint | None = None) -> dict:
    url = (data.get("url") or "").strip()
    transport.check_url(url)
    same = Endpoint.objects.filter(partnership=partnership, url=url)
    if endpoint is not None:
        same = same.exclude(pk=endpoint.pk)
    if same.exists():
        raise ValidationError({"url": "The partnership already has an endpoint with this address"})
    chosen = [str(t) for t in data.get("event_types") or []]
    allowed = {str(t) for t in SUBSCRIBABLE}
    if not chosen:
        raise ValidationError({"event_types": "Choose at least one event"})
    if not set(chosen) <= allowed:
        raise ValidationError({"event_types": "Choose events from the list"})
    return {
        "url": url,
        "description": (data.get("description") or "").strip(),
        "event_types": [str(t) for t in SUBSCRIBABLE if str(t) in chosen],
    }


@transaction.atomic
def add_endpoint(actor, partnership, *, data: dict) -> tuple[Endpoint, str]:
    """A new enabled endpoint and its first secret; returns (endpoint, secret), the secret being
    the only time anyone sees it."""
    require(actor, partnership, WebhookPerm.MANAGE)
    values = _check(data, partnership)
    if Endpoint.objects.filter(partnership=partnership).count() >= MAX_ENDPOINTS:
        raise ValidationError(f"A partnership can have at most {MAX_ENDPOINTS} webhook endpoints.")
    endpoint = Endpoint.objects.create(partnership=partnership, created_by=actor, **values)
    secret = new_secret()
    EndpointSecret.objects.create(endpoint=endpoint, secret=secret)
    record(
        actor,
        Action.ENDPOINT_ADDED,
        endpoint,
        changes={name: [None, value] for name, value in values.items()},
        summary=f"Added the webhook endpoint {endpoint.url}",
        partnership_id=partnership.pk,
    )
    return endpoint, secret


@transaction.atomic
def update_endpoint(actor, endpoint: Endpoint, *, data: dict, base_revision) -> Endpoint:
    require(actor, endpoint.partnership, WebhookPerm.MANAGE)
    locked = _lock(endpoint)
    refuse_stale(locked, base_revision)
    values = _check(data, locked.partnership, locked)
    before = snapshot(locked, FIELDS)
    for name, value in values.items():
        setattr(locked, name, value)
    changes = diff(before, snapshot(locked, FIELDS))
    if not changes:
        return locked
    locked.revision += 1
    locked.save()
    record(
        actor,
        Action.ENDPOINT_UPDATED,
        locked,
        changes=changes,
        summary=f"Changed the webhook endpoint {locked.url}",
        partnership_id=locked.partnership_id,
    )
    return locked


@transaction.atomic
def disable_endpoint(actor, endpoint: Endpoint, *, reason: str) -> Endpoint:
    require(actor, endpoint.partnership, WebhookPerm.MANAGE)
    locked = _lock(endpoint)
    if not locked.enabled:
        raise InvalidTransition("This endpoint is already disabled.")
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": "Enter why you are disabling the endpoint"})
    locked.enabled, locked.disabled_at, locked.disabled_reason = False, timezone.now(), reason[:300]
    locked.revision += 1
    locked.save()
    record(
        actor,
        Action.ENDPOINT_DISABLED,
        locked,
        changes={"enabled": [True, False], "reason": [None, locked.disabled_reason]},
        summary=f"Disabled the webhook endpoint {locked.url}",
        partnership_id=locked.partnership_id,
    )
    return locked


@transaction.atomic
def enable_endpoint(actor, endpoint: Endpoint) -> Endpoint:
    """Enable it again, with a clean failure count (events while it was disabled are not sent)."""
    require(actor, endpoint.partnership, WebhookPerm.MANAGE)
    locked = _lock(endpoint)
    if locked.enabled:
        raise InvalidTransition("This endpoint is already enabled.")
    transport.check_url(locked.url)
    locked.enabled, locked.disabled_at, locked.disabled_reason = True, None, ""
    locked.consecutive_failures, locked.failing_since = 0, None
    locked.revision += 1
    locked.save()
    record(
        actor,
        Action.ENDPOINT_ENABLED,
        locked,
        changes={"enabled": [False, True]},
        summary=f"Enabled the webhook endpoint {locked.url} again",
        partnership_id=locked.partnership_id,
    )
    return locked


@transaction.atomic
def rotate_secret(actor, endpoint: Endpoint, *, overlap_hours: int = DEFAULT_OVERLAP_HOURS) -> str:
    """A new secret that signs from now on; the ones signing now keep signing for `overlap_hours`
    (both signatures in each request meanwhile), then expire. Returns the new secret, shown once."""
    require(actor, endpoint.partnership, WebhookPerm.MANAGE)
    locked = _lock(endpoint)
    if not 0 <= overlap_hours <= MAX_OVERLAP_HOURS:
        raise ValidationError({"overlap_hours": f"Choose between 0 and {MAX_OVERLAP_HOURS} hours"})
    now = timezone.now()
    ends = now + dt.timedelta(hours=overlap_hours)
    for old in locked.signing_secrets(now):
        if old.expires_at is None or old.expires_at > ends:
            old.expires_at = ends
            old.save(update_fields=["expires_at"])
    secret = new_secret()
    EndpointSecret.objects.create(endpoint=locked, secret=secret, created_at=now)
    record(
        actor,
        Action.SECRET_ROTATED,
        locked,
        changes={"overlap_hours": [None, overlap_hours]},
        summary=f"Rotated the signing secret of {locked.url}; the old one signs until {timezone.localtime(ends):%d %B %Y %H:%M}",
        partnership_id=locked.partnership_id,
    )
    return secret


@transaction.atomic
def send_test(actor, endpoint: Endpoint) -> Delivery:
    """Send a `webhook.test` event to this endpoint now (not retried)."""
    require(actor, endpoint.partnership, WebhookPerm.MANAGE)
    locked = _lock(endpoint)
    if not locked.enabled:
        raise InvalidTransition("Enable the endpoint before sending a test event.")
    message = events.emit(
        locked.partnership,
        EventType.TEST,
        {"endpoint": {"id": locked.pk, "url": locked.url}},
        endpoints=[locked],
    )
    assert message is not None
    record(
        actor,
        Action.TEST_SENT,
        locked,
        summary=f"Sent a test event to {locked.url}",
        partnership_id=locked.partnership_id,
    )
    return message.deliveries.get()
