"""Build the national-scale dataset for bench/: each app contributes through an optional
`<app>.scale.build(ctx, params, stdout)` called in INSTALLED_APPS order, so the core command
imports none of the apps built on it. `ctx` is a dict the apps share (ids of partnerships,
organisations, users) so later apps can attach to earlier ones without re-querying."""

import time
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal import scale_history

# The national numbers; --scale multiplies every count (minimum 1).
DEFAULTS = {
    "partnerships": 30,
    "local_authorities": 150,
    "universities": 60,
    "providers": 200,
    "user_groups": 40,
    "users": 3000,
    "memoranda": 300,
    "versions_per_memorandum": 3,
    "placements": 60000,
    "academic_years": 10,
    "practice_educators": 8000,
    "health_checks": 300,
    "criteria_per_check": 40,
    "audit_events": 200000,
}
UNSCALED = {"versions_per_memorandum", "academic_years", "criteria_per_check"}


class Command(BaseCommand):
    help = "Build a national-scale dataset with bulk inserts (for bench/). Refuses to run on live data."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Multiply every count, e.g. 0.05 for a test.")
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, scale=1.0, force=False, **options):
        if not settings.DEBUG and not settings.TESTING and not force:
            raise CommandError("seed_scale creates known passwords; it refuses to run with DEBUG off unless --force.")
        if scale <= 0:
            raise CommandError("--scale must be above 0.")
        from partnerships.models import Partnership

        if Partnership.objects.exists():
            raise CommandError(
                "seed_scale fills an empty database, and this one already has partnerships. "
                "Point DATABASE_URL at a new database (make bench creates one) and run it again."
            )
        params = {k: (v if k in UNSCALED else max(1, round(v * scale))) for k, v in DEFAULTS.items()}
        ctx: dict = {}
        started = time.monotonic()
        with transaction.atomic():  # all of it or nothing: a failure leaves no half-built dataset
            self._build(ctx, params)
        self.stdout.write(self.style.SUCCESS(f"Scale data ready in {time.monotonic() - started:.1f} s."))

    def _build(self, ctx: dict, params: dict) -> None:
        for config in apps.get_app_configs():
            try:
                module = import_module(f"{config.name}.scale")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.scale":
                    raise
                continue
            t0 = time.monotonic()
            module.build(ctx, params, self.stdout)
            self.stdout.write(f"  {config.label}: {time.monotonic() - t0:.1f} s")
        # Last, because the trail describes what the apps built.
        t0 = time.monotonic()
        scale_history.build(ctx, params, self.stdout)
        self.stdout.write(f"  history: {time.monotonic() - t0:.1f} s")
