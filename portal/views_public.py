"""Pages anyone may open, signed in or not (the accessibility statement, the privacy notice, the
cookies page, the service status for people), and the two pages of the session-timeout warning.

The words live in the templates (templates/public/); these views only gather the facts the words
state (settings, retention periods, the health probe's answer), so the pages cannot drift from
what the portal really does."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from portal import views
from portal.flows import GET_ONLY, POST_ONLY
from portal.middleware import touch_session
from portal.registry import privacy_facts

# scripts/backup.sh deletes dumps older than this (`find ... -mtime +30 -delete`);
# tests/portal/test_public_pages.py reads the script to keep the two in step.
BACKUP_DAYS = 30


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


@GET_ONLY
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "public/accessibility.html",
        {
            "prepared_on": _date(settings.ACCESSIBILITY_STATEMENT_PREPARED),
            "reviewed_on": _date(settings.ACCESSIBILITY_STATEMENT_REVIEWED),
            "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
            "warning_minutes": max(settings.SESSION_WARNING_SECONDS // 60, 1),
            **_organisation(),
        },
    )


@GET_ONLY
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "public/privacy.html",
        {
            "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
            "backup_days": BACKUP_DAYS,
            "invitation_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600),
            "facts": privacy_facts(),
            **_organisation(),
        },
    )


@GET_ONLY
def cookies(request: HttpRequest) -> HttpResponse:
    # Names and lifetimes straight from the settings that make the cookies.
    rows = [
        {
            "name": settings.SESSION_COOKIE_NAME,
            "purpose": "session",
            "ends": "browser" if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE else "age",
            "age_days": settings.SESSION_COOKIE_AGE // (24 * 3600),
            "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        },
        {
            "name": settings.CSRF_COOKIE_NAME,
            "purpose": "csrf",
            "ends": "age" if settings.CSRF_COOKIE_AGE else "browser",
            "age_days": (settings.CSRF_COOKIE_AGE or 0) // (24 * 3600),
        },
        {"name": CookieStorage.cookie_name, "purpose": "messages", "ends": "browser"},
    ]
    return render(request, "public/cookies.html", {"cookies": rows, **_organisation()})


# What a check's value means for people; anything else the probe says is "amber" (working, but
# not as it should), so a new check added to /healthz shows here without a change.
GOOD = {"ok"}
BAD = {"error", "unreachable", "down", "failed"}


def _rating(value) -> str:
    text = str(value).lower()
    return "green" if text in GOOD else "red" if text in BAD else "amber"


def summarise_health(response) -> dict:
    """The health probe's JSON answer in people's terms: an overall rating and one per check."""
    try:
        body = json.loads(response.content)
    except ValueError:
        body = {}
    checks = [
        {"name": name, "rating": _rating(value), "value": value}
        for name, value in body.items()
        if name not in {"status", "reason"} and isinstance(value, str)
    ]
    if response.status_code >= 500 or _rating(body.get("status")) == "red":
        overall = "red"
    elif _rating(body.get("status")) == "amber" or any(c["rating"] != "green" for c in checks):
        overall = "amber"
    else:
        overall = "green"
    return {"overall": overall, "checks": checks}


@GET_ONLY
@never_cache
def service_status(request: HttpRequest) -> HttpResponse:
    """The service status for people. It asks the same probe as load balancers (portal.views.healthz,
    called as it is, so whatever /healthz checks, this page reports) and says what it means."""
    status = summarise_health(views.healthz(request))
    return render(
        request,
        "public/service_status.html",
        {"status": status, **_organisation()},
        status=503 if status["overall"] == "red" else 200,
    )


@login_required
@POST_ONLY
def session_keep_alive(request: HttpRequest) -> HttpResponse:
    """The "Stay signed in" button: restarts the idle limit. The dialogue's script posts here and gets 204;
    a plain form post goes back to the page it came from."""
    touch_session(request)
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    back = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        back = reverse("dashboard")
    return redirect(back)


@GET_ONLY
def signed_out(request: HttpRequest) -> HttpResponse:
    """Where the timeout warning sends a person whose time ran out (after signing them out)."""
    back = request.GET.get("next", "")
    if not back.startswith("/") or "\x00" in back or not url_has_allowed_host_and_scheme(back, None):
        back = ""
    login = reverse("login") + (f"?{urlencode({'next': back})}" if back else "")
    return render(
        request,
        "public/signed_out.html",
        {"login_url": login, "idle_minutes": settings.SESSION_COOKIE_AGE // 60, **_organisation()},
    )


def _organisation() -> dict:
    return {"operator_name": settings.PORTAL_OPERATOR_NAME, "contact_email": settings.PORTAL_CONTACT_EMAIL}
