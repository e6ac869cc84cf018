"""/healthz answers 200 while the database, the private file store and the audit chain work, and
503 with a reason when one does not; apps add their own checks through the registry."""

import datetime as dt
import io
import os
import subprocess
import sys

import pytest
from django.conf import settings

# The probe runs in a fresh process whose settings point at a database that cannot answer: the
# test database's connection is shared by the whole run (and an in-memory SQLite database cannot
# be closed without destroying it), so breaking it in this process would be a fake.
PROBE = (
    "import django, json; django.setup(); from django.test import Client; "
    "r = Client().get('/healthz'); print(r.status_code, json.dumps(r.json(), sort_keys=True))"
)


@pytest.mark.smoke
@pytest.mark.django_db
def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    # What load balancers and .ci/smoke-production read keeps its place and words.
    assert (body["status"], body["database"], body["storage"], body["audit"]) == ("ok", "ok", "ok", "ok")
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "storage": "ok",
        "audit": "ok",
        "queue": "ok",
    }
    assert body["checks"]["audit"]["events"] == 0
    assert body["checks"]["queue"]["mode"] == "in-process"  # the suite runs jobs in process


@pytest.mark.parametrize(
    "database",
    [
        {"DATABASE_URL": "postgres://postgres@127.0.0.1:1/portal"},  # nothing listens on port 1
        {"SQLITE_PATH": "/nonexistent-directory/portal.sqlite3"},  # a file that cannot be opened
    ],
    ids=["postgresql-refused", "sqlite-unopenable"],
)
def test_healthz_reports_503_when_the_database_is_unreachable(database, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH", "PORTAL_S3_BUCKET"}}
    env.update(database, DEBUG="1", ALLOWED_HOSTS="testserver", DJANGO_SETTINGS_MODULE="config.settings")
    env["PRIVATE_MEDIA_ROOT"] = str(tmp_path)  # the storage check's probe object goes here
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    assert '"database": "unreachable"' in body
    assert '"status": "error"' in body
    assert '"reason": "OperationalError"' in body


@pytest.mark.django_db
def test_healthz_checks_the_audit_chain_head_and_its_latest_checkpoint(client, world, settings, tmp_path):
    from django.core.management import call_command

    from portal.audit import record
    from portal.models import AuditEvent

    settings.AUDIT_CHECKPOINT_DIR = str(tmp_path / "checkpoints")
    event = record(world.user("lead"), "organisation.updated", world.employer, summary="Renamed")
    audit = client.get("/healthz").json()["checks"]["audit"]
    assert (audit["status"], audit["head"], audit["checkpoint"]) == ("ok", event.pk, None)
    call_command("audit_checkpoint", stdout=io.StringIO())
    body = client.get("/healthz").json()
    assert body["audit"] == "ok" and body["checks"]["audit"]["checkpoint"] == event.pk
    # The checkpointed head deleted (rows removed from the end of the trail): the probe fails.
    AuditEvent.objects.filter(pk=event.pk).delete()
    record(world.user("lead"), "organisation.updated", world.employer, summary="Later")
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["database"], body["audit"]) == ("error", "ok", "error")
    assert body["checks"]["audit"]["reason"] == "the checkpointed event is gone"


@pytest.mark.django_db
def test_healthz_fails_when_the_newest_event_was_edited(client, world):
    from portal.audit import record
    from portal.models import AuditEvent

    event = record(world.user("lead"), "organisation.updated", world.employer, summary="Renamed")
    AuditEvent.objects.filter(pk=event.pk).update(summary="Something else")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["audit"]["reason"] == "the newest event does not match its hash"


@pytest.mark.django_db
def test_healthz_writes_reads_and_deletes_a_probe_in_the_file_store(client, settings, tmp_path):
    from portal.storage import private_storage

    assert client.get("/healthz").json()["storage"] == "ok"
    assert private_storage().listdir("healthz") == ([], [])  # the probe object is gone again
    # A store that cannot be written (a file where its folder should be): 503, the rest still reported.
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    folder = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(blocked)}}
    settings.STORAGES = {**settings.STORAGES, "private": folder, "default": folder}
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["database"], body["storage"]) == ("error", "ok", "error")
    assert body["checks"]["storage"]["reason"] in {"NotADirectoryError", "FileExistsError"}


@pytest.mark.s3
@pytest.mark.django_db
def test_healthz_probes_the_bucket(client, bucket, settings):
    from tests import s3server

    assert client.get("/healthz").json()["storage"] == "ok"
    assert bucket.keys() == []  # written, read and deleted
    gone = s3server.storage_config(bucket.endpoint, bucket="no-such-bucket")
    settings.STORAGES = {**settings.STORAGES, "private": gone, "default": gone}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["reason"] == "NoSuchBucket"


@pytest.mark.django_db
def test_an_app_registers_its_own_health_check(client):
    from portal import registry

    def queue_check():
        return registry.HealthResult(False, {"oldest_waiting_seconds": 900}, reason="no worker seen for 10 minutes")

    real = registry._health_checks["queue"]  # portal/jobs/health.py's; put back afterwards
    registry.register_health_check(registry.HealthCheck("queue", queue_check, order=30))
    try:
        response = client.get("/healthz")
    finally:
        registry.register_health_check(real)
    assert response.status_code == 503
    body = response.json()
    assert body["queue"] == "error" and body["database"] == "ok"
    assert body["checks"]["queue"]["oldest_waiting_seconds"] == 900
    assert body["reason"] == "no worker seen for 10 minutes"


