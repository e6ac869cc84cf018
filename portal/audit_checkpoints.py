"""Signed checkpoints of the audit chain's head, kept outside the database.

A hash chain cannot show that its newest rows were deleted: what is left is still a valid chain.
So the head (the newest event's id, its hash and the number of events) is written now and then,
with an HMAC under the audit key, to a file in storage (AUDIT_CHECKPOINT_DIR, or the default
private store, portal/storage.py) and to the operator's log. `verify_audit` then checks that every checkpointed
event is still there with the same hash, which catches rows removed from the end.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from portal import audit_keys
from portal.audit import ChainHead, ChainProblem, chain_head
from portal.models import AuditEvent, canonical_json
from portal.storage import private_storage

logger = logging.getLogger("portal.audit")
FILE_NAME = "audit/checkpoints.jsonl"


@dataclass
class Checkpoint:
    sequence: int
    head: str
    count: int
    at: str
    key_id: str
    mac: str
    line: int = 0

    def signed_part(self) -> str:
        return canonical_json({"sequence": self.sequence, "head": self.head, "count": self.count, "at": self.at})


def _storage():
    if settings.AUDIT_CHECKPOINT_DIR:
        return FileSystemStorage(location=settings.AUDIT_CHECKPOINT_DIR)
    return private_storage()


def _read_text() -> str:
    storage = _storage()
    if not storage.exists(FILE_NAME):
        return ""
    with storage.open(FILE_NAME, "rb") as handle:
        return handle.read().decode("utf-8")


def read() -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints in the file, oldest first, and the lines that could not be read."""
    checkpoints, unreadable = [], []
    for number, line in enumerate(_read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            checkpoints.append(
                Checkpoint(
                    sequence=int(data["sequence"]),
                    head=str(data["head"]),
                    count=int(data["count"]),
                    at=str(data["at"]),
                    key_id=str(data["key_id"]),
                    mac=str(data["mac"]),
                    line=number,
                )
            )
        except (ValueError, KeyError, TypeError):
            unreadable.append(f"Checkpoint line {number} cannot be read")
    return checkpoints, unreadable


def write(head: ChainHead | None = None) -> Checkpoint | None:
    """Append a signed checkpoint of the chain head (None when the trail is empty)."""
    head = head or chain_head()
    if head is None:
        return None
    key_id = audit_keys.signing_key_id()
    checkpoint = Checkpoint(
        sequence=head.sequence, head=head.hash, count=head.count, at=timezone.now().isoformat(), key_id=key_id, mac=""
    )
    checkpoint.mac = audit_keys.mac(key_id, checkpoint.signed_part())
    line = canonical_json({k: v for k, v in checkpoint.__dict__.items() if k != "line"})
    storage = _storage()
    # Storage has no append: read, add the line, write back (a file system storage would
    # otherwise save under a new name).
    text = _read_text()
    if storage.exists(FILE_NAME):
        storage.delete(FILE_NAME)
    storage.save(FILE_NAME, ContentFile((text + line + "\n").encode("utf-8")))
    logger.info("Audit checkpoint %s", line)
    return checkpoint


def check(checkpoints: list[Checkpoint], seen: dict[int, str]) -> list[ChainProblem]:
    """Compare checkpoints with the hashes the chain walk saw (`seen`: {event id: hash})."""
    problems = []
    valid = []
    for cp in checkpoints:
        if not audit_keys.known(cp.key_id) or not audit_keys.same(audit_keys.mac(cp.key_id, cp.signed_part()), cp.mac):
            problems.append(ChainProblem(cp.sequence, f"checkpoint line {cp.line} is not signed with the audit key"))
            continue
        valid.append(cp)
        if cp.sequence not in seen:
            problems.append(
                ChainProblem(
                    cp.sequence,
                    f"the checkpoint of {cp.at} recorded this event as the newest of {cp.count}, and it is gone "
                    "(rows were deleted from the end of the trail)",
                )
            )
        elif not audit_keys.same(seen[cp.sequence], cp.head):
            problems.append(
                ChainProblem(
                    cp.sequence, f"its hash differs from the one checkpointed at {cp.at} (the trail was rewritten)"
                )
            )
    if valid:
        latest = max(valid, key=lambda cp: cp.sequence)
        if latest.sequence in seen:
            count = AuditEvent.objects.filter(id__lte=latest.sequence).count()
            if count != latest.count:
                problems.append(
                    ChainProblem(
                        latest.sequence,
                        f"{latest.count} events led up to it at the checkpoint of {latest.at}, now {count} do",
                    )
                )
    return problems
