"""Periodic work, scheduled by the workers themselves: no cron, no single scheduler machine.

Every worker, on every machine, checks each entry once a loop. The first to insert the
ScheduledRun row for (name, period) queues the job; the unique constraint refuses every other
insert, so each period's run is queued exactly once however many schedulers race. The job then has
the engine's retries and time limit like any other. Daily entries run from JOBS_DAILY_AT (local
time) onwards, so a day missed while every worker was down is caught up when one starts.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.jobs.engine import enqueue, job
from portal.jobs.models import ScheduledRun

logger = logging.getLogger("portal.jobs")


@dataclass(frozen=True)
class Entry:
    name: str
    command: str  # a management command: the same work an operator can run by hand
    every_minutes: int = 0  # 0: daily


ENTRIES = [
    Entry("send_reminders", "send_reminders"),
    Entry("expire_memoranda", "expire_memoranda"),
    Entry("purge_students", "purge_students"),
    Entry("verify_audit", "verify_audit"),
    Entry("purge_exports", "purge_exports"),
    Entry("revoke_inactive_calendar_feeds", "revoke_inactive_calendar_feeds"),
    Entry("audit_checkpoint", "audit_checkpoint", every_minutes=15),
]


def slot_for(entry: Entry, now: dt.datetime) -> str | None:
    """The period `now` falls in, or None when a daily entry's time has not come yet today."""
    local = timezone.localtime(now)
    if entry.every_minutes:
        minute = local.minute - local.minute % entry.every_minutes
        return local.replace(minute=minute).strftime("%Y-%m-%dT%H:%M")
    hour_text, _, minute_text = settings.JOBS_DAILY_AT.partition(":")
    if (local.hour, local.minute) < (int(hour_text), int(minute_text or 0)):
        return None
    return local.date().isoformat()


def claim_slot(name: str, slot: str, worker_id: str) -> bool:
    """True for the one caller that claims (name, slot)."""
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(name=name, slot=slot, claimed_by=worker_id[:64])
            return True
    except IntegrityError:
        return False


def queue_due(worker_id: str, now: dt.datetime | None = None) -> list[str]:
    """Queue every entry whose current period nobody has claimed; returns the names queued."""
    if not settings.JOBS_SCHEDULE:
        return []
    now = now or timezone.now()
    queued = []
    for entry in ENTRIES:
        slot = slot_for(entry, now)
        if slot is None:
            continue
        # Cheap check first: almost every loop finds the period already claimed.
        if ScheduledRun.objects.filter(name=entry.name, slot=slot).exists():
            continue
        with transaction.atomic():
            if claim_slot(entry.name, slot, worker_id):
                enqueue(run_scheduled, entry.name, slot)
                queued.append(entry.name)
                logger.info("Scheduled %s for %s", entry.name, slot)
    return queued


@job(max_attempts=3, time_limit=1800, backoff=300)
def run_scheduled(name: str, slot: str) -> str:
    """Run one scheduled entry's command (each is idempotent: a second run the same day does nothing twice)."""
    entry = next(e for e in ENTRIES if e.name == name)
    out = io.StringIO()
    call_command(entry.command, stdout=out, stderr=out)
    return out.getvalue()[-2000:]
