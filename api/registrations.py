"""What the API contributes to the core: the privacy notice's facts about tokens.

No share of the scale dataset's audit trail: the scale dataset makes no tokens."""

from __future__ import annotations

from api.models import MAX_LIFETIME_DAYS
from portal.registry import register_privacy_facts


def _privacy_facts() -> dict:
    return {"api_token_max_days": MAX_LIFETIME_DAYS}


register_privacy_facts(_privacy_facts)
