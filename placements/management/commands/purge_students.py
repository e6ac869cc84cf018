"""Daily data-protection run (cron): remove the personal data of students past their
partnership's retention period, and delete uploaded import files older than 30 days."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from partnerships.models import Partnership
from placements.services.data_protection import (
    discard_old_import_files,
    old_import_files,
    purge_students,
    students_due_for_purge,
)


class Command(BaseCommand):
    help = (
        "Remove personal data of students whose final placement year ended longer ago than their "
        "partnership's retention period, and delete uploaded import files older than 30 days. Safe to repeat."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, help="Pretend today is this date (YYYY-MM-DD).")
        parser.add_argument("--partnership", help="Only this partnership (its slug).")
        parser.add_argument("--dry-run", action="store_true", help="Say what would be removed; change nothing.")

    def handle(self, *args, today=None, partnership=None, dry_run=False, **options):
        today = today or timezone.localdate()
        partnerships = Partnership.objects.order_by("name")
        if partnership:
            partnerships = partnerships.filter(slug=partnership)
            if not partnerships.exists():
                raise CommandError(f"No partnership with the slug {partnership!r}")
        students = files = 0
        for p in partnerships:
            if dry_run:
                due = students_due_for_purge(p, today).count()
                old = old_import_files(p, today).count()
            else:
                due = purge_students(p, today=today)
                old = discard_old_import_files(p, today=today)
            if due or old:
                self.stdout.write(f"{p.name}: {due} student(s), {old} import file(s)")
            students, files = students + due, files + old
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} the personal data of {students} student(s) and {files} import file(s).")
        )
