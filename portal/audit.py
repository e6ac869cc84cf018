"""Writing and checking the audit trail.

Every service function calls `record()` inside its transaction, so the audit row commits or
rolls back together with the change it describes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import connection, models, transaction

from portal.models import AuditEvent, canonical_json

# Arbitrary constant naming the PostgreSQL advisory lock that serialises chain appends.
_AUDIT_CHAIN_LOCK = 7_001_002_003


def _plain(value):
    """Make a value JSON-native so the stored changes hash the same after a round trip."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.QuerySet):
        return [str(v) for v in value]
    return value


def diff(before: dict, after: dict) -> dict:
    """The fields whose values differ, as {field: [old, new]}."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in sorted(set(before) | set(after))
        if _plain(before.get(key)) != _plain(after.get(key))
    }


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict:
    """The current values of `fields` on `obj`, for use with `diff`."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def record(
    actor,
    action: str,
    target: models.Model,
    *,
    changes: dict | None = None,
    summary: str = "",
    partnership_id: int | None = None,
    organisation_id: int | None = None,
) -> AuditEvent:
    """Append one event to the hash chain.

    `action` is a dotted verb such as "partnership.updated"; `changes` maps field names to
    [old, new]. Pass the partnership (or organisation) the change belongs to so it shows in
    that page's history panel.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_AUDIT_CHAIN_LOCK])
        # SQLite runs every transaction IMMEDIATE (see settings), which already serialises writers.
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event = AuditEvent(
            actor=actor if getattr(actor, "pk", None) else None,
            # A long name plus a long e-mail address can exceed the column; PostgreSQL would refuse it.
            actor_label=(f"{actor.get_full_name()} <{actor.email}>"[:300] if getattr(actor, "pk", None) else "system"),
            action=action,
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            target_label=str(target)[:300],
            partnership_id=partnership_id,
            organisation_id=organisation_id,
            summary=summary[:500],
            changes=json.loads(canonical_json(changes or {})),
            prev_hash=last or "",
        )
        event.hash = event.compute_hash()
        event.save()
        return event


@dataclass
class ChainProblem:
    event_id: int
    reason: str


def verify_chain(batch_size: int = 2000) -> list[ChainProblem]:
    """Recompute every hash in order; report each row whose content or link does not match."""
    problems: list[ChainProblem] = []
    previous = ""
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != previous:
            problems.append(
                ChainProblem(event.id, "its link to the previous event does not match (a row was removed or reordered)")
            )
        if event.compute_hash() != event.hash:
            problems.append(ChainProblem(event.id, "its content no longer matches its hash (the row was edited)"))
        previous = event.hash
    return problems


def history_for(
    *,
    partnership_id: int | None = None,
    organisation_id: int | None = None,
    target=None,
    actions: Iterable[str] | None = None,
    limit: int | None = 20,
):
    """The most recent events for a history panel, newest first; `actions` keeps only those
    kinds of event, and `limit=None` returns every one (for evidence, where a cut-off would
    silently drop a record)."""
    qs = AuditEvent.objects.select_related("actor")
    if actions is not None:
        qs = qs.filter(action__in=list(actions))
    if target is not None:
        qs = qs.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
    if partnership_id is not None:
        qs = qs.filter(partnership_id=partnership_id)
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    qs = qs.order_by("-id")
    return list(qs if limit is None else qs[:limit])
