"""Delivering messages in the background: one job per attempt (portal.jobs).

An attempt signs the message with every secret signing now, POSTs it (webhooks/transport.py) and
logs the outcome on its Delivery row. A 2xx reply is a success; anything else (another status, a
redirect, no reply in time, an address refused) is a failure, and the next attempt is a new
Delivery row queued after the next delay of WEBHOOKS_RETRY_SECONDS (1 min, 5 min, 30 min, 2 h,
6 h, 12 h). An endpoint that has failed WEBHOOKS_DISABLE_AFTER_FAILURES attempts in a row over at
least WEBHOOKS_DISABLE_AFTER_HOURS is disabled, and the partnership's leads are e-mailed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Membership, Role
from portal.audit import record
from portal.jobs.engine import DATABASE, enqueue, job
from portal.links import absolute_url
from portal.mail import send_now
from webhooks import signing, transport
from webhooks.actions import Action
from webhooks.models import Delivery, DeliveryStatus, Endpoint, EventType

logger = logging.getLogger(__name__)

DEFAULT_RETRY_SECONDS = (60, 300, 1800, 7200, 21600, 43200)
DEFAULT_LOG_DAYS = 90


def retry_delays() -> tuple[float, ...]:
    return tuple(getattr(settings, "WEBHOOKS_RETRY_SECONDS", None) or DEFAULT_RETRY_SECONDS)


def max_attempts() -> int:
    return len(retry_delays()) + 1


def body_of(message) -> bytes:
    """The exact bytes sent (and signed): compact JSON with keys in a fixed order."""
    return json.dumps(message.payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def queue_attempt(delivery: Delivery) -> None:
    """Queue the job for one attempt in the caller's transaction; later attempts wait their turn
    (`run_after`) on the database queue. In process (tests, JOBS_IN_PROCESS) an attempt due now
    runs after the commit; a later one waits for `manage.py deliver_webhooks`."""
    if not settings.JOBS_IN_PROCESS:
        deliver_attempt.using(backend=DATABASE, run_after=delivery.scheduled_for).enqueue(delivery.pk)
    elif delivery.scheduled_for <= timezone.now():
        enqueue(deliver_attempt, delivery.pk)


def _attempt_lost(delivery_id: int) -> None:
    """The job died (its worker stopped, or past its time limit): log it as a failed attempt."""
    delivery = Delivery.objects.filter(
        pk=delivery_id, status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]
    ).first()
    if delivery is not None:
        _finish(delivery, response=None, error="The attempt stopped before it finished")


@job(max_attempts=1, time_limit=60, on_failure=_attempt_lost)
def deliver_attempt(delivery_id: int) -> str:
    """Make one delivery attempt (at most once: a second job for the same row does nothing)."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update().select_related("endpoint", "message").filter(pk=delivery_id).first()
        )
        if delivery is None or delivery.status != DeliveryStatus.PENDING:
            return "nothing to do"
        endpoint = delivery.endpoint
        if not endpoint.enabled:
            delivery.status, delivery.error = DeliveryStatus.CANCELLED, "The endpoint is disabled"
            delivery.finished_at = timezone.now()
            delivery.save(update_fields=["status", "error", "finished_at"])
            return "endpoint disabled"
        delivery.status, delivery.started_at = DeliveryStatus.SENDING, timezone.now()
        delivery.save(update_fields=["status", "started_at"])
        secrets_now = [s.secret for s in endpoint.signing_secrets()]
    body = body_of(delivery.message)
    timestamp = int(timezone.now().timestamp())
    headers = signing.headers(secrets_now, delivery.message.msg_id, timestamp, body)
    response, error = None, ""
    try:
        response = transport.post(endpoint.url, body, headers)
    except transport.Refused as exc:
        error = f"Not sent: {exc}"
    except TimeoutError:
        error = f"No reply within {getattr(settings, 'WEBHOOKS_TIMEOUT_SECONDS', 10)} seconds"
    except OSError as exc:
        error = f"Could not connect: {exc}"[:500]
    except Exception as exc:  # a malformed reply (http.client.HTTPException) and the like
        error = f"{type(exc).__name__}: {exc}"[:500]
    if response is not None and not 200 <= response.status < 300:
        error = (
            "Redirects are not followed" if 300 <= response.status < 400 else f"The endpoint answered {response.status}"
        )
    return _finish(delivery, response=response, error=error)


