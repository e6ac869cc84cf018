"""Delivery through the job engine: a real local receiver, retries with back-off, the log, the
endpoint disabled after repeated failure (and the leads told), and addresses refused (SSRF)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.memoranda.factories import awaiting_memorandum
from webhooks import delivery as delivery_module
from webhooks import services, transport
from webhooks.actions import Action
from webhooks.models import Delivery, DeliveryStatus, EventType

ROOT = Path(__file__).resolve().parents[2]


def test_a_500_is_retried_after_the_back_off_by_the_job_engine_and_the_second_attempt_succeeds(
    world, endpoint_for, receiver, on_the_queue, run_jobs, client_for
):
    endpoint = endpoint_for(EventType.MEMORANDUM_SENT)
    receiver.statuses = [500]
    memorandum, version = awaiting_memorandum(world)  # the real action: a lead sends it for signature
    started = timezone.now()
    assert run_jobs() >= 2
    first, second = receiver.wait_for(2)
    assert (first.status, second.status) == (500, 200)
    assert first.verified_with and second.verified_with  # both signed with the endpoint's secret
    assert first.headers["webhook-id"] == second.headers["webhook-id"]  # the same message, retried
    assert first.json == second.json and first.json["type"] == "memorandum.sent_for_signature"
    attempts = list(Delivery.objects.filter(endpoint=endpoint).order_by("attempt"))
    assert [(a.attempt, a.status, a.response_code) for a in attempts] == [
        (1, DeliveryStatus.FAILED, 500),
        (2, DeliveryStatus.SUCCEEDED, 200),
    ]
    # The retry waited for the first back-off (one minute), on the engine's own queue.
    assert attempts[0].next_attempt_at == attempts[1].scheduled_for
    assert attempts[1].started_at - attempts[0].finished_at >= dt.timedelta(seconds=60)
    assert attempts[1].started_at - started < dt.timedelta(minutes=5)
    assert len(attempts[0].response_excerpt) == transport.RESPONSE_EXCERPT_BYTES  # the 5,000-byte reply, cut
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0 and endpoint.last_success_at is not None
    # The lead sees both attempts and their response codes in the log.
    page = client_for("lead").get(endpoint.get_absolute_url()).content.decode()
    assert "HTTP 500" in page and "HTTP 200" in page
    assert 'govuk-tag--red">Failed' in page and 'govuk-tag--green">Delivered' in page


def test_the_retry_schedule_backs_off(settings):
    settings.WEBHOOKS_RETRY_SECONDS = None
    assert delivery_module.retry_delays() == (60, 300, 1800, 7200, 21600, 43200)
    assert delivery_module.max_attempts() == 7


def test_an_endpoint_failing_again_and_again_is_disabled_and_its_leads_are_emailed(
    world, endpoint_for, receiver, on_the_queue, run_jobs, settings, client_for
):
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 3
    settings.WEBHOOKS_DISABLE_AFTER_HOURS = 0.01  # 36 seconds of failing
    settings.WEBHOOKS_RETRY_SECONDS = [60, 60, 60, 60, 60]
    endpoint = endpoint_for(EventType.MEMORANDUM_SENT)
    receiver.statuses = [503] * 10
    awaiting_memorandum(world)
    run_jobs()
    endpoint.refresh_from_db()
    assert not endpoint.enabled and "3 failed deliveries" in endpoint.disabled_reason
    assert len(receiver.received) == 3  # no attempt after it was disabled
    assert not Delivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING).exists()
    lead = world.user("lead")
    sent = [m for m in mail.outbox if lead.email in m.to]
    assert len(sent) == 1 and sent[0].subject == f"Webhook endpoint disabled: {endpoint.url}"
    assert endpoint.get_absolute_url() in sent[0].body
    from portal.models import AuditEvent

    assert AuditEvent.objects.filter(
        action=Action.ENDPOINT_DISABLED_AFTER_FAILURES, partnership_id=world.partnership.pk
    ).exists()
    page = client_for("lead").get(endpoint.get_absolute_url()).content.decode()
    assert 'govuk-tag--red">Disabled' in page and "Enable again" in page
    # Enabled again, it counts afresh and receives new events.
    services.enable_endpoint(lead, endpoint)
    endpoint.refresh_from_db()
    assert endpoint.enabled and endpoint.consecutive_failures == 0


def test_a_redirect_is_not_followed(world, endpoint_for, receiver, on_the_queue, run_jobs):
    endpoint = endpoint_for(EventType.MEMORANDUM_SENT)
    receiver.statuses = [302]
    awaiting_memorandum(world)
    run_jobs(limit=1)
    first = Delivery.objects.get(endpoint=endpoint, attempt=1)
    assert first.status == DeliveryStatus.FAILED and first.response_code == 302
    assert first.error == "Redirects are not followed"


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.org/events",  # plain http
        "https://127.0.0.1/events",
        "https://10.1.2.3/events",
        "https://192.168.0.10/events",
        "https://169.254.169.254/latest/meta-data",  # cloud metadata
        "https://[::1]/events",
        "https://localhost/events",  # a name that resolves to a loopback address
        "https://printer.local/events",
        "https://user:pass@hooks.example.org/events",
    ],
)
def test_private_loopback_and_plain_http_addresses_are_refused(world, url):
    with pytest.raises(ValidationError) as refused:
        services.add_endpoint(
            world.user("lead"), world.partnership, data={"url": url, "event_types": ["memorandum.signed"]}
        )
    assert "url" in refused.value.message_dict


def test_a_name_that_resolves_to_a_private_address_is_refused_when_sent(
    world, endpoint_for, receiver, on_the_queue, run_jobs, settings
):
    endpoint = endpoint_for(EventType.MEMORANDUM_SENT)
    settings.WEBHOOKS_ALLOW_LOCALHOST_HTTP = False  # as in production: the receiver is on loopback
    settings.WEBHOOKS_RETRY_SECONDS = [60]
    endpoint.url = receiver.url.replace("http://", "https://").replace("127.0.0.1", "localhost")
    endpoint.save()
    awaiting_memorandum(world)
    run_jobs()
    attempts = Delivery.objects.filter(endpoint=endpoint).order_by("attempt")
    assert [a.status for a in attempts] == [DeliveryStatus.FAILED, DeliveryStatus.FAILED]
    assert all(a.error.startswith("Not sent: localhost resolves to") and a.response_code is None for a in attempts)
    assert receiver.received == []  # nothing reached it


def test_the_resolver_refuses_loopback_without_the_test_setting(settings):
    settings.WEBHOOKS_ALLOW_LOCALHOST_HTTP = False
    with pytest.raises(transport.Refused):
        transport.resolve("localhost", 443)
    with pytest.raises(transport.Refused):
        transport.post("http://127.0.0.1:9/x", b"{}", {})


def test_a_slow_endpoint_times_out(world, endpoint_for, on_the_queue, run_jobs, settings):
    import socket

    settings.WEBHOOKS_TIMEOUT_SECONDS = 0.5
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection, never answers
    try:
        endpoint = endpoint_for(EventType.MEMORANDUM_SENT, url=f"http://127.0.0.1:{silent.getsockname()[1]}/")
        awaiting_memorandum(world)
        run_jobs(limit=1)
    finally:
        silent.close()
    first = Delivery.objects.get(endpoint=endpoint, attempt=1)
    assert first.status == DeliveryStatus.FAILED and "No reply within" in first.error


# --- A real worker process --------------------------------------------------------------------


def _worker_env(**extra) -> dict:
    db = django_settings.DATABASES["default"]
    url = f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "1",
        "JOBS_IN_PROCESS": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "0",
        "WEBHOOKS_ALLOW_LOCALHOST_HTTP": "1",
        "WEBHOOKS_RETRY_SECONDS": "1,1",
    }
    env.pop("PORTAL_TESTING", None)
    env.update(extra)
    return env


@pytest.mark.postgres
def test_a_real_worker_process_retries_after_a_500(
    transactional_db, world, endpoint_for, receiver, on_the_queue, settings
):
    settings.WEBHOOKS_RETRY_SECONDS = [1, 1]
    receiver.clock = time_machine.escape_hatch.time.time  # the worker signs on the real clock
    endpoint = endpoint_for(EventType.MEMORANDUM_SENT)
    receiver.statuses = [500]
    with time_machine.travel(time_machine.escape_hatch.time.time(), tick=True):  # the worker's clock
        awaiting_memorandum(world)
        process = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--interval", "0.1", "--no-schedule"],
            cwd=ROOT,
            env=_worker_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            first, second = receiver.wait_for(2, seconds=60)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    assert (first.status, second.status) == (500, 200)
    assert first.verified_with and second.verified_with
    for _ in range(50):
        attempts = list(
            Delivery.objects.filter(endpoint=endpoint)
            .order_by("attempt")
            .values_list("attempt", "status", "response_code")
        )
        if attempts and attempts[-1][1] == DeliveryStatus.SUCCEEDED:
            break
        time.sleep(0.1)
    assert attempts == [(1, DeliveryStatus.FAILED, 500), (2, DeliveryStatus.SUCCEEDED, 200)]
