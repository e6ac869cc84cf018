"""The worker: takes jobs from the database queue and applies what django-tasks-db leaves out.

Any number of workers on any number of machines may run (`manage.py run_worker`). Each loop:
1. recover: a job still marked running belongs to a worker that died when that worker's heartbeat
   is older than JOBS_WORKER_STALE_SECONDS (a worker beats while it runs a job, from a thread), or
   in any case once the job is past its time limit plus JOBS_RECOVERY_GRACE_SECONDS (a live worker
   stops a job at its limit); it is made runnable again, or failed when it has had all its attempts;
2. schedule: claim and queue the periodic work that is due (portal/jobs/schedule.py);
3. claim one ready job (row lock with SKIP LOCKED, so two workers never take the same one) and run
   it under its time limit (SIGALRM); a failure is retried after a back-off, until the last attempt,
   which marks it failed (visible to site administrators in the admin, "Task results").
Attempts are counted by the engine's own `worker_ids` list: one entry per claim.
Every JOBS_HEARTBEAT_SECONDS between jobs the worker also updates its heartbeat row (portal/jobs/
health.py; /healthz counts the workers seen lately), and about hourly deletes rows a day old.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import signal
import threading
import time

from django.conf import settings
from django.db import DatabaseError, OperationalError, close_old_connections, transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from portal.jobs.engine import DATABASE, options_for, scaled
from portal.jobs.models import WorkerHeartbeat

logger = logging.getLogger("portal.jobs")

PRUNE_EVERY_SECONDS = 3600.0


class JobTimeLimit(Exception):
    """The job ran past its time limit and was stopped."""


class WorkerLost(Exception):
    """The worker running the job stopped (killed, or its machine went away) before it finished."""


def _alarm(signum, frame):
    raise JobTimeLimit("The job ran past its time limit")


def recover(now=None) -> int:
    """Make jobs abandoned by dead workers runnable again (or failed after their last attempt)."""
    now = now or timezone.now()
    grace = dt.timedelta(seconds=settings.JOBS_RECOVERY_GRACE_SECONDS)
    silent_since = now - dt.timedelta(seconds=settings.JOBS_WORKER_STALE_SECONDS)
    recovered = 0
    with transaction.atomic():
        stale = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING, backend_name=DATABASE, started_at__lt=now - grace
        )
        rows = list(stale)
        claimed_by = {row.worker_ids[-1] for row in rows if row.worker_ids}
        last_seen = dict(WorkerHeartbeat.objects.filter(worker_id__in=claimed_by).values_list("worker_id", "seen_at"))
        for row in rows:
            options = _options_of(row)
            seen = last_seen.get(row.worker_ids[-1]) if row.worker_ids else None
            # A worker that has gone quiet is dead; one never seen (a job run in a web process,
            # JOBS_IN_PROCESS) is judged by the time limit alone.
            worker_silent = seen is not None and seen < silent_since
            within_limit = row.started_at > now - grace - dt.timedelta(seconds=options.time_limit)
            if within_limit and not worker_silent:
                continue  # its worker may be alive
            if len(row.worker_ids) >= options.max_attempts:
                _fail(row, WorkerLost("The worker stopped during the last attempt"), options)
            else:
                row.status, row.run_after = TaskResultStatus.READY, now
                row.save(update_fields=["status", "run_after"])
            recovered += 1
            logger.warning("Recovered job %s (%s) from a worker that stopped", row.id, row.task_path)
    return recovered


def _options_of(row: DBTaskResult):
    """The job's options; importing its task first is what registers them in this process."""
    try:
        row.task  # noqa: B018 - imports the module that declares the job
    except Exception:
        logger.exception("Job %s names a task that cannot be loaded: %s", row.id, row.task_path)
    return scaled(options_for(row.task_path))


