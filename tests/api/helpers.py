"""Tokens and HTTP calls for the API tests."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request

from django.utils import timezone

from api.services import create_token


def token_for(user, *, partnership_ids: list[int] | None = None, days: int = 30, name: str = "Tests") -> str:
    """A new token's secret for `user` (all their partnerships unless `partnership_ids`)."""
    _, secret = create_token(
        user, name=name, expires_on=timezone.localdate() + dt.timedelta(days=days), partnership_ids=partnership_ids
    )
    return secret


def bearer(user) -> dict[str, str]:
    """The access matrix's headers for an API row: a fresh token of this user."""
    return {"Authorization": f"Bearer {token_for(user)}"}


class Reply:
    def __init__(self, status: int, headers, body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)


def http_get(url: str, secret: str | None = None, headers: dict[str, str] | None = None) -> Reply:
    """A real HTTP GET (urllib against the live server), whatever the status."""
    request = urllib.request.Request(url, headers={**(headers or {})})
    if secret:
        request.add_header("Authorization", f"Bearer {secret}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.headers, error.read())
