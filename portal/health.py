"""What /healthz checks: the core's checks (database, private file store, audit chain) and any an
app registers (`portal.registry.register_health_check`: the job queue adds its own).

The answer keeps the shape load balancers and CI already read: `status` ("ok" or "error") and
`database` ("ok" or "unreachable", with `reason` when it fails), and adds a top-level word per
other check and `checks` with each one's facts. Any failing check makes it a 503.
"""

from __future__ import annotations

import time
import uuid

from django.core.files.base import ContentFile
from django.db import connection

from portal.registry import HealthCheck, HealthResult, health_checks, register_health_check
from portal.storage import private_storage

PROBE_BYTES = b"portal health probe\n"


def check_database() -> HealthResult:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HealthResult(True)


def check_storage() -> HealthResult:
    """Write, read back and delete a tiny object: a store that lists but refuses writes (full
    disk, a read-only key) fails here rather than on someone's upload."""
    storage = private_storage()
    name = storage.save(f"healthz/probe-{uuid.uuid4().hex}.txt", ContentFile(PROBE_BYTES))
    try:
        with storage.open(name, "rb") as handle:
            if handle.read() != PROBE_BYTES:
                return HealthResult(False, reason="the probe read back differently")
    finally:
        storage.delete(name)
    return HealthResult(True)


def check_audit_chain() -> HealthResult:
    """The last full walk of the chain (manage.py verify_audit, daily) found no break; the newest
    event still matches its hash; and the newest checkpoint is signed with the audit key and its
    event is still there with the same hash. (The walk is too slow for every probe; these are the
    parts cheap enough for one.)"""
    from portal import audit_checkpoints, audit_keys
    from portal.audit_status import latest as latest_check
    from portal.models import AuditEvent

    daily = latest_check()
    if daily is not None and not daily.ok:
        return HealthResult(
            False,
            {"checked_at": daily.checked_at.isoformat(), "problems": daily.problem_count},
            reason="the last full check of the audit trail found it broken",
        )
    head = AuditEvent.objects.order_by("-id").first()
    if head is None:
        return HealthResult(True, {"events": 0})
    if not audit_keys.known(head.key_id) or not audit_keys.same(head.compute_hash(head.subject_rows()), head.hash):
        return HealthResult(False, {"head": head.pk}, reason="the newest event does not match its hash")
    detail = {"head": head.pk}
    checkpoints, unreadable = audit_checkpoints.read()
    if unreadable:
        return HealthResult(False, detail, reason="a checkpoint line cannot be read")
    if not checkpoints:
        return HealthResult(True, {**detail, "checkpoint": None})
    latest = max(checkpoints, key=lambda cp: cp.sequence)
    detail["checkpoint"] = latest.sequence
    if not audit_keys.known(latest.key_id) or not audit_keys.same(
        audit_keys.mac(latest.key_id, latest.signed_part()), latest.mac
    ):
        return HealthResult(False, detail, reason="the newest checkpoint is not signed with the audit key")
    stored = AuditEvent.objects.filter(pk=latest.sequence).values_list("hash", flat=True).first()
    if stored is None:
        return HealthResult(False, detail, reason="the checkpointed event is gone")
    if not audit_keys.same(stored, latest.head):
        return HealthResult(False, detail, reason="the checkpointed event's hash changed")
    return HealthResult(True, detail)


register_health_check(HealthCheck("database", check_database, order=0))
register_health_check(HealthCheck("storage", check_storage, order=10))
register_health_check(HealthCheck("audit", check_audit_chain, order=20))


def _reason(exc: Exception) -> str:
    """The exception's class, or for a bucket the S3 error code (NoSuchBucket, AccessDenied)."""
    response = getattr(exc, "response", None)
    code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
    return str(code) if code else exc.__class__.__name__


def report() -> tuple[bool, dict]:
    """Run every check; (all passed, the JSON body)."""
    body: dict = {"status": "ok"}
    checks: dict[str, dict] = {}
    reason = ""
    for health_check in health_checks():
        started = time.monotonic()
        try:
            result = health_check.check()
        except Exception as exc:  # noqa: BLE001 - any failure of the thing checked means "not ready"
            result = HealthResult(False, reason=_reason(exc))
        if not result.ok and health_check.name == "database":
            reason = result.reason
        checks[health_check.name] = {
            "status": "ok" if result.ok else "error",
            **({"reason": result.reason} if result.reason else {}),
            **result.detail,
            "ms": round((time.monotonic() - started) * 1000, 1),
        }
        failed_word = "unreachable" if health_check.name == "database" else "error"
        body[health_check.name] = "ok" if result.ok else failed_word
    ok = all(c["status"] == "ok" for c in checks.values())
    if not ok:
        body["status"] = "error"
        body["reason"] = reason or next(c.get("reason", "") for c in checks.values() if c["status"] != "ok")
    body["checks"] = checks
    return ok, body
