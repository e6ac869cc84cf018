"""Rows of the access matrix and the presets that describe who may open a page.

Every URL pattern in the URLconf needs a Row in one of the tests/<app>/access_rows.py files
(an app's rows live beside its tests); tests/test_access_matrix.py fails for a URL without one.
Each Row says, for anonymous, non-member, each role and the site administrator, what a GET
returns: an HTTP status, or LOGIN for a redirect to the sign-in page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from portal.models import User
from tests.world import World

LOGIN = "login"  # a redirect to the sign-in page
MEMBER_ROLES = ("member", "coordinator", "signatory", "lead")
# Signed in without a membership (participants/): a student and a practice educator of the world's
# partnership. Partnership pages treat them as outsiders (404).
PARTICIPANTS = ("student", "educator")


@dataclass
class Row:
    url_name: str
    expect: dict[str, int | str]
    # Builds the URL's kwargs from the world, creating whatever objects the page needs.
    kwargs: Callable[[World], dict] | None = None
    query: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict)
    # Request headers for a signed-in visitor, from their user (the API's `Authorization: Bearer`
    # token). A row with headers sends them instead of signing in: the anonymous visitor sends none.
    headers: Callable[[User], dict[str, str]] | None = None


def public(ok: int = 200) -> dict:
    """Anyone, signed in or not."""
    return {role: ok for role in ("anonymous", "non_member", *MEMBER_ROLES, "admin", *PARTICIPANTS)}


def signed_in(ok: int = 200) -> dict:
    """Any signed-in user (lists are then filtered to what they may see)."""
    return {
        "anonymous": LOGIN,
        "non_member": ok,
        **{r: ok for r in MEMBER_ROLES},
        "admin": ok,
        **{r: ok for r in PARTICIPANTS},
    }


def members(ok: int = 200) -> dict:
    """Anyone in the partnership, and site administrators; outsiders get 404."""
    return {
        "anonymous": LOGIN,
        "non_member": 404,
        **{r: ok for r in MEMBER_ROLES},
        "admin": ok,
        **{r: 404 for r in PARTICIPANTS},
    }


def roles(*allowed: str, ok: int = 200, admin: int | str | None = None) -> dict:
    """Only the named roles (and site administrators unless `admin` says otherwise); other
    members get 403 and outsiders 404."""
    expect: dict[str, int | str] = {"anonymous": LOGIN, "non_member": 404}
    for role in MEMBER_ROLES:
        expect[role] = ok if role in allowed else 403
    expect["admin"] = ok if admin is None else admin
    for role in PARTICIPANTS:
        expect[role] = 404
    return expect


def site_admin_only(ok: int = 200, others: int = 403) -> dict:
    return {
        "anonymous": LOGIN,
        "non_member": others,
        **{r: others for r in MEMBER_ROLES},
        "admin": ok,
        **{r: others for r in PARTICIPANTS},
    }


def participants(*allowed: str, ok: int = 200) -> dict:
    """Pages of participants/: only the named participants (a student, a practice educator) open
    them; everyone else signed in gets 404 (nothing of theirs is there)."""
    expect: dict[str, int | str] = {"anonymous": LOGIN, "non_member": 404, "admin": 404}
    for role in MEMBER_ROLES:
        expect[role] = 404
    for role in PARTICIPANTS:
        expect[role] = ok if role in allowed else 404
    return expect


def through_export(response):
    """A list's download response; when the list queues an export job (portal/jobs/exports.py),
    follow its progress page to the file, checking the page says it is ready."""
    if response.status_code == 302 and response.url.startswith("/exports/"):
        page = response.client.get(response.url)
        assert page.status_code == 200 and "Your file is ready" in page.content.decode(), page.status_code
        from django.http import HttpResponse

        streamed = response.client.get(response.url + "download/")
        # Plain content, like a list's own download.
        response = HttpResponse(b"".join(streamed.streaming_content), status=streamed.status_code)
        response["Content-Disposition"] = streamed["Content-Disposition"]
    return response
