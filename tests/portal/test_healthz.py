"""/healthz answers 200 while the database works and 503 with a reason when it does not."""

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
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize(
    "database",
    [
        {"DATABASE_URL": "postgres://postgres@127.0.0.1:1/portal"},  # nothing listens on port 1
        {"SQLITE_PATH": "/nonexistent-directory/portal.sqlite3"},  # a file that cannot be opened
    ],
    ids=["postgresql-refused", "sqlite-unopenable"],
)
def test_healthz_reports_503_when_the_database_is_unreachable(database):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH"}}
    env.update(database, DEBUG="1", ALLOWED_HOSTS="testserver", DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    assert '"database": "unreachable"' in body
    assert '"status": "error"' in body
    assert '"reason": "OperationalError"' in body
