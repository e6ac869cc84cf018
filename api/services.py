"""Making and revoking personal access tokens: each checks who may, runs in one transaction and
writes the audit trail."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from api.actions import Action
from api.models import MAX_LIFETIME_DAYS, TOKEN_PREFIX, ApiToken
from partnerships.access import memberships
from portal.audit import record
from portal.dates import long_date


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    """`ptp_` and 43 URL-safe characters (256 bits from the system's random source)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def latest_expiry(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) + dt.timedelta(days=MAX_LIFETIME_DAYS)


def scope_choices(user) -> list[tuple[int, str]]:
    """The partnerships a token of this person may be limited to: those they are a member of."""
    return sorted(((m.partnership_id, m.partnership.name) for m in memberships(user)), key=lambda c: c[1])


@transaction.atomic
def create_token(
    actor, *, name: str, expires_on: dt.date, partnership_ids: list[int] | None = None
) -> tuple[ApiToken, str]:
    """A new token for `actor` and its secret, which is never stored and cannot be shown again.
    `partnership_ids` None means all the owner's partnerships; a list limits it to those."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied("Sign in to make an API token.")
    today = timezone.localdate()
    if expires_on <= today:
        raise ValidationError({"expires_on": "The expiry date must be in the future"})
    if expires_on > latest_expiry(today):
        raise ValidationError(
            {"expires_on": f"The expiry date must be no later than {long_date(latest_expiry(today))} (a year)"}
        )
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter what the token is for"})
    if partnership_ids is not None:
        allowed = {pid for pid, _ in scope_choices(actor)}
        if not partnership_ids:
            raise ValidationError({"partnerships": "Select at least one partnership"})
        if not set(partnership_ids) <= allowed:
            raise ValidationError({"partnerships": "You can only choose partnerships you are a member of"})
    secret = new_secret()
    # The end of the expiry day, UK time.
    expires_at = timezone.make_aware(dt.datetime.combine(expires_on, dt.time.max))
    token = ApiToken.objects.create(
        owner=actor,
        name=name,
        hint=secret[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 6],
        digest=digest_of(secret),
        all_partnerships=partnership_ids is None,
        expires_at=expires_at,
    )
    if partnership_ids is not None:
        token.partnerships.set(partnership_ids)
    scope = "all their partnerships" if partnership_ids is None else f"{len(partnership_ids)} partnership(s)"
    record(
        actor,
        Action.TOKEN_CREATED,
        token,
        changes={"expires_on": [None, expires_on.isoformat()], "scope": [None, scope]},
        summary=f"Made the API token “{name}”, read-only for {scope}, expiring {long_date(expires_on)}",
    )
    return token, secret


def can_revoke(user, token: ApiToken) -> bool:
    return token.owner_id == user.pk or user.is_site_admin


@transaction.atomic
def revoke_token(actor, token: ApiToken) -> ApiToken:
    if not can_revoke(actor, token):
        raise PermissionDenied("Only the token's owner and site administrators can revoke it.")
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        return locked  # already revoked: nothing changes, no second event
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.save(update_fields=["revoked_at", "revoked_by"])
    whose = "their" if locked.owner_id == actor.pk else f"{locked.owner}'s"
    record(
        actor,
        Action.TOKEN_REVOKED,
        locked,
        changes={"revoked_at": [None, locked.revoked_at.isoformat()]},
        summary=f"Revoked {whose} API token “{locked.name}”",
    )
    return locked
