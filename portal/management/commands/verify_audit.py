from django.core.management.base import BaseCommand, CommandError

from portal import audit_checkpoints, audit_keys
from portal.audit import ChainHead, verify_chain


class Command(BaseCommand):
    help = (
        "Re-check the audit trail's keyed hash chain and its signed checkpoints; exits non-zero if any row was "
        "edited, re-chained, removed or reordered, or rows were deleted from the end. When all is well it "
        "writes a new checkpoint (unless --no-checkpoint)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-checkpoint", action="store_true", help="Only check; do not record a new checkpoint of the head."
        )

    def handle(self, *args, no_checkpoint=False, **options):
        for problem in audit_keys.problems_with_keys():
            raise CommandError(problem)
        checkpoints, unreadable = audit_checkpoints.read()
        problems = verify_chain(wanted=[cp.sequence for cp in checkpoints])
        total = problems.events_walked
        found = list(problems) + audit_checkpoints.check(checkpoints, problems.seen)
        for line in unreadable:
            self.stderr.write(line)
        if found or unreadable:
            for problem in found[:50]:
                self.stderr.write(f"Audit event {problem.event_id}: {problem.reason}")
            raise CommandError(
                f"The audit trail is broken: {len(found) + len(unreadable)} problem(s) in {total} events."
            )
        message = f"The audit trail is intact: {total} events checked against {len(checkpoints)} checkpoint(s)."
        if not no_checkpoint and problems.head is not None:
            checkpoint = audit_checkpoints.write(ChainHead(*problems.head, count=total))
            message += f" New checkpoint: event {checkpoint.sequence}, hash {checkpoint.head}."
        self.stdout.write(self.style.SUCCESS(message))
