"""The audit-trail action names the calendar feed services write, declared once."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    FEED_CREATED = "calendar_feed.created"
    FEED_REVOKED = "calendar_feed.revoked"
