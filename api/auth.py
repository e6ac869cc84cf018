"""Who is calling: a personal access token in `Authorization: Bearer ptp_…`.

The API acts as the token's owner, limited to the token's partnerships: the owner's membership
cache (partnerships.models) is filled with only the memberships in scope, so every
`visible_to()`, `can()` and `require()` the pages use answers for the API too. A site
administrator's token for all partnerships keeps their reach; one limited to some partnerships
acts as a member of those only (the user object in memory loses is_staff/is_superuser; it is
never saved). Sessions do not sign in to the API: only tokens do."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from api.models import TOKEN_PREFIX, ApiToken, RateWindow
from api.services import digest_of
from partnerships.access import remember_memberships
from partnerships.models import Membership

# last_used_at is written at most this often per token, so reading the API is not a write per call.
LAST_USED_EVERY = dt.timedelta(minutes=1)


class RateLimited(Exception):
    def __init__(self, retry_after: int, limit: int):
        super().__init__("Too many requests")
        self.retry_after = retry_after
        self.limit = limit


def rate_limit() -> tuple[int, int]:
    """(requests allowed, window in seconds), from settings.API_RATE_LIMIT."""
    limit, seconds = getattr(settings, "API_RATE_LIMIT", (600, 60))
    return int(limit), int(seconds)


def count_request(token: ApiToken, now: dt.datetime | None = None) -> None:
    """A fixed-window counter in the database: one UPDATE per request (an INSERT at the start of
    each window). Raises RateLimited once the window's count passes the limit."""
    limit, seconds = rate_limit()
    now = now or timezone.now()
    epoch = int(now.timestamp())
    start = dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)
    window = RateWindow.objects.filter(token=token, window_start=start)
    if not window.update(count=F("count") + 1):
        try:
            with transaction.atomic():
                RateWindow.objects.create(token=token, window_start=start, count=1)
        except IntegrityError:  # another server made the row first
            window.update(count=F("count") + 1)
        # Once a window, drop this token's old windows.
        RateWindow.objects.filter(token=token, window_start__lt=start).delete()
    count = window.values_list("count", flat=True).first() or 0
    if count > limit:
        raise RateLimited(retry_after=max(1, seconds - epoch % seconds), limit=limit)


def token_user(token: ApiToken):
    """The owner as the API sees them: only the memberships in the token's scope."""
    user = token.owner
    rows = list(Membership.objects.filter(user=user).select_related("partnership", "organisation"))
    if not token.all_partnerships:
        scope = {p.pk for p in token.partnerships.all()}
        rows = [m for m in rows if m.partnership_id in scope]
        # A limited token is never a site administrator's master key.
        user.is_staff = False
        user.is_superuser = False
    for m in rows:
        m.user = user
    remember_memberships(user, rows)
    return user


def find_token(secret: str) -> ApiToken | None:
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    return ApiToken.objects.usable().select_related("owner").filter(digest=digest_of(secret)).first()


class TokenAuth(HttpBearer):
    """Bearer token authentication for every API operation (ninja calls it before the view)."""

    openapi_description = "A personal access token (ptp_…) made at /account/api-tokens/."

    def authenticate(self, request: HttpRequest, token: str):
        found = find_token(token.strip())
        if found is None:
            return None  # ninja answers 401 (see api.v1's handler)
        now = timezone.now()
        count_request(found, now)
        if found.last_used_at is None or now - found.last_used_at >= LAST_USED_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
            found.last_used_at = now
        request.user = token_user(found)
        return found
