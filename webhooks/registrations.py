"""What webhooks contributes: its permission, the audit listener that turns memoranda and health
check changes into events, the daily time-based events, the partnership-page section and the
privacy notice's log retention. Its audit events carry the partnership, so they show in the
partnership's History; it has no share of the scale dataset (no endpoints there), so no HistoryKind."""

from __future__ import annotations

from django.conf import settings

from partnerships.access import can
from portal.registry import (
    PartnershipPanel,
    register_audit_listener,
    register_partnership_panel,
    register_privacy_facts,
    register_reminder_sender,
)
from webhooks import events
from webhooks import permissions as _permissions  # noqa: F401 (registers the app's permissions)
from webhooks.delivery import DEFAULT_LOG_DAYS
from webhooks.models import Endpoint
from webhooks.permissions import WebhookPerm

register_audit_listener("webhooks", events.FROM_AUDIT, events.on_audit_event)
register_reminder_sender("webhooks", events.emit_due_events)


def _panel(user, partnership) -> dict:
    endpoints = list(Endpoint.objects.filter(partnership=partnership).values_list("enabled", flat=True))
    return {
        "can_manage": can(user, partnership, WebhookPerm.MANAGE),
        "count": len(endpoints),
        "disabled": endpoints.count(False),
    }


register_partnership_panel(
    PartnershipPanel("webhooks", "Webhooks", "webhooks/_partnership_panel.html", _panel, order=900)
)
register_privacy_facts(lambda: {"webhook_log_days": int(getattr(settings, "WEBHOOKS_LOG_DAYS", DEFAULT_LOG_DAYS))})