# --- The job queue (portal/jobs/health.py) ---------------------------------------------------


@pytest.fixture
def on_the_queue(settings):
    settings.JOBS_IN_PROCESS = False
    settings.JOBS_WORKER_STALE_SECONDS = 120
    settings.JOBS_QUEUE_STALE_SECONDS = 300


def _waiting_job(frozen_clock, seconds: int):
    """A job queued `seconds` ago (on the frozen clock) that no worker has taken."""
    from portal.jobs.engine import enqueue
    from tests.portal import job_tasks

    enqueue(job_tasks.too_slow)
    frozen_clock.shift(seconds)


def _heartbeat(worker_id: str, seconds_ago: float):
    from django.utils import timezone

    from portal.jobs.models import WorkerHeartbeat

    seen = timezone.now() - dt.timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.create(worker_id=worker_id, hostname="web1", pid=1, started_at=seen, seen_at=seen)


@pytest.mark.django_db
def test_the_queue_passes_while_nothing_has_waited_long_even_without_a_worker(client, on_the_queue, frozen_clock):
    body = client.get("/healthz").json()
    assert body["queue"] == "ok"
    assert (body["checks"]["queue"]["workers"], body["checks"]["queue"]["oldest_waiting_seconds"]) == (0, 0)
    _waiting_job(frozen_clock, 60)
    response = client.get("/healthz")
    assert response.status_code == 200
    queue = response.json()["checks"]["queue"]
    assert queue["status"] == "ok" and queue["workers"] == 0 and 60 <= queue["oldest_waiting_seconds"] < 70


@pytest.mark.django_db
def test_no_worker_seen_and_a_job_waiting_too_long_is_a_503(client, on_the_queue, frozen_clock):
    _heartbeat("gone-worker", seconds_ago=121)  # stopped: seen before the stale window
    _waiting_job(frozen_clock, 301)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["database"], body["queue"]) == ("error", "ok", "error")
    assert body["reason"] == "no worker running and jobs waiting"
    queue = body["checks"]["queue"]
    assert queue["workers"] == 0 and queue["oldest_waiting_seconds"] >= 301
    # The page for people reads the same probe: the queue's row is red, in words.
    from tests.portal.test_public_pages import text_of

    page = client.get("/service-status/")
    assert page.status_code == 503
    text = text_of(page)
    assert "Red Not working" in text
    assert "Background work (e-mails and downloads) Red Not working" in text
    assert "Stored data (the database) Green Working" in text


@pytest.mark.django_db
def test_workers_seen_but_a_job_waiting_too_long_is_a_stuck_queue(client, on_the_queue, frozen_clock):
    _waiting_job(frozen_clock, 400)
    _heartbeat("busy-worker", seconds_ago=5)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["reason"] == "jobs waiting too long" and body["checks"]["queue"]["workers"] == 1
    # The job taken (it is no longer waiting): the queue is healthy again.
    from portal.jobs import worker

    worker.claim("busy-worker")
    queue = client.get("/healthz").json()["checks"]["queue"]
    assert (queue["status"], queue["workers"], queue["oldest_waiting_seconds"]) == ("ok", 1, 0)


@pytest.mark.django_db
def test_a_retry_waits_from_when_it_became_due_and_a_later_one_not_at_all(client, on_the_queue, frozen_clock):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    _waiting_job(frozen_clock, 3600)  # queued an hour ago...
    row = DBTaskResult.objects.get()
    row.run_after = timezone.now() - dt.timedelta(seconds=30)  # ...but its retry was due 30 s ago
    row.save(update_fields=["run_after"])
    assert 30 <= client.get("/healthz").json()["checks"]["queue"]["oldest_waiting_seconds"] < 40
    row.run_after = timezone.now() + dt.timedelta(seconds=600)  # not due yet: nothing waits
    row.save(update_fields=["run_after"])
    assert client.get("/healthz").json()["checks"]["queue"]["oldest_waiting_seconds"] == 0


@pytest.mark.django_db
def test_the_worker_updates_its_heartbeat_and_forgets_workers_gone_a_day(on_the_queue, settings, frozen_clock):
    from portal.jobs import worker
    from portal.jobs.models import WorkerHeartbeat

    settings.JOBS_HEARTBEAT_SECONDS = 0
    _heartbeat("long-gone", seconds_ago=25 * 3600)
    _heartbeat("yesterday-evening", seconds_ago=23 * 3600)
    loop = worker.Worker("w-test", schedule=False)
    loop.heartbeat()  # what each pass of loop_once does first (it also closes connections)
    first = WorkerHeartbeat.objects.get(worker_id="w-test")
    assert first.started_at == loop.started_at and first.seen_at >= first.started_at
    assert set(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == {"w-test", "yesterday-evening"}
    frozen_clock.shift(15)
    loop.heartbeat()  # what each pass of loop_once does first (it also closes connections)
    again = WorkerHeartbeat.objects.get(worker_id="w-test")
    assert again.pk == first.pk and (again.seen_at - first.seen_at).total_seconds() >= 15
    assert again.started_at == first.started_at and again.pid == os.getpid()
