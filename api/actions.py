"""The audit-trail action names the API's token services write, declared once."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    TOKEN_CREATED = "api_token.created"
    TOKEN_REVOKED = "api_token.revoked"