def _fail(row: DBTaskResult, exc: BaseException, options) -> None:
    row.set_failed(exc)
    if options.on_failure is not None:
        try:
            with transaction.atomic():
                options.on_failure(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
        except Exception:
            logger.exception("The failure handler of job %s failed", row.id)


def claim(worker_id: str) -> DBTaskResult | None:
    tasks = DBTaskResult.objects.ready().filter(backend_name=DATABASE)
    try:
        with exclusive_transaction(tasks.db):
            row = tasks.get_locked()
            if row is not None:
                row.claim(worker_id)
            return row
    except OperationalError as exc:  # SQLite busy: try again next loop
        if is_locked_database_exception(exc):
            return None
        raise


def run(row: DBTaskResult) -> bool:
    """Run one claimed job under its time limit; True when it succeeded."""
    options = _options_of(row)
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, options.time_limit)
    try:
        task = row.task
        args = row.args_kwargs
        value = task.call(*args["args"], **args["kwargs"])
        signal.setitimer(signal.ITIMER_REAL, 0)
        row.set_successful(value)
        return True
    except Exception as exc:
        signal.setitimer(signal.ITIMER_REAL, 0)
        logger.warning("Job %s (%s) attempt %d failed: %r", row.id, row.task_path, len(row.worker_ids), exc)
        if len(row.worker_ids) >= options.max_attempts:
            _fail(row, exc, options)
        else:
            _retry_later(row, exc, options)
        return False
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _retry_later(row: DBTaskResult, exc: BaseException, options) -> None:
    """Back to the queue after the back-off; the error stays on the row for the admin to see."""
    from traceback import format_exception

    row.status = TaskResultStatus.READY
    row.run_after = timezone.now() + dt.timedelta(seconds=options.delay_after(len(row.worker_ids)))
    row.exception_class_path = f"{type(exc).__module__}.{type(exc).__qualname__}"
    row.traceback = "".join(format_exception(exc))
    row.save(update_fields=["status", "run_after", "exception_class_path", "traceback"])


@contextlib.contextmanager
def _beating(worker_id: str, started_at: dt.datetime):
    """Keep the heartbeat going from a thread while a job runs, so other workers can tell a long
    export from a dead worker within JOBS_WORKER_STALE_SECONDS (not only after its time limit)."""
    from django.db import connection as thread_connection

    from portal.jobs import health

    done = threading.Event()

    def beat_until_done() -> None:
        try:
            while not done.wait(settings.JOBS_HEARTBEAT_SECONDS):
                try:
                    health.beat(worker_id, started_at)
                except DatabaseError:
                    logger.warning("Worker %s could not record its heartbeat during a job", worker_id)
        finally:
            thread_connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat_until_done, name=f"heartbeat-{worker_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=5)


class Worker:
    def __init__(self, worker_id: str, *, interval: float = 1.0, schedule: bool = True, batch: bool = False):
        self.worker_id, self.interval, self.schedule, self.batch = worker_id, interval, schedule, batch
        self.running = True
        self._last_recovery = self._last_schedule = self._last_beat = self._last_prune = -1e9
        self.started_at = timezone.now()

    def stop(self, signum, frame):
        logger.info("Worker %s stopping after the current job", self.worker_id)
        self.running = False

    def loop_once(self) -> bool:
        """One pass; True when a job ran."""
        from portal.jobs import schedule

        close_old_connections()
        self.heartbeat()
        if time.monotonic() - self._last_recovery >= settings.JOBS_RECOVERY_EVERY_SECONDS:
            recover()
            self._last_recovery = time.monotonic()
        if self.schedule and time.monotonic() - self._last_schedule >= settings.JOBS_SCHEDULE_EVERY_SECONDS:
            schedule.queue_due(self.worker_id)
            self._last_schedule = time.monotonic()
        row = claim(self.worker_id)
        if row is None:
            return False
        with _beating(self.worker_id, self.started_at):
            run(row)
        return True

    def heartbeat(self) -> None:
        """A worker that cannot write its heartbeat still runs jobs: the probe will say so."""
        from portal.jobs import health

        if time.monotonic() - self._last_beat < settings.JOBS_HEARTBEAT_SECONDS:
            return
        try:
            health.beat(self.worker_id, self.started_at)
            if time.monotonic() - self._last_prune >= PRUNE_EVERY_SECONDS:
                health.prune()
                self._last_prune = time.monotonic()
        except DatabaseError:
            logger.exception("Worker %s could not record its heartbeat", self.worker_id)
        self._last_beat = time.monotonic()

    def run_forever(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        logger.info("Worker %s started", self.worker_id)
        while self.running:
            ran = self.loop_once()
            if not ran:
                if self.batch:
                    return
                time.sleep(self.interval)