def _finish(delivery: Delivery, *, response, error: str) -> str:
    now = timezone.now()
    is_test = delivery.message.event_type == EventType.TEST
    with transaction.atomic():
        endpoint = Endpoint.objects.select_for_update().select_related("partnership").get(pk=delivery.endpoint_id)
        delivery.finished_at = now
        if response is not None:
            delivery.response_code = response.status
            delivery.response_excerpt = response.excerpt
            delivery.duration_ms = response.duration_ms
        delivery.error = error[:500]
        if not error:
            delivery.status = DeliveryStatus.SUCCEEDED
            if not is_test:
                endpoint.consecutive_failures, endpoint.failing_since, endpoint.last_success_at = 0, None, now
                endpoint.save(update_fields=["consecutive_failures", "failing_since", "last_success_at"])
            delivery.save()
            return "delivered"
        delivery.status = DeliveryStatus.FAILED
        if is_test:  # a test is not retried and does not count towards disabling
            delivery.save()
            return "test failed"
        endpoint.consecutive_failures += 1
        endpoint.failing_since = endpoint.failing_since or (delivery.started_at or now)
        endpoint.save(update_fields=["consecutive_failures", "failing_since"])
        delays = retry_delays()
        if delivery.attempt <= len(delays) and endpoint.enabled:
            delivery.next_attempt_at = now + dt.timedelta(seconds=delays[delivery.attempt - 1])
        delivery.save()
        if _should_disable(endpoint, now):
            disable_after_failures(endpoint)
        elif delivery.next_attempt_at is not None:
            queue_attempt(
                Delivery.objects.create(
                    endpoint=endpoint,
                    message=delivery.message,
                    attempt=delivery.attempt + 1,
                    scheduled_for=delivery.next_attempt_at,
                )
            )
    return "failed"


def _should_disable(endpoint: Endpoint, now: dt.datetime) -> bool:
    failures = int(getattr(settings, "WEBHOOKS_DISABLE_AFTER_FAILURES", 5))
    hours = float(getattr(settings, "WEBHOOKS_DISABLE_AFTER_HOURS", 24))
    if not endpoint.enabled or endpoint.consecutive_failures < failures or endpoint.failing_since is None:
        return False
    return now - endpoint.failing_since >= dt.timedelta(hours=hours)


def disable_after_failures(endpoint: Endpoint) -> None:
    """Disable a failing endpoint, stop its waiting attempts and tell the partnership's leads."""
    endpoint.enabled = False
    endpoint.disabled_at = timezone.now()
    endpoint.disabled_reason = (
        f"Disabled by the portal after {endpoint.consecutive_failures} failed deliveries in a row"
    )
    endpoint.revision += 1
    endpoint.save(update_fields=["enabled", "disabled_at", "disabled_reason", "revision", "updated_at"])
    Delivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.CANCELLED, error="The endpoint was disabled", finished_at=timezone.now()
    )
    record(
        None,
        Action.ENDPOINT_DISABLED_AFTER_FAILURES,
        endpoint,
        changes={"enabled": [True, False]},
        summary=f"Disabled the webhook endpoint {endpoint.url} after {endpoint.consecutive_failures} failed deliveries",
        partnership_id=endpoint.partnership_id,
    )
    leads = [
        m.user
        for m in Membership.objects.filter(partnership=endpoint.partnership, role=Role.LEAD).select_related("user")
    ]
    send_now(
        "webhooks/email/endpoint_disabled",
        {
            "endpoint": endpoint,
            "partnership": endpoint.partnership,
            "endpoint_url": absolute_url(reverse("webhooks:detail", args=[endpoint.partnership.slug, endpoint.pk])),
        },
        leads,
    )
    logger.warning("Webhook endpoint %s disabled after %d failures", endpoint.pk, endpoint.consecutive_failures)


def deliver_due(now: dt.datetime | None = None) -> int:
    """Queue every waiting attempt whose time has come and that no job holds: what runs retries
    in process (JOBS_IN_PROCESS) and catches up after an outage. Returns how many it queued."""
    now = now or timezone.now()
    count = 0
    for delivery in Delivery.objects.filter(status=DeliveryStatus.PENDING, scheduled_for__lte=now).order_by(
        "scheduled_for"
    ):
        with transaction.atomic():
            if settings.JOBS_IN_PROCESS:
                enqueue(deliver_attempt, delivery.pk)
            else:
                deliver_attempt.using(backend=DATABASE).enqueue(delivery.pk)
        count += 1
    return count


def purge_old_log(today: dt.date) -> int:
    """Delete messages (and their delivery rows) older than WEBHOOKS_LOG_DAYS."""
    from webhooks.models import Message

    days = int(getattr(settings, "WEBHOOKS_LOG_DAYS", DEFAULT_LOG_DAYS))
    cutoff = timezone.now() - dt.timedelta(days=days)
    deleted, _ = (
        Message.objects.filter(created_at__lt=cutoff).exclude(deliveries__status=DeliveryStatus.PENDING).delete()
    )
    return deleted
