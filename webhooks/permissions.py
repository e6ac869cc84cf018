"""Who may manage a partnership's webhooks: its leads (and site administrators)."""

from __future__ import annotations

from enum import StrEnum

from partnerships.access import register_permissions
from partnerships.models import Role


class WebhookPerm(StrEnum):
    MANAGE = "manage_webhooks"


register_permissions({WebhookPerm.MANAGE: {Role.LEAD}})
