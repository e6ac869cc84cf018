"""Jobs on Django's Tasks API (the django-tasks backport; Django 6 has it as `django.tasks`).

The engine is django-tasks-db's DatabaseBackend: a job is a row in the portal's own database, so
PostgreSQL (production) and SQLite (a newcomer's laptop) both work with no other server. What the
backend leaves out is added here, thinly: how many attempts a job gets, the back-off between them
and its time limit (`job(...)`), enqueueing in the caller's transaction (`enqueue`), and the
worker (portal/jobs/worker.py) that applies them and recovers jobs from workers that died.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django_tasks import task

# The DatabaseBackend alias the workers serve, and the in-process one (tests, JOBS_IN_PROCESS=1).
DATABASE = "default"
IN_PROCESS = "in_process"


@dataclasses.dataclass(frozen=True)
class JobOptions:
    max_attempts: int = 5
    time_limit: float = 300.0  # seconds; the worker stops the job (and retries it) after this
    backoff: float = 30.0  # seconds before the 2nd attempt, doubling after each failure
    # Called (in a transaction) with the job's args when its last attempt failed, so the thing the
    # job was for (an e-mail, an export) can say so; the engine's own row keeps the traceback.
    on_failure: Callable | None = None

    def delay_after(self, attempts: int) -> float:
        """Seconds to wait after `attempts` failed attempts: backoff, 2x, 4x... capped at an hour."""
        return min(self.backoff * (2 ** max(attempts - 1, 0)), 3600.0)


_options: dict[str, JobOptions] = {}


def job(*, max_attempts: int = 5, time_limit: float = 300.0, backoff: float = 30.0, on_failure=None, **task_kwargs):
    """Declare a job: a Tasks API task plus the options our worker applies to it."""

    def decorate(func):
        declared = task(**task_kwargs)(func)
        _options[declared.module_path] = JobOptions(max_attempts, time_limit, backoff, on_failure)
        return declared

    return decorate


def options_for(task_path: str) -> JobOptions:
    """A job's options; a task declared with plain @task gets the defaults."""
    return _options.get(task_path, JobOptions())


def scaled(options: JobOptions) -> JobOptions:
    """Options with the operator's overrides (JOBS_MAX_ATTEMPTS, JOBS_BACKOFF_SECONDS,
    JOBS_TIME_LIMIT_SECONDS): tests and small sites shorten them without editing code."""
    changes = {}
    for name, setting in (
        ("max_attempts", "JOBS_MAX_ATTEMPTS"),
        ("backoff", "JOBS_BACKOFF_SECONDS"),
        ("time_limit", "JOBS_TIME_LIMIT_SECONDS"),
    ):
        value = getattr(settings, setting, None)
        if value is not None:
            changes[name] = value
    return dataclasses.replace(options, **changes) if changes else options


def enqueue(declared, *args, in_process: str = "on_commit", **kwargs):
    """Queue a job as part of the caller's transaction.

    On the database backend the job's row is written in the same transaction as the change that
    asked for it: a rollback queues nothing, a commit queues it for certain, and a worker cannot see
    it before the commit. In process (JOBS_IN_PROCESS: tests, or a laptop without a worker) it runs
    after the commit, or at once with in_process="now"."""
    if not settings.JOBS_IN_PROCESS:
        return declared.using(backend=DATABASE).enqueue(*args, **kwargs)
    run = declared.using(backend=IN_PROCESS)
    if in_process == "now":
        return run.enqueue(*args, **kwargs)
    transaction.on_commit(lambda: run.enqueue(*args, **kwargs))
    return None
