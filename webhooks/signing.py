"""Signing in the style of the Standard Webhooks specification (https://www.standardwebhooks.com).

Each request carries three headers:
* `webhook-id`: the message's id (the same on every retry of one message);
* `webhook-timestamp`: when this attempt was signed, in whole seconds since 1970 (UTC);
* `webhook-signature`: `v1,<base64 HMAC-SHA256>` for each secret signing now, separated by spaces.

The HMAC key is the secret's bytes: the base64 after `whsec_`. The signed content is
`{webhook-id}.{webhook-timestamp}.{body}` with the body exactly as sent. `verify` below is what a
receiver does (docs/webhooks.md shows it in Python and with openssl), and what the tests use.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Iterable, Mapping

PREFIX = "whsec_"
TOLERANCE_SECONDS = 5 * 60


class InvalidSignature(Exception):
    """The request was not signed with the secret, or it is too old or too new."""


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64>` for one secret."""
    content = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secrets_: Iterable[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three signature headers, signed with every secret given (two during a rotation)."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(sign(s, msg_id, timestamp, body) for s in secrets_),
    }


def verify(secret: str, request_headers: Mapping[str, str], body: bytes, *, now: float | None = None) -> None:
    """Raise InvalidSignature unless one of the request's signatures was made with `secret` over
    this body, within TOLERANCE_SECONDS of now. Header names are matched without regard to case."""
    lower = {k.lower(): v for k, v in request_headers.items()}
    try:
        msg_id = lower["webhook-id"]
        timestamp = int(lower["webhook-timestamp"])
        given = lower["webhook-signature"].split()
    except (KeyError, ValueError) as exc:
        raise InvalidSignature("missing or malformed webhook headers") from exc
    now = time.time() if now is None else now
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise InvalidSignature("timestamp outside the tolerance")
    expected = sign(secret, msg_id, timestamp, body).partition(",")[2]
    for item in given:
        version, _, signature = item.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return
    raise InvalidSignature("no matching signature")
