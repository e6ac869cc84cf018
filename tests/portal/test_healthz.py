"""/healthz answers 200 while the database, the private file store and the audit chain work, and
503 with a reason when one does not; apps add their own checks through the registry."""

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
    }
    assert body["checks"]["audit"]["events"] == 0


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

    registry.register_health_check(registry.HealthCheck("queue", queue_check, order=30))
    try:
        response = client.get("/healthz")
    finally:
        registry._health_checks.pop("queue")
    assert response.status_code == 503
    body = response.json()
    assert body["queue"] == "error" and body["database"] == "ok"
    assert body["checks"]["queue"]["oldest_waiting_seconds"] == 900
    assert body["reason"] == "no worker seen for 10 minutes"
