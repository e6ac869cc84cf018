"""Background jobs (portal/jobs): the worker's retries, time limit and recovery, the schedule's
once-per-period claim, e-mail sent at most once, and exports as jobs. The tests marked postgres run
real `manage.py run_worker` processes against the test database."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail as outbox
from django.core.files.storage import storages
from django.db import connection
from django.test import Client
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from portal.jobs import exports, schedule, worker
from portal.jobs.engine import enqueue
from portal.jobs.models import Export, ExportStatus, OutgoingMail, ScheduledRun
from portal.mail import deliver, queue
from tests.placements.factories import PlacementFactory, placements_world
from tests.portal import job_tasks

ROOT = Path(__file__).resolve().parents[2]


# --- Real worker processes -------------------------------------------------------------------


def _worker_env(tmp_path, **extra) -> dict:
    db = django_settings.DATABASES["default"]
    url = f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "1",
        "JOBS_IN_PROCESS": "0",
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private-media"),
        "JOBS_RECOVERY_GRACE_SECONDS": "0.5",
        "JOBS_RECOVERY_EVERY_SECONDS": "0.2",
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "0",
    }
    env.pop("PORTAL_TESTING", None)
    env.update(_same_file_store())
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _same_file_store() -> dict:
    """When this test keeps files in the S3 bucket (CI), the worker must write to the same bucket
    and prefix, through the PORTAL_S3_* variables production uses."""
    private = django_settings.STORAGES["private"]
    if not private["BACKEND"].endswith("S3Storage"):
        return {}
    options = private["OPTIONS"]
    return {
        "PORTAL_S3_BUCKET": options["bucket_name"],
        "PORTAL_S3_ENDPOINT_URL": options["endpoint_url"],
        "PORTAL_S3_REGION": options["region_name"],
        "PORTAL_S3_PREFIX": options["location"],
        "PORTAL_S3_ADDRESSING_STYLE": options["addressing_style"],
        "AWS_ACCESS_KEY_ID": options["access_key"],
        "AWS_SECRET_ACCESS_KEY": options["secret_key"],
    }


def _start_worker(tmp_path, *args, **extra) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "0.1", "--no-schedule", *args],
        cwd=ROOT,
        env=_worker_env(tmp_path, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _wait_for(condition, seconds: float = 20.0, what: str = "the condition"):
    for _ in range(int(seconds / 0.1)):
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"Timed out waiting for {what}")


def _stop(*processes) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def on_the_queue(settings):
    """Jobs go to the database queue, for a worker to take (not run in this process)."""
    settings.JOBS_IN_PROCESS = False


@pytest.mark.postgres
def test_a_worker_builds_an_export_that_the_progress_page_then_offers(transactional_db, world, on_the_queue, tmp_path):
    placements = placements_world(world)
    for _ in range(40):
        PlacementFactory(partnership=world.partnership, offer=placements["offer"])
    client = Client()
    client.force_login(world.user("coordinator"))
    response = client.get("/placements/?export=csv")
    assert response.status_code == 302
    page_url = response.url
    waiting = client.get(page_url).content.decode()
    assert "Waiting to start" in waiting and 'http-equiv="refresh"' in waiting  # refreshes itself, no JS needed
    export = Export.objects.get()
    started = time.monotonic()
    process = _start_worker(tmp_path, "--batch")
    assert process.wait(timeout=60) == 0, process.stdout.read().decode()
    elapsed = time.monotonic() - started
    export.refresh_from_db()
    assert export.status == ExportStatus.READY, (export.status, export.error)
    total = world.partnership.placements.count() if hasattr(world.partnership, "placements") else None
    ready = client.get(page_url).content.decode()
    assert "Your file is ready" in ready and f"{export.rows_done} rows" in ready and 'http-equiv="refresh"' not in ready
    download = client.get(f"{page_url}download/")
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Partnership", "Year", "Student"]
    assert len(rows) - 1 == export.rows_done == export.rows_total == (total or export.rows_done) >= 41
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    print(f"export job: {export.rows_done} rows, worker start to finish {elapsed:.2f} s")


@pytest.mark.postgres
def test_a_job_whose_worker_is_killed_is_finished_once_by_another(transactional_db, on_the_queue, tmp_path):
    folder = tmp_path / "traces"
    folder.mkdir()
    enqueue(job_tasks.slow_first_time, str(folder))
    first = _start_worker(tmp_path, "--worker-id", "first")
    try:
        _wait_for(lambda: (folder / "attempts").exists(), what="the first attempt to start")
        first.send_signal(signal.SIGKILL)  # mid-job: no chance to tidy up
        first.wait(timeout=10)
        row = DBTaskResult.objects.get()
        assert row.status == TaskResultStatus.RUNNING  # abandoned, as a dead worker leaves it
        second = _start_worker(tmp_path, "--worker-id", "second")
        try:
            _wait_for(
                lambda: DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL, what="the second worker"
            )
        finally:
            _stop(second)
    finally:
        _stop(first)
    row = DBTaskResult.objects.get()
    assert row.worker_ids == ["first", "second"]
    assert (folder / "done").read_text().splitlines() == ["done"]  # finished exactly once
    assert len((folder / "attempts").read_text().splitlines()) == 2


@pytest.mark.postgres
def test_a_dead_worker_s_long_job_is_taken_over_once_its_heartbeat_stops(transactional_db, on_the_queue, tmp_path):
    """The job's time limit is ten minutes; the heartbeat lets another worker take it over within
    seconds of the first worker's death instead."""
    folder = tmp_path / "traces"
    folder.mkdir()
    enqueue(job_tasks.long_job_with_traces, str(folder), 120)
    quick = {"JOBS_HEARTBEAT_SECONDS": 0.2, "JOBS_WORKER_STALE_SECONDS": 1.5}
    first = _start_worker(tmp_path, "--worker-id", "first", **quick)
    try:
        _wait_for(lambda: (folder / "attempts").exists(), what="the first attempt to start")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        killed_at = time.monotonic()
        second = _start_worker(tmp_path, "--worker-id", "second", **quick)
        try:
            _wait_for(
                lambda: DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL,
                seconds=30,
                what="the second worker to take the job over",
            )
        finally:
            _stop(second)
    finally:
        _stop(first)
    taken_over_after = time.monotonic() - killed_at
    assert taken_over_after < 30 < 600  # far inside the ten-minute time limit
    assert DBTaskResult.objects.get().worker_ids == ["first", "second"]
    assert (folder / "done").read_text().splitlines() == ["done"]


