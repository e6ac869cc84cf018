"""Making, replacing and revoking personal calendar feeds: each checks who may, runs in one
transaction and writes the audit trail. The secret is returned once and never stored (only its
digest, `portal.hashing.sha256_of_bytes`, as the API's tokens keep theirs)."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from calendars.actions import Action
from calendars.models import FEED_PREFIX, CalendarFeed
from calendars.selectors import Filters
from partnerships.access import can_see
from partnerships.models import Partnership
from portal.audit import record
from portal.hashing import sha256_of_bytes

# How many links one person may have working at once (one per partnership and a few more).
MAX_ACTIVE_FEEDS = 20


def digest_of(secret: str) -> str:
    return sha256_of_bytes(secret.encode())


def new_secret() -> str:
    """`ptc_` and 43 URL-safe characters (256 bits from the system's random source)."""
    return FEED_PREFIX + secrets.token_urlsafe(32)


def feed_for_secret(secret: str) -> CalendarFeed | None:
    """The working feed with this secret, with its owner, or None (unknown, revoked, or its owner's
    account closed)."""
    if not secret.startswith(FEED_PREFIX) or len(secret) > 100:
        return None
    return CalendarFeed.objects.usable().select_related("owner", "partnership").filter(digest=digest_of(secret)).first()


def scope_words(feed: CalendarFeed) -> str:
    return feed.partnership.name if feed.partnership_id and feed.partnership else "all your partnerships"


@transaction.atomic
def create_feed(
    actor, *, partnership: Partnership | None = None, filters: Filters | None = None
) -> tuple[CalendarFeed, str]:
    """A new feed for `actor` and its secret, which cannot be shown again. `partnership` None
    means every partnership the owner is in when the feed is fetched."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied("Sign in to make a calendar link.")
    if partnership is not None and not can_see(actor, partnership):
        raise ValidationError({"partnership": "You can only choose a partnership you are a member of"})
    if CalendarFeed.objects.filter(owner=actor, revoked_at__isnull=True).count() >= MAX_ACTIVE_FEEDS:
        raise ValidationError(f"You already have {MAX_ACTIVE_FEEDS} calendar links. Revoke one you no longer use.")
    secret = new_secret()
    feed = CalendarFeed.objects.create(
        owner=actor,
        hint=secret[len(FEED_PREFIX) : len(FEED_PREFIX) + 6],
        digest=digest_of(secret),
        partnership=partnership,
        filters=(filters or Filters()).saved(),
    )
    scope = scope_words(feed)
    record(
        actor,
        Action.FEED_CREATED,
        feed,
        changes={"scope": [None, scope], "filters": [None, feed.filters]},
        summary=f"Made a calendar link for {scope}",
        partnership_id=feed.partnership_id,
    )
    return feed, secret


def can_revoke(user, feed: CalendarFeed) -> bool:
    return getattr(user, "is_authenticated", False) and (feed.owner_id == user.pk or user.is_site_admin)


@transaction.atomic
def revoke_feed(actor, feed: CalendarFeed, *, why: str = "") -> CalendarFeed:
    """Stop the link working. `actor` None is the system (the retention job)."""
    if actor is not None and not can_revoke(actor, feed):
        raise PermissionDenied("Only the link's owner and site administrators can revoke it.")
    locked = CalendarFeed.objects.select_for_update(of=("self",)).select_related("partnership").get(pk=feed.pk)
    if locked.revoked_at is not None:
        return locked  # already revoked: nothing changes, no second event
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.save(update_fields=["revoked_at", "revoked_by"])
    whose = "their" if actor is not None and locked.owner_id == actor.pk else "a"
    record(
        actor,
        Action.FEED_REVOKED,
        locked,
        changes={"revoked_at": [None, locked.revoked_at.isoformat()]},
        summary=f"Revoked {whose} calendar link for {scope_words(locked)}{why}",
        partnership_id=locked.partnership_id,
    )
    return locked


@transaction.atomic
def replace_feed(actor, feed: CalendarFeed) -> tuple[CalendarFeed, str]:
    """ "Make a new link": revoke this one and make another with the same scope and filters."""
    if not can_revoke(actor, feed) or feed.owner_id != actor.pk:
        raise PermissionDenied("Only the link's owner can make a new one.")
    if feed.partnership_id is not None and not can_see(actor, feed.partnership_id):
        raise ValidationError("You are no longer a member of this partnership, so the link cannot be renewed.")
    revoked = revoke_feed(actor, feed)
    return create_feed(actor, partnership=revoked.partnership, filters=Filters.from_data(revoked.filters))


def revoke_feeds_of_inactive_users() -> int:
    """Retention: revoke every working feed whose owner's account is deactivated (such feeds
    already answer 404, `CalendarFeed.objects.usable()`); run daily by the
    `revoke_inactive_calendar_feeds` command. Returns how many were revoked."""
    stale = list(CalendarFeed.objects.filter(revoked_at__isnull=True, owner__is_active=False))
    for feed in stale:
        revoke_feed(None, feed, why=" (the account is closed)")
    return len(stale)


def note_fetched(feed: CalendarFeed) -> None:
    """Remember when a calendar app last fetched the feed; at most one write a minute."""
    now = timezone.now()
    if feed.last_fetched_at is None or (now - feed.last_fetched_at).total_seconds() >= 60:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_fetched_at=now)
        feed.last_fetched_at = now
