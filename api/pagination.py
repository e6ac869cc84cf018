"""Keyset (cursor) pagination: a page is the rows after the last one seen, in id order, so a
deep page costs the same as the first and rows added meanwhile never shift a page. The cursor is
opaque to callers (signed, so it cannot be forged or edited) and carries the last id seen."""

from __future__ import annotations

from django.core import signing
from ninja.errors import HttpError

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
_SALT = "api.cursor"


def encode_cursor(last_id: int) -> str:
    return signing.dumps({"after": last_id}, salt=_SALT, compress=True)


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        after = signing.loads(cursor, salt=_SALT)["after"]
    except (signing.BadSignature, KeyError, TypeError) as exc:
        raise HttpError(400, "The cursor is not one this API gave out: start again without it.") from exc
    if not isinstance(after, int):
        raise HttpError(400, "The cursor is not one this API gave out: start again without it.")
    return after


def clamp_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    return max(1, min(MAX_LIMIT, limit))


def keyset_page(queryset, cursor: str | None, limit: int | None) -> tuple[list, str | None]:
    """The rows of `queryset` after the cursor (by primary key) and the cursor of the next page,
    or None on the last page. One query: it asks for one row more than the page to know."""
    size = clamp_limit(limit)
    rows = list(queryset.filter(pk__gt=decode_cursor(cursor)).order_by("pk")[: size + 1])
    if len(rows) > size:
        rows = rows[:size]
        return rows, encode_cursor(rows[-1].pk)
    return rows, None
