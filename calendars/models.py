"""Personal calendar feeds: a secret link a calendar app (Outlook, Google, Apple) fetches without
signing in.

Like the API's tokens, only the SHA-256 digest of the secret is kept (`portal.hashing`), so a copy
of the database opens no feed; the link is shown once, when it is made. A feed shows what its
owner may see on the calendar pages at the moment it is fetched: nothing is copied into it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from partnerships.models import Partnership

# Recognisable to secret scanners and people: "ptc_" and 43 URL-safe characters.
FEED_PREFIX = "ptc_"


class CalendarFeedQuerySet(models.QuerySet["CalendarFeed"]):
    def usable(self) -> CalendarFeedQuerySet:
        """Feeds that answer: not revoked, and their owner's account still active."""
        return self.filter(revoked_at__isnull=True, owner__is_active=True)


class CalendarFeed(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    # The first characters of the secret after the prefix, so people can tell their links apart.
    hint = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    # One partnership, or (null) all the owner's partnerships, including ones they join later.
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    # The calendar page's filters when the link was made: {"team": text, "employer": id,
    # "university": id, "kinds": [...]}; see calendars.selectors.Filters.
    filters = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "calendar feed"

    def __str__(self) -> str:
        return f"Calendar link {FEED_PREFIX}{self.hint}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
