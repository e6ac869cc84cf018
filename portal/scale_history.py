"""The audit trail of the national-scale dataset: `manage.py seed_scale` calls `build` after every
app has built its data, so history panels, the memorandum evidence certificate and verify_audit
are measured over a trail of realistic size rather than an empty one.

The events are a valid hash chain (verify_audit passes), spread over the dataset's ten years,
about half on placements, the rest on memoranda, health checks and the partnerships themselves,
as the services would write them. Bulk-inserted: `portal.audit.record` takes a lock per event.
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

# What a year of a partnership's work looks like in the trail: (weight, app label, model, actions).
KINDS = [
    (50, "placements", "Placement", ["placement.created", "placement.updated", "placement.status_changed"]),
    (20, "memoranda", "Memorandum", ["memorandum.section_updated", "memorandum.commented", "memorandum.signed"]),
    (15, "healthcheck", "HealthCheck", ["healthcheck.rated", "healthcheck.evidence_added", "healthcheck.action_added"]),
    (15, "partnerships", "Partnership", ["partnership.updated", "meeting.recorded", "member.invited"]),
]
YEARS = 10


def build(ctx: dict, params: dict, stdout) -> int:
    rng = random.Random(11)
    count = params["audit_events"]
    targets = {}
    for _, app_label, model_name, _ in KINDS:
        model = apps.get_model(app_label, model_name)
        field = "id" if model_name == "Partnership" else "partnership_id"
        targets[model_name] = (model._meta.label_lower, list(model.objects.values_list("id", field)))
    # The people who act: each partnership's members, by name and e-mail as record() writes them.
    people: dict[int, list[str]] = {}
    for membership in ctx["memberships"]:
        user = membership.user
        people.setdefault(membership.partnership_id, []).append(f"{user.get_full_name()} <{user.email}>")
    weights = [weight for weight, *_ in KINDS]
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
        _, _, model_name, actions = rng.choices(KINDS, weights)[0]
        label, rows = targets[model_name]
        if not rows:
            continue
        target_id, partnership_id = rng.choice(rows)
        action = rng.choice(actions)
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
