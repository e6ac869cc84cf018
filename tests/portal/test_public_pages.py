"""The pages anyone may open: the accessibility statement, the privacy notice, the cookies page
and the service status for people. What they say comes from the settings and the code's own
rules, so each test changes a setting or reads the rule and expects the page to follow."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.http import JsonResponse

from placements.models import PlacementPolicy
from placements.services.data_protection import IMPORT_FILE_DAYS
from portal import views_public
from portal.views_public import summarise_health

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The page's words, without markup, on one line."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_footer_links_to_the_public_pages_and_service_status_is_the_page_for_people(client):
    html = client.get("/accounts/login/").content.decode()
    for href, label in [
        ("/service-status/", "Service status"),
        ("/accessibility/", "Accessibility statement"),
        ("/privacy/", "Privacy"),
        ("/cookies/", "Cookies"),
    ]:
        assert f'href="{href}">{label}</a>' in html
    assert 'href="/healthz"' not in html


def test_the_accessibility_statement_says_how_accessible_the_portal_is_and_where_to_complain(client, settings):
    settings.PORTAL_CONTACT_EMAIL = "access@council.example"
    settings.ACCESSIBILITY_STATEMENT_PREPARED = "2027-01-05"
    settings.ACCESSIBILITY_STATEMENT_REVIEWED = "2027-02-14"
    text = text_of(client.get("/accessibility/"))
    assert "Accessibility statement for the Partnership portal" in text
    assert "partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard" in text
    assert "Every PDF the portal makes (memoranda and health check reports) is tagged" in text
    assert "not yet tagged" not in text and "untagged" not in text
    assert "At 320 CSS pixels wide no page scrolls sideways" in text
    assert "Equality and Human Rights Commission (EHRC)" in text
    assert "Equality Commission for Northern Ireland (ECNI)" in text
    assert "access@council.example" in text
    assert "This statement was prepared on 5 January 2027. It was last reviewed on 14 February 2027." in text


def test_the_accessibility_statement_gives_the_idle_limit_from_the_settings(client, settings):
    settings.SESSION_COOKIE_AGE = 30 * 60
    text = text_of(client.get("/accessibility/"))
    assert "you are signed out after 30 minutes without using the portal" in text
    assert "About 2 minutes before that, a message asks whether you want to stay signed in" in text


def test_the_privacy_notice_gives_the_retention_periods_the_code_applies(client, settings):
    settings.SESSION_COOKIE_AGE = 45 * 60
    settings.PORTAL_OPERATOR_NAME = "Matrix Borough Council"
    text = text_of(client.get("/privacy/"))
    assert (
        f"until {PlacementPolicy.DEFAULT_RETENTION_YEARS} years after the end of the student's final placement year"
        in text
    )
    assert f"deleted {IMPORT_FILE_DAYS} days after upload" in text
    assert "it ends after 45 minutes without activity" in text
    assert f"kept for {views_public.BACKUP_DAYS} days" in text
    assert "Matrix Borough Council runs the portal" in text
    assert "the IP address the request came from" in text
    # What signing records (tests/memoranda/test_certificate_of_completion.py proves it does).
    assert "when you first opened it, and when you signed or declined, with the IP address" in text
    assert "task in the public interest" in text
    assert "Information Commissioner's Office" in text


def test_the_backup_period_in_the_privacy_notice_is_the_one_the_backup_script_keeps():
    script = (settings.BASE_DIR / "scripts" / "backup.sh").read_text()
    assert f"-mtime +{views_public.BACKUP_DAYS} -delete" in script


def test_the_cookies_page_names_the_cookies_from_the_settings(client, settings):
    settings.SESSION_COOKIE_NAME = "portal_session"
    settings.CSRF_COOKIE_NAME = "portal_csrf"
    settings.CSRF_COOKIE_AGE = 7 * 24 * 3600
    settings.SESSION_COOKIE_AGE = 20 * 60
    text = text_of(client.get("/cookies/"))
    assert "portal_session Keeps you signed in" in text
    assert "When you close your browser. You are signed out sooner, after 20 minutes without activity." in text
    assert "portal_csrf Protects your forms" in text
    assert "After 7 days" in text
    assert "We do not use analytics" in text


def test_every_cookie_the_portal_sets_is_on_the_cookies_page(client, world):
    """Sign in, use a page with a message and a form, sign out: nothing is set that is not listed."""
    from tests.factories import PASSWORD

    client.get("/accounts/login/")
    client.post("/accounts/login/", {"username": world.user("lead").email, "password": PASSWORD})
    client.get("/")
    client.get(f"/partnerships/{world.partnership.slug}/edit/")
    client.post("/accounts/logout/")
    listed = text_of(client.get("/cookies/"))
    assert client.cookies, "the visit set no cookies at all"
    for name in client.cookies:
        assert f" {name} " in listed, f"the cookie {name} is not on the cookies page"


def test_the_service_status_page_says_the_service_works_in_words(client):
    response = client.get("/service-status/")
    assert response.status_code == 200
    text = text_of(response)
    assert "Green Working normally" in text
    assert "Stored data (the database) Green Working" in text
    assert "Files (the file store) Green Working" in text
    assert "The audit trail Green Working" in text
    # The probe for machines keeps the keys it always answered with.
    probe = client.get("/healthz").json()
    assert probe["status"] == "ok" and probe["database"] == "ok"


def test_the_probe_failing_is_red_and_an_unknown_answer_amber():
    down = JsonResponse({"status": "error", "database": "unreachable", "reason": "OperationalError"}, status=503)
    assert summarise_health(down) == {
        "overall": "red",
        "checks": [{"name": "database", "rating": "red", "value": "unreachable"}],
    }
    slow = JsonResponse({"status": "ok", "database": "ok", "mail": "slow"})
    summary = summarise_health(slow)
    assert summary["overall"] == "amber"
    assert [c["rating"] for c in summary["checks"]] == ["green", "amber"]


PROBE = (
    "import django; django.setup(); from django.test import Client; import re; "
    "r = Client().get('/service-status/'); "
    "print(r.status_code, re.sub(r'\\s+', ' ', re.sub(r'<[^>]+>', ' ', r.content.decode())))"
)


def test_the_service_status_page_says_not_working_when_the_database_cannot_be_reached():
    """In a fresh process whose database cannot be opened (see test_healthz.py for why)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH"}}
    env.update(
        SQLITE_PATH="/nonexistent-directory/portal.sqlite3",
        DEBUG="1",
        ALLOWED_HOSTS="testserver",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    status, text = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    assert "Red Not working" in text
    assert "Stored data (the database) Red Not working" in text
