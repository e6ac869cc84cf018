"""The secret keys of the audit chain (settings.AUDIT_HMAC_KEYS, from the environment).

The keys never go into the database: someone who can write to the database but does not hold
the key cannot compute a valid hash for an edited event, a re-chained trail or a checkpoint.
Settings are read at each call so a rotated key (or a test's override) takes effect at once.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,16}$")


def _keys() -> dict[str, bytes]:
    return {key_id: key.encode("utf-8") for key_id, key in settings.AUDIT_HMAC_KEYS}


def signing_key_id() -> str:
    """The id of the newest key, which signs new events and checkpoints."""
    if not settings.AUDIT_HMAC_KEYS:
        raise ImproperlyConfigured(settings.MISSING_AUDIT_KEY_MESSAGE)
    return settings.AUDIT_HMAC_KEYS[0][0]


def known(key_id: str) -> bool:
    return key_id in _keys()


def mac(key_id: str, message: str) -> str:
    """HMAC-SHA256 of `message` under the key `key_id`, in hex; KeyError if the key is not held."""
    return hmac.new(_keys()[key_id], message.encode("utf-8"), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def problems_with_keys() -> list[str]:
    """What is wrong with the configured keys, in words (empty when they are usable)."""
    if not settings.AUDIT_HMAC_KEYS:
        return [settings.MISSING_AUDIT_KEY_MESSAGE]
    found = []
    ids = [key_id for key_id, _ in settings.AUDIT_HMAC_KEYS]
    for key_id, key in settings.AUDIT_HMAC_KEYS:
        if not KEY_ID_PATTERN.match(key_id):
            found.append(f"The audit key id {key_id!r} must be 1 to 16 letters, digits, '.', '_' or '-'.")
        if len(key) < 32:
            found.append(f"The audit key {key_id!r} is too short: use at least 32 random characters.")
    if len(set(ids)) != len(ids):
        found.append("Two audit keys share an id: each key in AUDIT_HMAC_KEYS needs its own id.")
    return found
