from django.core.management.base import BaseCommand, CommandError

from portal import audit_status


class Command(BaseCommand):
    help = (
        "Re-check the audit trail's keyed hash chain and its signed checkpoints; exits non-zero if any row was "
        "edited, re-chained, removed or reordered, or rows were deleted from the end. Every run is kept (site "
        "administrators see a banner and /healthz fails while the newest run found a break). When all is well "
        "it writes a new checkpoint (unless --no-checkpoint)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-checkpoint", action="store_true", help="Only check; do not record a new checkpoint of the head."
        )

    def handle(self, *args, no_checkpoint=False, **options):
        try:
            outcome = audit_status.run_check(write_checkpoint=not no_checkpoint)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        check = outcome.check
        for line in outcome.unreadable:
            self.stderr.write(line)
        if not check.ok:
            for problem in check.problems[:50]:
                if problem["event"] is not None:
                    self.stderr.write(f"Audit event {problem['event']}: {problem['reason']}")
            raise CommandError(
                f"The audit trail is broken: {check.problem_count} problem(s) in {check.events_checked} events."
            )
        message = (
            f"The audit trail is intact: {check.events_checked} events checked against "
            f"{check.checkpoints_checked} checkpoint(s)."
        )
        if outcome.checkpoint is not None:
            message += f" New checkpoint: event {outcome.checkpoint.sequence}, hash {outcome.checkpoint.head}."
        self.stdout.write(self.style.SUCCESS(message))
