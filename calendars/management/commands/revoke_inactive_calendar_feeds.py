from django.core.management.base import BaseCommand

from calendars.services import revoke_feeds_of_inactive_users


class Command(BaseCommand):
    help = (
        "Revoke the calendar links of deactivated accounts (they already answer 404). "
        "Run daily from cron; safe to repeat."
    )

    def handle(self, *args, **options):
        revoked = revoke_feeds_of_inactive_users()
        self.stdout.write(self.style.SUCCESS(f"{revoked} calendar link(s) revoked."))
