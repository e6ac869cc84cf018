"""Seal the audit events written before the chain was keyed (migration portal 0003) with the
audit key. Run once by the operator after upgrading; see docs/operator.md."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal import audit_checkpoints, audit_keys
from portal.audit import _lock_chain
from portal.models import AuditEvent


class Command(BaseCommand):
    help = (
        "Once, after upgrading: check the old plain SHA-256 chain, then re-seal every event with the audit "
        "key (HMAC) and record a checkpoint. Refuses if the old chain is already broken, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Re-seal even if the old chain is broken (the breaks are listed)."
        )

    def handle(self, *args, force=False, **options):
        for problem in audit_keys.problems_with_keys():
            raise CommandError(problem)
        key_id = audit_keys.signing_key_id()
        with transaction.atomic():
            _lock_chain()
            if not AuditEvent.objects.filter(key_id="").exists():
                self.stdout.write("Every audit event is already sealed with a key: nothing to do.")
                return
            broken, sealed, old_previous, new_previous, started = [], 0, "", "", False
            for event in AuditEvent.objects.order_by("id").prefetch_related("subjects").iterator(chunk_size=2000):
                subjects = event.subject_rows()
                if event.prev_hash != old_previous:
                    broken.append(f"Audit event {event.pk}: its link to the previous event does not match")
                if event.key_id:
                    intact = audit_keys.known(event.key_id) and audit_keys.same(
                        event.compute_hash(subjects), event.hash
                    )
                else:
                    intact = event.compute_legacy_hash() == event.hash
                if not intact:
                    broken.append(f"Audit event {event.pk}: its content no longer matches its hash")
                old_previous = event.hash
                started = started or not event.key_id
                if started:
                    if event.actor_ref is None:
                        event.actor_ref = event.actor_id
                    event.key_id = key_id
                    event.prev_hash = new_previous
                    event.hash = event.compute_hash(subjects)
                    event.save(update_fields=["actor_ref", "key_id", "prev_hash", "hash"])
                    sealed += 1
                new_previous = event.hash
            for line in broken[:50]:
                self.stderr.write(line)
            if broken and not force:
                # Raising inside the transaction undoes every row sealed above.
                raise CommandError(
                    f"The old audit chain is broken ({len(broken)} problem(s)): nothing was re-sealed. Investigate, "
                    "then run again with --force to seal the trail as it now stands."
                )
        checkpoint = audit_checkpoints.write()
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-sealed {sealed} audit events with key {key_id}; checkpoint at event {checkpoint.sequence}."
            )
        )
