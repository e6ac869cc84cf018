"""Fixtures for webhook tests: a local receiver and an endpoint of the world's partnership that
points at it (plain http to 127.0.0.1 is allowed for tests only)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from portal.jobs import worker
from tests.webhooks import receiver as receiver_module
from webhooks import services
from webhooks.models import SUBSCRIBABLE


@pytest.fixture
def local_http(settings):
    settings.WEBHOOKS_ALLOW_LOCALHOST_HTTP = True


@pytest.fixture
def receiver():
    r = receiver_module.Receiver()
    server, thread = receiver_module.start(r)
    yield r
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def endpoint_for(world, receiver, local_http):
    """endpoint_for(*event_types) -> the endpoint; the receiver then knows its secret."""

    def _make(*event_types, url: str | None = None):
        endpoint, secret = services.add_endpoint(
            world.user("lead"),
            world.partnership,
            data={"url": url or receiver.url, "event_types": [str(t) for t in (event_types or SUBSCRIBABLE)]},
        )
        receiver.secrets.append(secret)
        return endpoint

    return _make


@pytest.fixture
def on_the_queue(settings):
    """Jobs go to the database queue and are run by the real worker code (`run_jobs`)."""
    settings.JOBS_IN_PROCESS = False


@pytest.fixture
def run_jobs(frozen_clock):
    """Run queued jobs with the worker's own claim/run, moving the clock on to the next job's
    `run_after` when none is ready; stops when the queue is empty or after `limit` jobs."""

    def _run(limit: int = 50) -> int:
        ran = 0
        while ran < limit:
            row = worker.claim("test-worker")
            if row is None:
                waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY).order_by("run_after").first()
                if waiting is None:
                    return ran
                frozen_clock.move_to(max(waiting.run_after, timezone.now()) + dt.timedelta(seconds=1))
                continue
            worker.run(row)
            ran += 1
        return ran

    return _run
