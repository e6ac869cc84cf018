"""What jobs leave behind: e-mails waiting or sent, export files, and scheduled runs claimed.

These are the portal app's models (imported by portal/models.py); the engine's own table is
django_tasks_db's DBTaskResult (one row per job, its attempts in `worker_ids`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class OutgoingMail(models.Model):
    """One e-mail to one person, rendered when the change that caused it was saved.

    `sending_since` is set (and committed) before the SMTP conversation and `sent_at` after it: a
    job that finds `sent_at` does nothing, and one that finds `sending_since` without `sent_at` knows
    an earlier attempt died mid-send and may have delivered it, so it does not send again (the
    e-mail is marked `uncertain` for a person to check) rather than risk sending it twice."""

    to = models.EmailField()
    subject = models.CharField(max_length=500)
    body = models.TextField()
    template = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    sending_since = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    failed = models.BooleanField(default=False)
    uncertain = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.template} to {self.to}"


class ExportStatus(models.TextChoices):
    WAITING = "waiting", "Waiting to start"
    RUNNING = "running", "Being prepared"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Deleted"


class Export(models.Model):
    """A download prepared by a job: who asked, what for, progress, and the file once written.

    Only the person who asked may fetch it, or someone who holds `perm` in every partnership in
    `partnership_ids` (the access check the list itself applies)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=60)
    fmt = models.CharField(max_length=8)
    filename = models.CharField(max_length=200)
    params = models.JSONField(default=dict)
    # A stable digest of (owner, kind, fmt, params): asking again while one is waiting or ready
    # returns that one instead of queueing the same file twice.
    request_key = models.CharField(max_length=64, db_index=True)
    perm = models.CharField(max_length=60, blank=True)
    partnership_ids = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.WAITING)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    file = models.CharField(max_length=300, blank=True)  # name in storages["private"]
    size = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename}.{self.fmt} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status == ExportStatus.READY else 0
        return min(100, round(100 * self.rows_done / self.rows_total))


class ScheduledRun(models.Model):
    """A scheduled job's claim on one period (a day, or a quarter hour): the unique constraint lets
    exactly one of the schedulers running on every machine queue it."""

    name = models.CharField(max_length=60)
    slot = models.CharField(max_length=20)  # "2026-11-16" or "2026-11-16T10:15"
    claimed_at = models.DateTimeField(auto_now_add=True)
    claimed_by = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="scheduled_run_once_per_slot")]
        ordering = ["-claimed_at"]

    def __str__(self) -> str:
        return f"{self.name} {self.slot}"


class WorkerHeartbeat(models.Model):
    """A worker's last sign of life, for /healthz's queue check: each `run_worker` process updates
    its row every JOBS_HEARTBEAT_SECONDS and deletes rows no worker has touched for a day."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.worker_id} (seen {self.seen_at:%Y-%m-%d %H:%M:%S})"