@pytest.mark.postgres
def test_a_live_worker_s_long_job_is_not_taken_from_it(transactional_db, on_the_queue, tmp_path):
    folder = tmp_path / "traces"
    folder.mkdir()
    enqueue(job_tasks.long_job_with_traces, str(folder), 4)
    quick = {"JOBS_HEARTBEAT_SECONDS": 0.2, "JOBS_WORKER_STALE_SECONDS": 1.5}
    first = _start_worker(tmp_path, "--worker-id", "first", **quick)
    try:
        _wait_for(lambda: (folder / "attempts").exists(), what="the first attempt to start")
        second = _start_worker(tmp_path, "--worker-id", "second", **quick)
        try:
            _wait_for(
                lambda: DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL,
                seconds=30,
                what="the first worker to finish",
            )
        finally:
            _stop(second)
    finally:
        _stop(first)
    # Running past the stale limit (4 s against 1.5 s) did not make the job look abandoned.
    assert DBTaskResult.objects.get().worker_ids == ["first"]
    assert len((folder / "attempts").read_text().splitlines()) == 1
    # A long-running worker loads the PDF renderer when it starts, not in the first signer's job.
    assert "PDF rendering ready in" in first.stdout.read().decode()


@pytest.mark.postgres
def test_a_mail_outage_retries_the_email_then_shows_it_failed(transactional_db, on_the_queue, tmp_path):
    message = queue("someone@example.org", "Hello", "Body\n", template="test")
    process = _start_worker(
        tmp_path,
        EMAIL_URL="smtp://127.0.0.1:1",  # nothing listens there
        EMAIL_BACKEND="",
        JOBS_MAX_ATTEMPTS=3,
        JOBS_BACKOFF_SECONDS=0.1,
    )
    try:
        _wait_for(lambda: DBTaskResult.objects.get().status == TaskResultStatus.FAILED, what="the last attempt")
    finally:
        _stop(process)
    row = DBTaskResult.objects.get()
    assert len(row.worker_ids) == 3 and "ConnectionRefusedError" in row.traceback
    message.refresh_from_db()
    assert message.failed and message.attempts == 3 and message.sent_at is None and not message.uncertain


