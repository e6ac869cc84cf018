import socket

from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

from portal.jobs.worker import Worker


class Command(BaseCommand):
    help = (
        "Run a background worker: takes queued jobs (e-mail, exports, signed PDFs) and schedules the daily "
        "work. Run one or more on every machine; stop with SIGTERM (it finishes the current job)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls when idle.")
        parser.add_argument("--no-schedule", action="store_true", help="Do not schedule periodic work.")
        parser.add_argument("--batch", action="store_true", help="Exit when no job is ready.")
        parser.add_argument(
            "--schedule-only", action="store_true", help="Queue the periodic work that is due, then exit."
        )
        parser.add_argument("--worker-id", default="", help="Unique name (default: host name and a random part).")

    def handle(self, *args, interval, no_schedule, batch, schedule_only, worker_id, **options):
        worker_id = worker_id or f"{socket.gethostname()[:40]}-{get_random_string(8)}"
        if schedule_only:
            from portal.jobs.schedule import queue_due

            self.stdout.write(f"Queued: {', '.join(queue_due(worker_id)) or 'nothing due'}")
            return
        if not batch:
            # A long-running worker renders signed PDFs: pay WeasyPrint's start-up cost now, not in
            # the first signer's job (a --batch run drains the queue once and skips it).
            from portal.pdf import warm_up

            self.stdout.write(f"PDF rendering ready in {warm_up():.2f} s")
        Worker(worker_id, interval=interval, schedule=not no_schedule, batch=batch).run_forever()
