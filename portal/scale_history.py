"""The audit trail of the national-scale dataset: `manage.py seed_scale` calls `build` after every
app has built its data, so history panels, the memorandum evidence certificate and verify_audit
are measured over a trail of realistic size rather than an empty one.

The events are a valid hash chain (verify_audit passes), spread over the dataset's ten years,
in the shares each app registers (portal.registry.register_history_kind: about half on
placements, the rest on memoranda, health checks and the partnerships themselves), with the
action names the services write. Bulk-inserted: `portal.audit.record` takes a lock per event.
"""

from __future__ import annotations

import datetime as dt
import json
import random

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from portal import audit_keys
from portal.models import AuditEvent, canonical_json
from portal.registry import history_kinds

YEARS = 10


def build(ctx: dict, params: dict, stdout) -> int:
    rng = random.Random(11)
    count = params["audit_events"]
    kinds = history_kinds()
    targets = {}
    for kind in kinds:
        model = apps.get_model(kind.model)
        rows = list(model.objects.values_list("id", kind.partnership_field))
        targets[kind.model] = (model._meta.label_lower, model._meta.object_name, rows)
    # The people who act: each partnership's members, by name and e-mail as record() writes them.
    people: dict[int, list[str]] = {}
    for membership in ctx["memberships"]:
        user = membership.user
        people.setdefault(membership.partnership_id, []).append(f"{user.get_full_name()} <{user.email}>")
    weights = [kind.weight for kind in kinds]
    end = timezone.now()
    start = end - dt.timedelta(days=365 * YEARS)
    step = (end - start) / max(count, 1)
    previous = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or ""
    # The id is hashed, so the rows are numbered here, after the highest id so far (the
    # sequence is moved past them below).
    next_id = (AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    key_id = audit_keys.signing_key_id()
    batch: list[AuditEvent] = []
    for i in range(count):
        kind = rng.choices(kinds, weights)[0]
        label, model_name, rows = targets[kind.model]
        if not rows:
            continue
        target_id, partnership_id = rng.choice(rows)
        action = str(rng.choice(kind.actions))
        event = AuditEvent(
            id=next_id,
            key_id=key_id,
            created_at=start + step * i,
            actor_label=rng.choice(people.get(partnership_id) or ["system"]),
            action=action,
            target_type=label,
            target_id=str(target_id),
            target_label=f"{model_name} {target_id}",
            partnership_id=partnership_id,
            summary=f"{action.replace('.', ' ').replace('_', ' ').capitalize()} ({model_name.lower()} {target_id})",
            changes=json.loads(canonical_json({"revision": [i % 7, i % 7 + 1]})),
            prev_hash=previous,
        )
        event.hash = event.compute_hash([])
        previous = event.hash
        next_id += 1
        batch.append(event)
        if len(batch) == 5000:
            AuditEvent.objects.bulk_create(batch)
            batch = []
    AuditEvent.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [AuditEvent]):
            cursor.execute(sql)
    stdout.write(f"    {AuditEvent.objects.count()} audit events (one hash chain) over {YEARS} years")
    return count
