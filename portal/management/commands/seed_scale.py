"""Build the national-scale dataset for bench/: each app registers its part
(portal.registry.register_scale_builder: its counts and its `build(ctx, params, stdout)`) and its
share of the audit trail (register_history_kind), so the core command imports none of the apps
built on it. `ctx` is a dict the apps share (ids of partnerships, organisations, users) so later
apps can attach to earlier ones without re-querying."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from portal import scale_history
from portal.registry import scale_builders

# The core's own count; each app's come with its registered builder. --scale multiplies every
# count (minimum 1) except those a builder lists as unscaled.
COUNTS = {"audit_events": 200000}


class Command(BaseCommand):
    help = "Build a national-scale dataset with bulk inserts (for bench/). Refuses to run on live data."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Multiply every count, e.g. 0.05 for a test.")
        parser.add_argument(
            "--depth",
            type=float,
            default=1.0,
            help="Also multiply what each partnership holds (placements, members, memoranda, the audit "
            "trail), not the number of partnerships, e.g. 3 for three times the depth.",
        )
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, scale=1.0, depth=1.0, force=False, **options):
        if not settings.DEBUG and not settings.TESTING and not force:
            raise CommandError("seed_scale creates known passwords; it refuses to run with DEBUG off unless --force.")
        if scale <= 0 or depth <= 0:
            raise CommandError("--scale and --depth must be above 0.")
        builders = scale_builders()
        filled = [b.app for b in builders if b.has_data is not None and b.has_data()]
        if filled:
            raise CommandError(
                f"seed_scale fills an empty database, and this one already has {' and '.join(filled)} data. "
                "Point DATABASE_URL at a new database (make bench creates one) and run it again."
            )
        params = {k: max(1, round(v * scale * depth)) for k, v in COUNTS.items()}
        for builder in builders:
            for key, value in builder.counts.items():
                factor = 1.0 if key in builder.unscaled else scale * (1.0 if key in builder.breadth else depth)
                params[key] = value if factor == 1.0 else max(1, round(value * factor))
        ctx: dict = {}
        started = time.monotonic()
        with transaction.atomic():  # all of it or nothing: a failure leaves no half-built dataset
            self._build(builders, ctx, params)
        self.stdout.write(self.style.SUCCESS(f"Scale data ready in {time.monotonic() - started:.1f} s."))

    def _build(self, builders, ctx: dict, params: dict) -> None:
        for builder in builders:
            t0 = time.monotonic()
            import_string(builder.build)(ctx, params, self.stdout)
            self.stdout.write(f"  {builder.app}: {time.monotonic() - t0:.1f} s")
        # Last, because the trail describes what the apps built.
        t0 = time.monotonic()
        scale_history.build(ctx, params, self.stdout)
        self.stdout.write(f"  history: {time.monotonic() - t0:.1f} s")