@pytest.mark.postgres
def test_two_schedulers_at_once_queue_each_periodic_job_once(transactional_db, tmp_path):
    env = _worker_env(tmp_path, JOBS_DAILY_AT="00:00")
    command = [sys.executable, "manage.py", "run_worker", "--schedule-only"]
    processes = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE) for _ in range(2)]
    outputs = [p.communicate(timeout=60)[0].decode() for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs
    names = sorted(ScheduledRun.objects.values_list("name", flat=True))
    assert names == sorted(e.name for e in schedule.ENTRIES)
    queued = sorted(r.args_kwargs["args"][0] for r in DBTaskResult.objects.filter(task_path__endswith="run_scheduled"))
    assert queued == names  # each once, however the two raced
    assert len({r.claimed_by for r in ScheduledRun.objects.all()}) in (1, 2)


@pytest.mark.postgres
def test_a_running_worker_keeps_its_heartbeat_and_healthz_counts_it(
    transactional_db, on_the_queue, tmp_path, frozen_clock
):
    from time_machine import escape_hatch

    from portal.jobs.models import WorkerHeartbeat

    # The worker writes the real time; this process's clock is moved there so the stale window
    # compares like with like (the test does not depend on which day it runs).
    frozen_clock.move_to(dt.datetime.fromtimestamp(escape_hatch.time.time(), tz=dt.UTC))
    process = _start_worker(tmp_path, "--worker-id", "beating-worker", JOBS_HEARTBEAT_SECONDS="0.2")
    try:
        first = _wait_for(
            lambda: WorkerHeartbeat.objects.filter(worker_id="beating-worker").first(), what="the first heartbeat"
        )
        assert first.pid == process.pid and first.seen_at >= first.started_at
        _wait_for(
            lambda: WorkerHeartbeat.objects.get(worker_id="beating-worker").seen_at > first.seen_at,
            what="a later heartbeat",
        )
        frozen_clock.move_to(dt.datetime.fromtimestamp(escape_hatch.time.time(), tz=dt.UTC))
        body = Client().get("/healthz").json()
    finally:
        _stop(process)
    assert body["queue"] == "ok"
    assert body["checks"]["queue"]["workers"] >= 1 and body["checks"]["queue"]["oldest_waiting_seconds"] == 0
    assert WorkerHeartbeat.objects.filter(worker_id="beating-worker").count() == 1  # one row, updated


# --- The worker's rules, in this process (any database) ------------------------------------


def test_a_job_past_its_time_limit_is_stopped_and_retried_after_a_back_off(db, on_the_queue):
    enqueue(job_tasks.too_slow)
    row = worker.claim("w1")
    started = time.monotonic()
    assert worker.run(row) is False
    assert time.monotonic() - started < 2  # stopped at 0.3 s, not after its 5 s sleep
    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY and "JobTimeLimit" in row.exception_class_path
    assert row.run_after > row.started_at + dt.timedelta(seconds=4)  # the back-off
    assert worker.claim("w2") is None  # not before the back-off
    row.run_after = row.started_at
    row.save()
    again = worker.claim("w2")
    assert worker.run(again) is False
    again.refresh_from_db()
    assert again.status == TaskResultStatus.FAILED and again.worker_ids == ["w1", "w2"]  # its last attempt


def test_recovery_leaves_a_job_within_its_time_limit_alone(db, on_the_queue, settings):
    settings.JOBS_RECOVERY_GRACE_SECONDS = 0
    enqueue(job_tasks.slow_first_time, "/nowhere")
    row = worker.claim("w1")
    assert worker.recover(now=row.started_at + dt.timedelta(seconds=1)) == 0
    assert worker.recover(now=row.started_at + dt.timedelta(seconds=3)) == 1
    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY


def test_a_day_is_claimed_once_and_not_before_its_time(db, on_the_queue, settings, frozen_clock):
    settings.JOBS_DAILY_AT = "06:15"
    early = dt.datetime(2026, 11, 16, 5, 0, tzinfo=dt.UTC)  # 05:00 in London
    assert "send_reminders" not in schedule.queue_due("a", now=early)
    later = dt.datetime(2026, 11, 16, 7, 0, tzinfo=dt.UTC)
    assert "send_reminders" in schedule.queue_due("a", now=later)
    assert schedule.queue_due("b", now=later) == []
    assert ScheduledRun.objects.filter(name="send_reminders", slot="2026-11-16").count() == 1


# --- E-mail at most once ----------------------------------------------------------------------


def test_an_email_is_sent_once_however_often_its_job_runs(db):
    message = queue("once@example.org", "Once", "Body\n")  # in process: delivered at once
    deliver.call(message.pk)
    deliver.call(message.pk)
    assert [m.to for m in outbox.outbox] == [["once@example.org"]]
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 1


def test_an_email_whose_sender_died_mid_send_is_not_sent_again(db, on_the_queue):
    message = queue("maybe@example.org", "Maybe", "Body\n")
    OutgoingMail.objects.filter(pk=message.pk).update(sending_since=message.created_at)  # as a killed worker leaves it
    assert deliver.call(message.pk) == "uncertain"
    assert outbox.outbox == []
    message.refresh_from_db()
    assert message.failed and message.uncertain


def test_a_rolled_back_change_queues_no_email(db, on_the_queue):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        queue("never@example.org", "Never", "Body\n")
        raise RuntimeError
    assert not OutgoingMail.objects.exists() and not DBTaskResult.objects.exists()


# --- Exports ----------------------------------------------------------------------------------


def test_running_an_export_job_again_leaves_one_file(world, client_for, settings, on_the_queue):
    placements_world(world)
    client_for("coordinator").get("/placements/?export=xlsx")
    export = Export.objects.get()
    assert exports.build_export.call(export.pk) == "1 rows"
    Export.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING)  # as if the worker died after writing
    exports.build_export.call(export.pk)
    assert exports.build_export.call(export.pk) == "nothing to do"
    _, files = storages["private"].listdir("exports")
    assert files == [f"export-{export.pk}.xlsx"]


