from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from portal.registry import reminder_senders


class Command(BaseCommand):
    help = (
        "Send due reminders (memorandum reviews, signatures, overdue actions...). Run daily from cron; safe to repeat."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, help="Pretend today is this date (YYYY-MM-DD).")

    def handle(self, *args, today=None, **options):
        today = today or timezone.localdate()
        total = 0
        for name, sender in sorted(reminder_senders().items()):
            sent = sender(today)
            total += sent
            self.stdout.write(f"{name}: {sent} reminder(s) sent")
        self.stdout.write(self.style.SUCCESS(f"{total} reminder(s) sent in all."))
