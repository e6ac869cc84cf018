"""Logs with request and job ids (JSON or text), and error reports without personal data."""

import gzip
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.conf import settings

from portal.observability import scrub_event


def _run(code: str, tmp_path, **env) -> subprocess.CompletedProcess:
    """Python in a fresh process with the portal's settings as the environment makes them."""
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "LOG_FORMAT", "SENTRY_DSN", "DEBUG"}}
    base.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        ALLOWED_HOSTS="testserver",
        PORTAL_TESTING="0",
        **env,
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=base, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result


REQUEST_AND_JOB = """
import django, logging; django.setup()
from django.test import Client
from portal.observability import job_context
r = Client().get('/no-such-page/', HTTP_X_REQUEST_ID='req-42')
print('header', r['X-Request-ID'])
with job_context(7):
    logging.getLogger('portal.jobs').warning('Export %s done', 'placements', extra={'rows': 12})
try:
    1 / 0
except ZeroDivisionError:
    logging.getLogger('portal').exception('It broke\\non two lines')
"""


def test_json_logs_are_one_object_per_line_with_the_request_and_job_ids(tmp_path):
    result = _run(REQUEST_AND_JOB, tmp_path, LOG_FORMAT="json", DEBUG="1")
    assert "header req-42" in result.stdout
    records = [json.loads(line) for line in result.stderr.strip().splitlines()]  # every line is JSON
    not_found = next(r for r in records if r["logger"] == "django.request")
    assert (not_found["level"], not_found["message"], not_found["request_id"]) == (
        "WARNING",
        "Not Found: /no-such-page/",
        "req-42",
    )
    job = next(r for r in records if r["logger"] == "portal.jobs")
    assert (job["message"], job["job_id"], job["request_id"], job["rows"]) == ("Export placements done", "7", "", 12)
    broken = next(r for r in records if r["logger"] == "portal")
    assert broken["message"] == "It broke\non two lines" and "ZeroDivisionError" in broken["exception"]


def test_text_logs_are_the_default_with_debug_and_json_without(tmp_path):
    text = _run(REQUEST_AND_JOB, tmp_path, DEBUG="1").stderr
    assert "WARNING django.request [request req-42] Not Found: /no-such-page/" in text
    assert "WARNING portal.jobs [job 7] Export placements done" in text
    show = "from config import settings; print(settings.LOG_FORMAT)"
    production = {"SECRET_KEY": "x" * 50, "AUDIT_HMAC_KEY": "y" * 50, "DEBUG": "0"}
    assert _run(show, tmp_path, **production).stdout.strip() == "json"
    assert _run(show, tmp_path, DEBUG="1").stdout.strip() == "text"
    assert _run(show, tmp_path, DEBUG="1", LOG_FORMAT="json").stdout.strip() == "json"


def test_the_request_id_is_taken_from_the_header_only_when_it_is_plain(client, db):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.1").headers["X-Request-ID"] == "lb-7f3a.1"
    made_up = client.get("/healthz", HTTP_X_REQUEST_ID='x"} injected\n').headers["X-Request-ID"]
    assert len(made_up) == 32 and int(made_up, 16) >= 0
    assert client.get("/healthz").headers["X-Request-ID"] != made_up


EVENT = {
    "message": "Invitation for ann.smith@example.org failed",
    "user": {"id": 12, "email": "ann.smith@example.org", "username": "ann.smith@example.org", "ip_address": "10.0.0.9"},
    "request": {
        "url": "https://portal.example.org/memoranda/4/sign/",
        "method": "POST",
        "query_string": "next=/x&email=bob%40example.org&who=bob@example.org",
        "data": {"typed_name": "Ann Smith", "password": "hunter22"},
        "cookies": {"sessionid": "abc"},
        "headers": {"Cookie": "sessionid=abc", "Authorization": "Bearer t", "User-Agent": "Firefox"},
    },
    "exception": {
        "values": [
            {
                "type": "IntegrityError",
                "value": "Key (email)=(ann.smith@example.org) already exists",
                "stacktrace": {
                    "frames": [
                        {
                            "filename": "memoranda/services/signing.py",
                            "function": "sign",
                            "vars": {"typed_name": "'Ann Smith'", "user": "<User: ann.smith@example.org>"},
                        }
                    ]
                },
            }
        ]
    },
    "breadcrumbs": {"values": [{"message": "Signed in as ann.smith@example.org", "data": {"full_name": "Ann Smith"}}]},
    "extra": {"signer_name": "Ann Smith", "rows": 3},
    "tags": {"request_id": "req-42"},
    "sdk": {"name": "sentry.python.django", "version": "2.75.0"},
    "contexts": {"runtime": {"name": "CPython", "version": "3.11"}},
}


def test_error_reports_lose_e_mail_addresses_and_names_and_keep_what_debugging_needs():
    scrubbed = scrub_event(json.loads(json.dumps(EVENT)), {})
    text = json.dumps(scrubbed)
    assert "ann.smith" not in text and "bob@example.org" not in text and "bob%40" not in text.replace("%40", "@")
    assert "Ann Smith" not in text and "hunter22" not in text and "sessionid=abc" not in text
    assert "Bearer" not in text and "10.0.0.9" not in text
    assert scrubbed["user"] == {"id": 12}
    assert "data" not in scrubbed["request"] and "cookies" not in scrubbed["request"]
    assert scrubbed["message"] == "Invitation for [e-mail] failed"
    assert scrubbed["exception"]["values"][0]["value"] == "Key (email)=([e-mail]) already exists"
    frame = scrubbed["exception"]["values"][0]["stacktrace"]["frames"][0]
    assert (frame["filename"], frame["function"]) == ("memoranda/services/signing.py", "sign")
    assert scrubbed["request"]["headers"]["User-Agent"] == "Firefox"
    assert scrubbed["extra"]["rows"] == 3 and scrubbed["tags"]["request_id"] == "req-42"
    assert scrubbed["sdk"]["name"] == "sentry.python.django" and scrubbed["contexts"]["runtime"]["name"] == "CPython"


class _Collector(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        elif self.headers.get("Content-Encoding") == "br":
            import brotli  # sentry-sdk compresses with it when it is installed

            body = brotli.decompress(body)
        _Collector.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


SEND_REPORT = """
import django; django.setup()
import sentry_sdk
client = sentry_sdk.get_client()
print('options', client.options['send_default_pii'], client.options['include_local_variables'],
      client.options['before_send'].__name__)
sentry_sdk.set_user({'id': 5, 'email': 'cora@example.org'})
try:
    raise ValueError('No partner for cora@example.org')
except ValueError as exc:
    sentry_sdk.capture_exception(exc)
sentry_sdk.flush(timeout=10)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX subprocess")
def test_with_sentry_dsn_reports_leave_without_personal_data(tmp_path):
    _Collector.received = []
    server = HTTPServer(("127.0.0.1", 0), _Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        dsn = f"http://publickey@127.0.0.1:{server.server_port}/1"
        result = _run(SEND_REPORT, tmp_path, DEBUG="1", SENTRY_DSN=dsn)
    finally:
        server.shutdown()
    assert "options False False scrub_event" in result.stdout
    sent = b"".join(_Collector.received).decode()
    assert "No partner for [e-mail]" in sent
    assert "cora@example.org" not in sent
