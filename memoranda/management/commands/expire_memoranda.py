from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from memoranda.services import expire_due


class Command(BaseCommand):
    help = "Mark active memoranda as expired when their review date passed more than --grace-days ago. Safe to repeat."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, help="Pretend today is this date (YYYY-MM-DD).")
        parser.add_argument(
            "--grace-days",
            type=int,
            default=90,
            help="Days after the review date before expiry (default 90), time for the overdue review.",
        )

    def handle(self, *args, today=None, grace_days=90, **options):
        count = expire_due(today or timezone.localdate(), grace_days=grace_days)
        self.stdout.write(self.style.SUCCESS(f"{count} memorandum(s) expired."))
