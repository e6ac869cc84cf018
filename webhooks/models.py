"""Webhook endpoints a partnership registers, their signing secrets, the events sent and every
delivery attempt (the log a lead reads)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Partnership, ScopedQuerySet


class EventType(models.TextChoices):
    MEMORANDUM_SENT = "memorandum.sent_for_signature", "A memorandum is sent for signature"
    MEMORANDUM_SIGNED = "memorandum.signed", "A party signs a memorandum"
    MEMORANDUM_DECLINED = "memorandum.declined", "A signatory declines to sign a memorandum"
    MEMORANDUM_EXPIRED = "memorandum.expired", "A memorandum expires (its review date passed)"
    MEMORANDUM_REVIEW_DUE = "memorandum.review_due", "A memorandum's review is due"
    HEALTH_CHECK_SIGNED_OFF = "healthcheck.signed_off", "A health check is signed off"
    FIGURES_DUE = "placements.figures_due", "Placement figures for the coming year are due"
    TEST = "webhook.test", "A test event sent from the portal"


SUBSCRIBABLE = [choice for choice in EventType if choice != EventType.TEST]


class EndpointQuerySet(ScopedQuerySet["Endpoint"]):
    def enabled(self):
        return self.filter(enabled=True)

    def subscribed_to(self, event_type: str) -> list[Endpoint]:
        """Enabled endpoints that chose `event_type` (filtered here, not in SQL: SQLite has no
        JSON containment, and a partnership has a handful of endpoints)."""
        return [e for e in self.filter(enabled=True) if str(event_type) in e.event_types]


class Endpoint(models.Model):
    """An HTTPS address of the partnership's own system that receives signed events."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField("address (URL)", max_length=500)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField("events", default=list)
    enabled = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    # Failed attempts since the last success, and when that run of failures began.
    consecutive_failures = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    revision = models.PositiveIntegerField(default=1)

    objects = EndpointQuerySet.as_manager()

    class Meta:
        ordering = ["partnership_id", "url", "id"]

    def __str__(self) -> str:
        return self.url

    def get_absolute_url(self) -> str:
        return reverse("webhooks:detail", args=[self.partnership.slug, self.pk])

    def event_labels(self) -> list[str]:
        labels = dict(EventType.choices)
        return [labels.get(t, t) for t in self.event_types]

    def signing_secrets(self, now=None) -> list[EndpointSecret]:
        """The secrets that sign now: the newest first, then any still within its overlap."""
        now = now or timezone.now()
        return list(self.secrets.filter(Q(expires_at=None) | Q(expires_at__gt=now)).order_by("-created_at", "-id"))


class SecretQuerySet(ScopedQuerySet["EndpointSecret"]):
    partnership_field = "endpoint__partnership"


class EndpointSecret(models.Model):
    """A signing secret, `whsec_` + base64 of 32 random bytes. The portal must sign with it, so it
    is kept (not hashed); it is shown to the lead once, when made. After a rotation the old one
    keeps signing beside the new one until `expires_at`, so a receiver can switch without a gap."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="secrets")
    secret = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)

    objects = SecretQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Secret {self.pk} of {self.endpoint}"

    @property
    def hint(self) -> str:
        """Enough to tell secrets apart, never enough to use one."""
        return f"whsec_…{self.secret[-4:]}"

    def is_active(self, now=None) -> bool:
        return self.expires_at is None or self.expires_at > (now or timezone.now())


class Message(models.Model):
    """One event, sent to every endpoint subscribed to it; its `msg_id` is the `webhook-id` header
    (the same on every retry, so a receiver can ignore a repeat)."""

    msg_id = models.CharField(max_length=40, unique=True)
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="webhook_messages")
    event_type = models.CharField(max_length=60, choices=EventType.choices)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    # Time-based events are emitted once per thing and due date: "memorandum.review_due:12:2027-01-31".
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.msg_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    SENDING = "sending", "Sending"
    SUCCEEDED = "succeeded", "Delivered"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Not sent"


class DeliveryQuerySet(ScopedQuerySet["Delivery"]):
    partnership_field = "endpoint__partnership"


class Delivery(models.Model):
    """One attempt to deliver one message to one endpoint (a retry is a new row, attempt + 1)."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    attempt = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    scheduled_for = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_for", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "message", "attempt"], name="one_delivery_per_attempt")
        ]
        indexes = [models.Index(fields=["status", "scheduled_for"], name="webhook_delivery_due")]

    def __str__(self) -> str:
        return f"{self.message} to {self.endpoint} (attempt {self.attempt})"

    @property
    def tag_colour(self) -> str:
        return {
            DeliveryStatus.SUCCEEDED: "govuk-tag--green",
            DeliveryStatus.FAILED: "govuk-tag--red",
            DeliveryStatus.CANCELLED: "govuk-tag--grey",
            DeliveryStatus.SENDING: "govuk-tag--blue",
        }.get(DeliveryStatus(self.status), "govuk-tag--yellow")
