"""Personal access tokens for the read-only API, and the per-token request counters of the rate
limit.

A token's secret is shown once, when it is made; only its SHA-256 digest is kept, so a copy of
the database lets nobody call the API. The secret carries a recognisable prefix (`ptp_`) so
secret scanners and people can tell what it is."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from partnerships.models import Partnership

TOKEN_PREFIX = "ptp_"
MAX_LIFETIME_DAYS = 366
NAME_MAX_CHARS = 100


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, owner__is_active=True)


class ApiToken(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=NAME_MAX_CHARS, help_text="What the token is for, e.g. the Power BI report.")
    # The first characters of the secret after the prefix: shown in lists so people can tell
    # their tokens apart; not enough to guess the rest.
    hint = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    # All the owner's partnerships (including ones they join later), or only `partnerships`.
    all_partnerships = models.BooleanField(default=True)
    partnerships = models.ManyToManyField(Partnership, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({TOKEN_PREFIX}{self.hint}…)"

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "active"


class RateWindow(models.Model):
    """Requests one token made in one fixed window (a minute by default). Kept in the database so
    every web server counts against the same limit."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "window_start"], name="one_rate_window_per_token")]

    def __str__(self) -> str:
        return f"{self.count} requests from {self.window_start:%H:%M}"
