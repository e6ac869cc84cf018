"""Health checks: a framework of areas and criteria (the rubric), and the health checks that
partnerships run against it (ratings, evidence, actions, sign-off).

Frameworks are versioned. A published version is frozen, because a health check may start on it
at any moment; changing it means making a new draft version and publishing that. Health checks
keep pointing at the version they were run against, so their meaning never shifts afterwards.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from partnerships.models import ActionStatus as ActionStatus  # re-exported: the action plan's statuses
from partnerships.models import (
    Organisation,
    OwnedAction,
    OwnedActionQuerySetMixin,
    Partnership,
    ScopedQuerySet,
)
from portal import academic_years
from portal.storage import private_storage

if TYPE_CHECKING:
    from healthcheck.rules import RagCounts  # rules imports this module


def validate_academic_year(value: str) -> None:
    """An academic year label such as "2026/27" (named in migrations, so it stays here)."""
    if problem := academic_years.problem(value):
        raise ValidationError(problem)


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    NOT_APPLICABLE = "na", "Not applicable"


# Order used to compare ratings: a higher number is better.
RAG_RANK: dict[str, int] = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}


def rag_label(value: str) -> str:
    return Rag(value).label if value in Rag.values else "Not rated"


# --- Frameworks ---------------------------------------------------------------------------------


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Framework(models.Model):
    """One version of a framework. Versions of the same framework share a `family`."""

    family = models.SlugField(
        max_length=60, help_text="Short name shared by every version of this framework, e.g. default."
    )
    version = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    status = models.CharField(max_length=20, choices=FrameworkStatus.choices, default=FrameworkStatus.DRAFT)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    # Incremented on every edit of a draft; a save based on an older revision is refused.
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["family", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["family", "version"], name="framework_version_once_per_family"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    def get_absolute_url(self) -> str:
        return reverse("healthcheck:framework_detail", args=[self.pk])


class Area(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(max_length=10, help_text="A short code, e.g. A.")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=3000)
    position = models.PositiveIntegerField(default=0)
    # Incremented on every edit of a draft; a save based on an older revision is refused.
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "code"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="area_code_once_per_framework")]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class Criterion(models.Model):
    """One statement to rate, with the rubric that makes a rating objective: what Red, Amber and
    Green mean for it, and optionally a live figure with thresholds that suggests the rating."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(max_length=10, help_text="Unique in the framework, e.g. A1.")
    statement = models.CharField(max_length=500)
    guidance = models.TextField(blank=True, max_length=5000)
    evidence_examples = models.TextField(
        "examples of evidence", blank=True, max_length=3000, help_text="One example on each line."
    )
    red_means = models.TextField("Red means", max_length=2000)
    amber_means = models.TextField("Amber means", max_length=2000)
    green_means = models.TextField("Green means", max_length=2000)
    standards = models.TextField(
        "standards it evidences", blank=True, max_length=2000, help_text="One standard on each line."
    )
    metric_key = models.CharField("live figure", max_length=100, blank=True)
    green_at = models.FloatField("Green at", null=True, blank=True)
    amber_at = models.FloatField("Amber at", null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    # Incremented on every edit of a draft; a save based on an older revision is refused.
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "code"]
        constraints = [models.UniqueConstraint(fields=["area", "code"], name="criterion_code_once_per_area")]
        verbose_name_plural = "criteria"

    def __str__(self) -> str:
        return f"{self.code} {self.statement}"

    @property
    def evidence_example_list(self) -> list[str]:
        return [line.strip() for line in self.evidence_examples.splitlines() if line.strip()]

    @property
    def standard_list(self) -> list[str]:
        return [line.strip() for line in self.standards.splitlines() if line.strip()]


# --- Health checks ------------------------------------------------------------------------------


class RatingQuerySet(ScopedQuerySet["Rating"]):
    partnership_field = "health_check__partnership"


class EvidenceQuerySet(ScopedQuerySet["Evidence"]):
    partnership_field = "rating__health_check__partnership"


class ActionQuerySet(OwnedActionQuerySetMixin, ScopedQuerySet["Action"]):
    partnership_field = "health_check__partnership"


