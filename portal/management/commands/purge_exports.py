from django.core.management.base import BaseCommand

from portal.jobs.exports import purge_expired


class Command(BaseCommand):
    help = "Delete export files kept longer than EXPORT_KEEP_DAYS. Run daily (the workers schedule it); safe to repeat."

    def handle(self, *args, **options):
        self.stdout.write(f"{purge_expired()} export file(s) deleted.")