def test_asking_again_for_the_same_export_reuses_it(world, client_for, on_the_queue):
    placements_world(world)
    client = client_for("lead")
    first = client.get("/placements/?export=csv")
    second = client.get("/placements/?export=csv")
    assert first.url == second.url and Export.objects.count() == 1 and DBTaskResult.objects.count() == 1
    assert client.get("/placements/?export=xlsx").url != first.url


def test_export_files_are_deleted_after_the_keeping_time(world, client_for, frozen_clock, settings):
    settings.EXPORT_KEEP_DAYS = 7
    placements_world(world)
    client = client_for("coordinator")
    page = client.get("/placements/?export=csv").url
    export = Export.objects.get()
    assert storages["private"].exists(export.file)
    frozen_clock.shift(dt.timedelta(days=6))
    assert exports.purge_expired() == 0
    frozen_clock.shift(dt.timedelta(days=2))
    assert exports.purge_expired() == 1
    assert not storages["private"].exists(export.file)
    client = client_for("coordinator")  # signed in again: the session lapsed meanwhile
    assert "was deleted" in client.get(page).content.decode()
    assert client.get(page + "download/").status_code == 404


def test_a_failed_export_says_so(world, client_for, on_the_queue):
    placements_world(world)
    client = client_for("coordinator")
    page = client.get("/placements/?export=csv").url
    export = Export.objects.get()
    exports._export_failed(export.pk)
    assert "could not be prepared" in client.get(page).content.decode()


def test_on_the_database_the_export_waits_for_a_worker(world, client_for, on_the_queue):
    placements_world(world)
    client_for("coordinator").get("/placements/?export=csv")
    assert Export.objects.get().status == ExportStatus.WAITING
    assert connection.vendor in ("postgresql", "sqlite")


# --- The signed PDF --------------------------------------------------------------------------


def test_the_last_signature_returns_at_once_and_the_pdf_follows_from_its_job(world, client_for, on_the_queue):
    from memoranda.services.signing import seal_signed_pdf
    from portal.models import AuditEvent, User
    from tests.memoranda.factories import awaiting_memorandum, sign_as
    from tests.memoranda.test_signing import _form

    m, version = awaiting_memorandum(world)
    sign_as(world.user("signatory"), version)
    last = User.objects.get(email="uma@matrix.test")
    client = Client()
    client.force_login(last)
    started = time.monotonic()
    response = client.post(f"/memoranda/{m.pk}/sign/", _form(version, typed_name=last.full_name))
    signing_seconds = time.monotonic() - started
    assert response.status_code == 302
    version.refresh_from_db()
    assert not version.pdf and not version.pdf_sha256  # not rendered in the request
    job = DBTaskResult.objects.get(task_path__endswith="seal_signed_pdf")
    preparing = client.get(f"/memoranda/{m.pk}/pdf/")
    assert preparing.status_code == 202 and "being prepared" in preparing.content.decode()
    outbox.outbox.clear()
    digest = seal_signed_pdf.call(*job.args_kwargs["args"])  # what the worker runs
    assert seal_signed_pdf.call(*job.args_kwargs["args"]) == "nothing to do"  # a second run changes nothing
    version.refresh_from_db()
    assert version.pdf_sha256 == digest
    event = AuditEvent.objects.get(action="memorandum.pdf_sealed")
    assert event.changes["pdf_sha256"] == [None, digest]
    assert OutgoingMail.objects.filter(template="memoranda/email/signed").exclude(body__contains=digest).count() == 0
    assert OutgoingMail.objects.filter(template="memoranda/email/signed").exists()
    pdf = client.get(f"/memoranda/{m.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Disposition"].startswith("attachment")
    print(f"last signature request without the PDF: {signing_seconds * 1000:.0f} ms")


def test_site_administrators_see_failed_jobs_and_unsent_email_in_the_admin(world, client_for, on_the_queue):
    message = queue("failing@example.org", "Failing", "Body\n")
    row = DBTaskResult.objects.get()
    row.claim("w1")
    row.set_failed(ConnectionRefusedError("no mail server"))
    OutgoingMail.objects.filter(pk=message.pk).update(failed=True, last_error="ConnectionRefusedError")
    admin = client_for("admin")
    jobs = admin.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED").content.decode()
    assert "deliver" in jobs and str(row.id) in jobs
    assert "failing@example.org" in admin.get("/admin/portal/outgoingmail/?failed__exact=1").content.decode()
    assert client_for("lead").get("/admin/django_tasks_database/dbtaskresult/").status_code == 302  # not for others
