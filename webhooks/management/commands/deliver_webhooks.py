from django.core.management.base import BaseCommand

from webhooks.delivery import deliver_due


class Command(BaseCommand):
    help = (
        "Queue every webhook delivery attempt whose time has come (retries when jobs run in process, "
        "JOBS_IN_PROCESS=1; a catch-up after an outage otherwise). Safe to repeat: an attempt is made once."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{deliver_due()} webhook delivery attempt(s) queued.")
