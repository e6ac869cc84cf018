"""The queue's part of /healthz: workers record that they are alive (`beat`), and the "queue"
check counts those seen lately and how long the oldest runnable job has waited.

A queue with no worker looks healthy until someone waits for an e-mail or an export, so the check
fails (503) once a runnable job has waited longer than JOBS_QUEUE_STALE_SECONDS: with no worker
seen that is "no worker running"; with workers seen, they are stuck or too few. An empty queue
with no worker passes (nothing is late yet). The probe is public: numbers and short words only.
"""

from __future__ import annotations

import datetime as dt
import os
import socket

from django.conf import settings
from django.db.models import Case, F, When
from django.db.models.functions import Greatest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal.jobs.engine import DATABASE
from portal.jobs.models import WorkerHeartbeat
from portal.registry import HealthCheck, HealthResult, register_health_check

KEEP_HEARTBEATS = dt.timedelta(days=1)


def beat(worker_id: str, started_at: dt.datetime) -> None:
    """One UPDATE while the worker's row exists; the first beat (or one after a prune) creates it."""
    now = timezone.now()
    if WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=now):
        return
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "seen_at": now,
        },
    )


def prune(now: dt.datetime | None = None) -> int:
    """Forget workers not seen for a day (stopped, or their machine is gone)."""
    now = now or timezone.now()
    deleted, _ = WorkerHeartbeat.objects.filter(seen_at__lt=now - KEEP_HEARTBEATS).delete()
    return deleted


def oldest_waiting_seconds(now: dt.datetime) -> float:
    """How long the oldest job a worker could take now has been runnable: since it was queued, or
    since its retry became due (django-tasks-db stores "no run_after" as the largest date)."""
    since = (
        DBTaskResult.objects.ready()
        .filter(backend_name=DATABASE)
        .annotate(
            waiting_since=Case(
                When(run_after__lte=now, then=Greatest(F("enqueued_at"), F("run_after"))),
                default=F("enqueued_at"),
            )
        )
        .order_by("waiting_since")
        .values_list("waiting_since", flat=True)
        .first()
    )
    return max((now - since).total_seconds(), 0.0) if since else 0.0


def check_queue() -> HealthResult:
    if settings.JOBS_IN_PROCESS:
        return HealthResult(True, {"mode": "in-process"})
    now = timezone.now()
    seen_since = now - dt.timedelta(seconds=settings.JOBS_WORKER_STALE_SECONDS)
    workers = WorkerHeartbeat.objects.filter(seen_at__gte=seen_since).count()
    waiting = oldest_waiting_seconds(now)
    detail = {"workers": workers, "oldest_waiting_seconds": round(waiting)}
    if waiting <= settings.JOBS_QUEUE_STALE_SECONDS:
        return HealthResult(True, detail)
    if workers == 0:
        return HealthResult(False, detail, reason="no worker running and jobs waiting")
    return HealthResult(False, detail, reason="jobs waiting too long")


register_health_check(HealthCheck("queue", check_queue, order=30))
