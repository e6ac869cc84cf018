"""Security headers on error pages, HSTS and HTTPS in production settings, and nothing in the
templates that the Content-Security-Policy would silently break.

Every page and download the suite opens is also checked in test_bad_input.py (check_headers),
as every kind of visitor, so 403 and 404 pages of every app are covered there too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import crispy_forms_gds
import django
import pytest
from django.conf import settings
from django.test import Client

from portal.middleware import CONTENT_SECURITY_POLICY
from tests.portal.test_settings import PRODUCTION_KEY, _run
from tests.security.test_bad_input import check_headers

pytestmark = pytest.mark.django_db

# Inline scripts and event-handler attributes: script-src 'self' blocks them without a word.
INLINE_SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^<>]*?\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
SCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
# Script text that the policy (no 'unsafe-eval') would refuse to run.
EVAL = re.compile(r"\beval\(|\bnew Function\(|set(?:Timeout|Interval)\(\s*['\"`]")
TEMPLATE_DIRS = [
    Path(settings.BASE_DIR) / "templates",
    # Packages whose templates render the portal's own pages (forms) or run under its policy (admin).
    Path(crispy_forms_gds.__file__).parent / "templates",
    Path(django.__file__).parent / "contrib" / "admin" / "templates",
]


def _templates():
    return sorted(p for d in TEMPLATE_DIRS for p in d.rglob("*.html"))


def test_no_template_has_an_inline_script_or_event_handler():
    found = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for match in INLINE_SCRIPT.finditer(text):
            attrs = match.group("attrs")
            if "src=" not in attrs and not re.search(r"type=[\"']application/(ld\+)?json", attrs):
                found.append(f"{path}: inline <script> (put it in static/js/ and load it with src)")
        found += [f"{path}: inline event handler {m.group(0)[-20:]!r}" for m in EVENT_HANDLER.finditer(text)]
        found += [f"{path}: javascript: URL" for m in SCRIPT_URL.finditer(text)]
    assert len(_templates()) > 100  # the scan reads the portal's, the form pack's and the admin's templates
    assert not found, "\n".join(found)


def test_our_scripts_need_no_eval():
    found = [
        f"{path}: {m.group(0)}"
        for path in sorted((Path(settings.BASE_DIR) / "static" / "js").glob("*.js"))
        for m in EVAL.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found, "\n".join(found)


def test_the_policy_allows_scripts_from_the_portal_only():
    directives = dict(d.strip().split(" ", 1) for d in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"


@pytest.mark.parametrize(
    ("role", "request_kwargs", "status"),
    [
        ("anonymous", {"path": "/no-such-page/"}, 404),
        ("member", {"path": "/no-such-page/"}, 404),
        ("member", {"path": "/partnerships/matrix-tp/edit/"}, 403),
        ("non_member", {"path": "/partnerships/matrix-tp/"}, 404),
        ("member", {"path": "/accounts/logout/"}, 405),
        ("anonymous", {"path": "/accounts/login/", "HTTP_HOST": "evil.example"}, 400),
    ],
    ids=["404 anonymous", "404 signed in", "403", "404 outsider", "405", "400 bad host"],
)
def test_error_pages_carry_the_security_headers(role, request_kwargs, status, shared_world):
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(shared_world.user(role))
    response = client.get(**request_kwargs)
    assert response.status_code == status
    assert not check_headers(response, f"{status} page")


def test_the_csrf_failure_page_carries_the_security_headers(shared_world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(shared_world.user("lead"))
    response = client.post("/partnerships/matrix-tp/aims/add/", {"title": "Forged"})
    assert response.status_code == 403
    assert not check_headers(response, "CSRF failure page")
    assert not shared_world.partnership.aims.exists()


def test_production_settings_send_hsts_and_redirect_to_https(tmp_path):
    """The settings as an operator runs them (DEBUG off, a real key, a host name), in a process of
    their own: a plain-HTTP request is redirected to HTTPS (the health probe excepted), and HTTPS
    responses carry HSTS for a year, with secure cookies. (The probe answers without the static
    files an operator collects, so it stands in for a page here.)"""
    code = (
        "import django, json; django.setup();"
        "from django.conf import settings as s; from django.test import Client;"
        "c = Client(); plain = c.get('/accounts/login/', HTTP_HOST='portal.example.org');"
        "probe = c.get('/healthz', HTTP_HOST='portal.example.org');"
        "tls = c.get('/healthz', HTTP_HOST='portal.example.org', secure=True);"
        "print(json.dumps({'plain': [plain.status_code, plain.headers.get('Location')],"
        "'probe': probe.status_code, 'hsts': tls.headers.get('Strict-Transport-Security'),"
        "'cookies': [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY],"
        "'frame': tls.headers.get('X-Frame-Options'), 'csp': tls.headers.get('Content-Security-Policy')}))"
    )
    result = _run(
        code,
        DEBUG="0",
        SECRET_KEY=PRODUCTION_KEY,
        ALLOWED_HOSTS="portal.example.org",
        SQLITE_PATH=str(tmp_path / "portal.sqlite3"),
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain"] == [301, "https://portal.example.org/accounts/login/"]
    assert seen["probe"] != 301  # load balancers probe over plain HTTP inside the network
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert seen["cookies"] == [True, True, True]
    assert seen["frame"] == "DENY"
    assert seen["csp"] == CONTENT_SECURITY_POLICY