class Status(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted for sign-off"
    SIGNED_OFF = "signed_off", "Signed off"


class HealthCheck(models.Model):
    """A partnership's (or one partner organisation's) self-assessment for an academic year."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="health_checks")
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="health_checks",
        help_text="Blank for the whole partnership; otherwise the partner organisation assessed.",
    )
    academic_year = models.CharField(max_length=7, validators=[validate_academic_year])
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="health_checks")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    # Starts at 1; reopening a submitted or signed-off health check starts the next revision.
    revision = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The signatory it is sent to for sign-off (chosen on submitting; services/signing.py). Other
    # signatories may still sign it off, but it is this person's task.
    signatory = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="health_checks_to_sign_off",
        verbose_name="sent for sign-off to",
    )
    figures_at = models.DateTimeField("live figures worked out", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    # Not columns: selectors.annotate_summaries sets these on the health checks a list shows.
    counts: RagCounts
    overall: str

    class Meta:
        ordering = ["-academic_year", "partnership__name", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "academic_year"],
                condition=Q(organisation__isnull=True),
                name="one_partnership_health_check_per_year",
            ),
            models.UniqueConstraint(
                fields=["partnership", "organisation", "academic_year"],
                condition=Q(organisation__isnull=False),
                name="one_partner_health_check_per_year",
            ),
        ]
        verbose_name = "health check"

    def __str__(self) -> str:
        return f"Health check {self.academic_year}: {self.scope_label}"

    def get_absolute_url(self) -> str:
        return reverse("healthcheck:detail", args=[self.pk])

    @property
    def scope_label(self) -> str:
        if self.organisation is not None:
            return f"{self.organisation.name} in {self.partnership.name}"
        return self.partnership.name

    @property
    def is_editable(self) -> bool:
        return self.status == Status.IN_PROGRESS


class SuggestionOutcome(models.TextChoices):
    """What became of a live figure's suggestion (Rating.suggestion_outcome)."""

    ACCEPTED = "accepted", "Accepted"
    OVERRIDDEN = "overridden", "Overridden"
    NEEDS_CONFIRMATION = "needs_confirmation", "Needs confirmation"


class Rating(models.Model):
    """One criterion within one health check. Each carries its own revision, so coordinators
    working on different criteria never overwrite each other."""

    health_check = models.ForeignKey(HealthCheck, on_delete=models.CASCADE, related_name="ratings")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(max_length=10, choices=Rag.choices, blank=True)
    commentary = models.TextField(blank=True, max_length=5000)
    # The live figure and the rating it suggested, as last worked out (kept so the record shows
    # what the coordinator saw when they rated).
    metric_value = models.FloatField(null=True, blank=True)
    metric_display = models.CharField(max_length=300, blank=True)
    metric_detail = models.TextField(blank=True, max_length=2000)
    suggested_rating = models.CharField(max_length=10, choices=Rag.choices, blank=True)
    override_reason = models.TextField("reason for not following the suggestion", blank=True, max_length=2000)
    # The suggestion (and its figure) the rating was last saved against: when the live figures are
    # worked out again and the suggestion moves, the rating needs confirming (see needs_confirmation).
    confirmed_suggestion = models.CharField("suggestion when rated", max_length=10, choices=Rag.choices, blank=True)
    confirmed_figure = models.CharField("live figure when rated", max_length=300, blank=True)
    revision = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    objects = RatingQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["health_check", "criterion"], name="one_rating_per_criterion"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {rag_label(self.rating)}"

    @property
    def needs_confirmation(self) -> bool:
        """A rating someone must look at again before the health check is submitted: the live
        figure's suggestion has changed since it was rated, or it differs from the suggestion
        with no reason given (ratings saved before reasons were kept with their suggestion)."""
        if not self.rating:
            return False
        if self.suggested_rating != self.confirmed_suggestion:
            return True
        return bool(self.suggested_rating) and self.rating != self.suggested_rating and not self.override_reason.strip()

    @property
    def suggestion_outcome(self) -> str:
        """ "accepted", "overridden" (always with a reason), "needs_confirmation", or "" (no
        suggestion, or not rated yet)."""
        if not self.rating:
            return ""
        if self.needs_confirmation:
            return SuggestionOutcome.NEEDS_CONFIRMATION
        if not self.suggested_rating:
            return ""
        return SuggestionOutcome.ACCEPTED if self.rating == self.suggested_rating else SuggestionOutcome.OVERRIDDEN


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    # A random name: the original file name is kept in the row, never in the storage path.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"healthcheck/{instance.rating.health_check_id}/{uuid.uuid4().hex}{suffix}"


class EvidenceKind(models.TextChoices):
    NOTE = "note", "Note"
    LINK = "link", "Link"
    FILE = "file", "File"


class Evidence(models.Model):
    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=10, choices=EvidenceKind.choices)
    title = models.CharField(max_length=200)
    note = models.TextField(blank=True, max_length=5000)
    url = models.URLField("link", blank=True, max_length=500)
    file = models.FileField(upload_to=evidence_upload_to, storage=private_storage, blank=True, max_length=300)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.title


class Action(OwnedAction):
    """Something to do about a criterion (every Red and Amber needs at least one): the shared
    owner/due-date action (partnerships.models.OwnedAction), tied to a rating."""

    health_check = models.ForeignKey(HealthCheck, on_delete=models.CASCADE, related_name="actions")
    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="actions")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="health_check_actions")

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["owner", "status", "due_on"]),
            # The actions list walks this index for its first page instead of sorting every action.
            models.Index(fields=["due_on", "id"], name="action_due_order"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("healthcheck:action_edit", args=[self.pk])


class ActionReminder(models.Model):
    """One overdue reminder sent for an action; the unique row makes send_reminders idempotent
    (a new due date allows one new reminder)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reminders")
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["action", "due_on"], name="one_reminder_per_action_due_date")]

    def __str__(self) -> str:
        return f"Reminder for action {self.action_id} due {self.due_on}"


class SignOff(models.Model):
    """A signatory's sign-off of one revision, with a snapshot of what they signed off."""

    health_check = models.ForeignKey(HealthCheck, on_delete=models.CASCADE, related_name="sign_offs")
    revision = models.PositiveIntegerField()
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)
    overall_rating = models.CharField(max_length=10, choices=Rag.choices, blank=True)
    snapshot = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["revision"]
        constraints = [models.UniqueConstraint(fields=["health_check", "revision"], name="one_sign_off_per_revision")]

    def __str__(self) -> str:
        return f"Signed off by {self.name} on {self.signed_at:%d %B %Y}"


class Reopening(models.Model):
    health_check = models.ForeignKey(HealthCheck, on_delete=models.CASCADE, related_name="reopenings")
    from_revision = models.PositiveIntegerField()
    reason = models.TextField(max_length=2000)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reopened_at", "id"]

    def __str__(self) -> str:
        return f"Reopened revision {self.from_revision}"
