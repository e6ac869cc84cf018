"""Settings come from the environment; serving in production refuses to start without a
SECRET_KEY, while build steps that sign nothing (makemigrations, check) run without one."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

BASE = str(settings.BASE_DIR)
# Variables a developer's shell or the test run itself may have set; production has none of them.
# (The browser fixture sets DJANGO_ALLOW_ASYNC_UNSAFE, which the deploy check rightly refuses.)
LOCAL_ONLY = {
    "SECRET_KEY",
    "AUDIT_HMAC_KEY",
    "AUDIT_HMAC_KEYS",
    "DEBUG",
    "PORTAL_TESTING",
    "DATABASE_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "SITE_URL",
}
PRODUCTION_SITE = "https://portal.example.org"
PRODUCTION_KEY = "a-long-random-production-secret-key-for-the-deploy-check-0123456789"
AUDIT_KEY = "a-long-random-audit-chain-key-kept-outside-the-database-0123456789"


def _env(**env) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in LOCAL_ONLY}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return clean


def _run(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE, env=_env(**env), capture_output=True, text=True, timeout=60
    )


def _manage(*args, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE, env=_env(**env), capture_output=True, text=True, timeout=120
    )


@pytest.mark.smoke
def test_serving_in_production_without_a_secret_key_stops_with_a_clear_message():
    # gunicorn and runserver both load config.wsgi before answering any request.
    result = _run("import config.wsgi", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set. Set the SECRET_KEY environment variable" in result.stderr


def test_serving_in_production_with_a_secret_key_loads():
    result = _run(
        "import config.wsgi; print('loaded')",
        DEBUG="0",
        SECRET_KEY=PRODUCTION_KEY,
        AUDIT_HMAC_KEY=AUDIT_KEY,
        SITE_URL=PRODUCTION_SITE,
    )
    assert result.returncode == 0, result.stderr
    assert "loaded" in result.stdout


def test_serving_in_production_without_an_audit_key_stops_with_a_clear_message():
    result = _run("import config.wsgi", DEBUG="0", SECRET_KEY=PRODUCTION_KEY, SITE_URL=PRODUCTION_SITE)
    assert result.returncode != 0
    assert "AUDIT_HMAC_KEY is not set" in result.stderr


def test_the_deploy_check_names_a_missing_audit_key():
    result = _manage("check", "--deploy", DEBUG="0", SECRET_KEY=PRODUCTION_KEY, ALLOWED_HOSTS="portal.example.org")
    assert result.returncode != 0
    assert "portal.E003" in result.stderr + result.stdout
    assert "AUDIT_HMAC_KEY is not set" in result.stderr + result.stdout


def test_migration_check_runs_without_a_secret_key(tmp_path):
    result = _manage("makemigrations", "--check", "--dry-run", DEBUG="0", SQLITE_PATH=str(tmp_path / "x.sqlite3"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_the_deploy_check_names_a_missing_secret_key():
    result = _manage("check", "--deploy", DEBUG="0", ALLOWED_HOSTS="portal.example.org")
    assert result.returncode != 0
    assert "portal.E001" in result.stderr + result.stdout
    assert "SECRET_KEY is not set" in result.stderr + result.stdout


def test_unset_database_url_means_sqlite_with_immediate_transactions():
    result = _run(
        "import django; django.setup(); from django.conf import settings as s; d = s.DATABASES['default'];"
        "print(d['ENGINE'], d['OPTIONS']['transaction_mode'], s.TIME_ZONE, s.LANGUAGE_CODE)",
        DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "IMMEDIATE", "Europe/London", "en-gb"]


def test_database_url_selects_postgresql_with_health_checks():
    result = _run(
        "import django; django.setup(); from django.conf import settings as s; d = s.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'], d['CONN_HEALTH_CHECKS'])",
        DEBUG="1",
        DATABASE_URL="postgres://someone@db.internal:5432/portal",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "portal", "True"]


def test_deploy_check_passes_with_production_settings(tmp_path):
    from portal.seal import write_self_signed

    seal = str(write_self_signed(tmp_path / "seal.pem", "Deploy check seal", "Example portal"))
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=PRODUCTION_KEY,
        AUDIT_HMAC_KEY=AUDIT_KEY,
        ALLOWED_HOSTS="portal.example.org",
        SITE_URL=PRODUCTION_SITE,
        PORTAL_SEAL_KEY=seal,
        PORTAL_SEAL_CERT=seal,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_warns_when_no_pdf_seal_certificate_is_configured():
    result = _manage(
        "check",
        "--deploy",
        DEBUG="0",
        SECRET_KEY=PRODUCTION_KEY,
        AUDIT_HMAC_KEY=AUDIT_KEY,
        ALLOWED_HOSTS="portal.example.org",
        SITE_URL=PRODUCTION_SITE,
    )
    assert "portal.W001" in result.stdout + result.stderr and "No PDF seal certificate" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("site_url", "says"),
    [
        (None, "SITE_URL is not set."),
        ("http://127.0.0.1:8000", "points at this machine"),
        ("https://localhost", "points at this machine"),
        ("http://portal.example.org", "uses http://"),
    ],
)
def test_the_deploy_check_and_serving_refuse_a_missing_or_local_site_url(site_url, says):
    env = {
        "DEBUG": "0",
        "SECRET_KEY": PRODUCTION_KEY,
        "AUDIT_HMAC_KEY": AUDIT_KEY,
        "ALLOWED_HOSTS": "portal.example.org",
    }
    if site_url is not None:
        env["SITE_URL"] = site_url
    check = _manage("check", "--deploy", **env)
    assert check.returncode != 0
    assert "portal.E002" in check.stderr + check.stdout and says in check.stderr + check.stdout
    serving = _run("import config.wsgi", **env)
    assert serving.returncode != 0 and says in serving.stderr


def test_the_deploy_check_accepts_a_public_https_site_url():
    result = _manage(
        "check",
        "--deploy",
        DEBUG="0",
        SECRET_KEY=PRODUCTION_KEY,
        ALLOWED_HOSTS="portal.example.org",
        SITE_URL=PRODUCTION_SITE,
    )
    assert "portal.E002" not in result.stderr + result.stdout
