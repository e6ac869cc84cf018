"""The daily audit-trail check, and what people see of its result.

`run_check` is what `manage.py verify_audit` (scheduled daily, portal/jobs/schedule.py) does: walk
the whole hash chain and the signed checkpoints, and keep the result as an AuditCheck row. The row
is what turns an operator's exit code into something people see: site administrators get a banner
(portal.context_processors), /healthz fails (portal.health), and the verify page says that the
record behind a memorandum can no longer be confirmed when its events are in the broken part
(`unconfirmable_events`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from portal import audit_checkpoints, audit_keys
from portal.audit import ChainHead, ChainProblem, verify_chain
from portal.models import AuditCheck

# Problems kept on the row; the count is always exact. A break touching more events than this is
# reported as such, and every event from the first problem on is then treated as unconfirmed.
MAX_KEPT = 5000


@dataclass(frozen=True)
class CheckOutcome:
    check: AuditCheck
    unreadable: list[str]
    checkpoint: audit_checkpoints.Checkpoint | None


def run_check(*, write_checkpoint: bool = True) -> CheckOutcome:
    """Walk the trail, keep the result, and (when intact) checkpoint its head.

    Raises ValueError for a key problem (the walk cannot be trusted without the keys)."""
    for problem in audit_keys.problems_with_keys():
        raise ValueError(problem)
    checkpoints, unreadable = audit_checkpoints.read()
    walk = verify_chain(wanted=[cp.sequence for cp in checkpoints])
    found: list[ChainProblem] = list(walk) + audit_checkpoints.check(checkpoints, walk.seen)
    kept = sorted(found, key=lambda p: p.event_id)[:MAX_KEPT]
    check = AuditCheck.objects.create(
        ok=not found and not unreadable,
        events_checked=walk.events_walked,
        checkpoints_checked=len(checkpoints),
        problem_count=len(found) + len(unreadable),
        problem_event_ids=sorted({p.event_id for p in kept}),
        problems=[{"event": p.event_id, "reason": p.reason} for p in kept]
        + [{"event": None, "reason": line} for line in unreadable],
    )
    checkpoint = None
    if check.ok and write_checkpoint and walk.head is not None:
        sequence, head_hash = walk.head
        checkpoint = audit_checkpoints.write(ChainHead(sequence=sequence, hash=head_hash, count=walk.events_walked))
    return CheckOutcome(check, unreadable, checkpoint)


def latest() -> AuditCheck | None:
    return AuditCheck.objects.order_by("-checked_at", "-id").first()


def latest_failure() -> AuditCheck | None:
    """The newest check, when it found the trail broken (a later intact check clears it)."""
    newest = latest()
    return newest if newest is not None and not newest.ok else None


def unconfirmable_events(event_ids: Iterable[int]) -> list[int]:
    """Which of these events sit in the part of the trail the newest check found broken."""
    failure = latest_failure()
    if failure is None:
        return []
    broken = set(failure.problem_event_ids)
    wanted = set(event_ids)
    if failure.problem_count > len(failure.problems) and broken:
        # More problems than were kept: from the first one on, nothing can be vouched for.
        first = min(broken)
        return sorted(e for e in wanted if e >= first)
    return sorted(wanted & broken)
