"""The audit-trail action names webhooks write, declared once (see docs/conventions.md)."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    ENDPOINT_ADDED = "webhook.endpoint_added"
    ENDPOINT_UPDATED = "webhook.endpoint_updated"
    ENDPOINT_DISABLED = "webhook.endpoint_disabled"
    ENDPOINT_ENABLED = "webhook.endpoint_enabled"
    ENDPOINT_DISABLED_AFTER_FAILURES = "webhook.endpoint_disabled_after_failures"
    SECRET_ROTATED = "webhook.secret_rotated"
    TEST_SENT = "webhook.test_sent"
