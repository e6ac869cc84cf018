"""Build the demo: each app contributes through an optional `<app>.demo.seed(stdout)` function,
called in INSTALLED_APPS order (partnerships first, then memoranda, health checks, placements),
so the core command does not import the apps built on it. Every seed is idempotent.

Every app's demo takes its dates and year labels from portal.demo_clock: the story is written
around 23 November 2026 and moved by whole academic years to the day the command runs, so the
demo makes sense on any day (the rule is in that module)."""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal import demo_clock


class Command(BaseCommand):
    help = "Build the demo data (organisations from the seeds, invented people). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off (never on a live site).")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not settings.TESTING and not force:
            raise CommandError("seed_demo creates known passwords; it refuses to run with DEBUG off unless --force.")
        self.stdout.write(demo_clock.describe())
        for config in apps.get_app_configs():
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            with transaction.atomic():
                module.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo ready. Sign in with any of these (password: demo-password):"))
        for email in [
            "lead@example.org",
            "signatory@example.org",
            "coordinator@example.org",
            "member@example.org",
            "admin@example.org",
            "student@example.org",
            "educator@example.org",
        ]:
            self.stdout.write(f"  {email}")
