from django.core.management.base import BaseCommand

from portal import audit_checkpoints


class Command(BaseCommand):
    help = (
        "Record a signed checkpoint of the audit chain's head (newest event, its hash, the count) in the "
        "checkpoint file and the log, so rows later deleted from the end are caught by verify_audit. Cheap: "
        "run it often (say every 15 minutes)."
    )

    def handle(self, *args, **options):
        checkpoint = audit_checkpoints.write()
        if checkpoint is None:
            self.stdout.write("The audit trail is empty: nothing to checkpoint yet.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Checkpoint recorded: event {checkpoint.sequence} of {checkpoint.count}, hash {checkpoint.head}, "
                f"signed with key {checkpoint.key_id}."
            )
        )
