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

from portal import audit_keys, registry
from portal.models import AuditEvent, AuditSubject, User, canonical_json

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


def _subject_key(subject) -> str:
    if isinstance(subject, models.Model):
        return f"{subject._meta.label_lower}:{subject.pk}"
    return str(subject)


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_AUDIT_CHAIN_LOCK])
    # SQLite runs every transaction IMMEDIATE (see settings), which already serialises writers.


def record(
    actor,
    action: str,
    target: models.Model,
    *,
    changes: dict | None = None,
    summary: str = "",
    partnership_id: int | None = None,
    organisation_id: int | None = None,
    subjects: Iterable[tuple[models.Model | str, str]] | None = None,
) -> AuditEvent:
    """Append one event to the hash chain.

    `action` is a dotted verb such as "partnership.updated"; `changes` maps field names to
    [old, new]. Pass the partnership (or organisation) the change belongs to so it shows in
    that page's history panel.

    `subjects` names people's references that appear in the target's label, the summary or the
    changes, as (the person's record, the text), e.g. [(student, student.reference)]: they are
    kept out of the hashed text so `pseudonymise` can replace them when the person's data is
    purged without breaking the chain.
    """
    key_id = audit_keys.signing_key_id()
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        has_actor = getattr(actor, "pk", None) is not None
        event = AuditEvent(
            actor=actor if has_actor else None,
            actor_ref=actor.pk if has_actor else None,
            # A long name plus a long e-mail address can exceed the column; PostgreSQL would refuse it.
            actor_label=(f"{actor.get_full_name()} <{actor.email}>"[:300] if has_actor else "system"),
            action=action,
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            target_label=str(target)[:300],
            partnership_id=partnership_id,
            organisation_id=organisation_id,
            summary=summary[:500],
            changes=json.loads(canonical_json(changes or {})),
            prev_hash=last or "",
            key_id=key_id,
        )
        # The id is hashed too (evidence certificates and checkpoints quote it), so the row is
        # inserted first and sealed once the database has numbered it.
        event.save()
        rows: list[AuditSubject] = []
        seen: set[str] = set()
        for subject, text in subjects or ():
            text = str(text)[:300]
            if text and text not in seen:
                seen.add(text)
                key = _subject_key(subject)
                rows.append(
                    AuditSubject(
                        event=event,
                        position=len(rows),
                        subject=key,
                        text=text,
                        digest=AuditSubject.digest_for(key_id, key, text),
                    )
                )
        AuditSubject.objects.bulk_create(rows)
        event.hash = event.compute_hash(rows)
        event.save(update_fields=["hash"])
    registry.notify_audit_listeners(event)
    return event


def pseudonymise(subject, pseudonym: str) -> int:
    """Replace a person's references in the trail with `pseudonym` (when their data is purged).

    The hashes stay valid: they cover the text with placeholders and a keyed digest of each
    reference, not the reference itself. Returns how many events changed."""
    key = _subject_key(subject)
    changed = 0
    with transaction.atomic():
        rows = set(
            AuditSubject.objects.select_for_update()
            .filter(subject=key, pseudonymised=False)
            .values_list("event_id", flat=True)
        )
        for event in AuditEvent.objects.filter(pk__in=rows).prefetch_related("subjects"):
            subjects = event.subject_rows()
            new_texts = {s.position: s.text for s in subjects}
            for s in subjects:
                if s.subject != key or s.pseudonymised:
                    continue
                text, n = pseudonym, 1
                # Two references of one person in one event (an old and a new reference) need
                # different pseudonyms, or the placeholders could not be told apart again.
                while text in [t for p, t in new_texts.items() if p != s.position]:
                    n += 1
                    text = f"{pseudonym} ({n})"
                new_texts[s.position] = text
            event.refill(subjects, new_texts)
            event.save(update_fields=["target_label", "summary", "changes"])
            for s in subjects:
                if s.subject == key and not s.pseudonymised:
                    s.text = new_texts[s.position][:300]
                    s.pseudonymised = True
                    s.pseudonym_mac = AuditSubject.pseudonym_mac_for(event.key_id, s.digest, s.text)
                    s.save(update_fields=["text", "pseudonymised", "pseudonym_mac"])
            changed += 1
    return changed


@dataclass
class ChainProblem:
    event_id: int
    reason: str


@dataclass
class ChainHead:
    """The newest event: its id (the sequence number), hash and the number of events."""

    sequence: int
    hash: str
    count: int


def chain_head() -> ChainHead | None:
    last = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
    if last is None:
        return None
    return ChainHead(sequence=last[0], hash=last[1], count=AuditEvent.objects.count())


def _event_problems(event: AuditEvent, live_users: set[int]) -> list[str]:
    subjects = event.subject_rows()
    if not event.key_id:
        return ["it was written before the trail was keyed and has not been re-sealed (run manage.py audit_rehash)"]
    if not audit_keys.known(event.key_id):
        return [f"it is signed with the audit key {event.key_id!r}, which this portal does not hold"]
    found = []
    if not audit_keys.same(event.compute_hash(subjects), event.hash):
        found.append("its content no longer matches its hash (the row was edited or re-chained without the key)")
    if event.actor_id is not None and event.actor_id != event.actor_ref:
        found.append("the person shown as having made the change is not the one recorded (the actor was edited)")
    elif event.actor_id is None and event.actor_ref is not None and event.actor_ref in live_users:
        found.append("the person who made the change was removed from the event, but their account still exists")
    for s in subjects:
        if s.pseudonymised:
            expected = AuditSubject.pseudonym_mac_for(event.key_id, s.digest, s.text)
            if not audit_keys.same(expected, s.pseudonym_mac):
                found.append(f"a purged reference (subject {s.position}) was not pseudonymised by the portal")
        elif not audit_keys.same(AuditSubject.digest_for(event.key_id, s.subject, s.text), s.digest):
            found.append(f"a person's reference (subject {s.position}) was edited")
    return found


def verify_chain(batch_size: int = 2000, *, wanted: Iterable[int] = ()) -> _ProblemList:
    """Recompute every hash in order; report each row whose content or link does not match.

    `wanted` names event ids whose stored hash the caller needs (checkpoints): the returned list
    carries them in `.seen` as {id: hash}, with `.events_walked` and `.head` (id, hash) of the walk."""
    problems = _ProblemList()
    wanted = set(wanted)
    live_users = set(
        User.objects.filter(
            pk__in=AuditEvent.objects.filter(actor__isnull=True, actor_ref__isnull=False).values("actor_ref")
        ).values_list("pk", flat=True)
    )
    previous = ""
    qs = AuditEvent.objects.order_by("id").prefetch_related("subjects")
    for event in qs.iterator(chunk_size=batch_size):
        if event.prev_hash != previous:
            problems.append(
                ChainProblem(event.id, "its link to the previous event does not match (a row was removed or reordered)")
            )
        for reason in _event_problems(event, live_users):
            problems.append(ChainProblem(event.id, reason))
        if event.id in wanted:
            problems.seen[event.id] = event.hash
        problems.events_walked += 1
        problems.head = (event.id, event.hash)
        previous = event.hash
    return problems


class _ProblemList(list):
    """The problems found, plus what the walk saw (for checking checkpoints against it)."""

    def __init__(self):
        super().__init__()
        self.seen: dict[int, str] = {}
        self.events_walked = 0
        self.head: tuple[int, str] | None = None


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
