"""Placements (a student on an offer), their workflow, and their quality reviews."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from partnerships.models import Partnership, ScopedQuerySet
from placements.models.offers import PlacementOffer, Stage
from placements.models.students import Student
from placements.models.years import AcademicYear


class PlacementStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    CONFIRMED = "confirmed", "Confirmed"
    IN_PROGRESS = "in-progress", "In progress"
    COMPLETED = "completed", "Completed"
    ENDED_EARLY = "ended-early", "Ended early"


# Statuses that hold a place on the offer (an ended placement frees its place).
HOLDS_PLACE = [
    PlacementStatus.PROPOSED,
    PlacementStatus.CONFIRMED,
    PlacementStatus.IN_PROGRESS,
    PlacementStatus.COMPLETED,
]
# Statuses that count as the place being filled, and the student being placed.
FILLED = [PlacementStatus.CONFIRMED, PlacementStatus.IN_PROGRESS, PlacementStatus.COMPLETED]

TRANSITIONS: dict[str, set[PlacementStatus]] = {
    PlacementStatus.PROPOSED: {PlacementStatus.CONFIRMED, PlacementStatus.ENDED_EARLY},
    PlacementStatus.CONFIRMED: {PlacementStatus.IN_PROGRESS, PlacementStatus.ENDED_EARLY},
    PlacementStatus.IN_PROGRESS: {PlacementStatus.COMPLETED, PlacementStatus.ENDED_EARLY},
    PlacementStatus.COMPLETED: set(),
    PlacementStatus.ENDED_EARLY: set(),
}


class EndReason(models.TextChoices):
    STUDENT_WITHDREW = "student-withdrew", "Student withdrew or interrupted studies"
    STUDENT_HEALTH = "student-health", "Student health or personal circumstances"
    CONCERNS = "concerns", "Concerns about the student's practice"
    SETTING = "setting", "The setting could not continue (staffing, restructure)"
    EDUCATOR = "educator", "Practice educator unavailable"
    RELATIONSHIP = "relationship", "Breakdown in the learning relationship"
    OTHER = "other", "Other"


class Placement(models.Model):
    """A student on an offer for one stage. `partnership` and `academic_year` copy the offer's so
    lists filter and sort on indexed columns of this table alone."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="placements")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="placements")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="placements")
    offer = models.ForeignKey(PlacementOffer, on_delete=models.PROTECT, related_name="placements")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    starts_on = models.DateField("starts")
    ends_on = models.DateField("ends")
    planned_days = models.PositiveSmallIntegerField()
    completed_days = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=20, choices=PlacementStatus.choices, default=PlacementStatus.PROPOSED)
    end_reason = models.CharField("why it ended early", max_length=30, choices=EndReason.choices, blank=True)
    end_notes = models.TextField("more about why it ended", blank=True, max_length=2000)
    # The last day it was planned to run to, kept when it ends early (ends_on then holds the real
    # last day), so its review points keep the dates they were planned with.
    planned_ends_on = models.DateField("planned last day", null=True, blank=True)
    days_reason = models.TextField(
        "why the days differ from the stage's requirement",
        blank=True,
        max_length=2000,
        help_text="Needed when the days planned or done differ from what the programme requires for the stage.",
    )
    checks_reason = models.TextField(
        "why it was confirmed without every required check",
        blank=True,
        max_length=2000,
        help_text="Recorded when a placement is confirmed while a required pre-placement check is missing or expired.",
    )
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="placement_ends_after_start"),
            models.CheckConstraint(
                condition=~Q(status="ended-early") | ~Q(end_reason=""), name="ended_early_has_reason"
            ),
            models.UniqueConstraint(fields=["student", "offer"], name="placement_once_per_student_offer"),
        ]
        indexes = [
            models.Index(fields=["partnership", "-starts_on", "-id"], name="placement_list_idx"),
            # Site administrators list every partnership's placements in the same order.
            models.Index(fields=["-starts_on", "-id"], name="placement_recent_idx"),
            models.Index(fields=["partnership", "academic_year", "status"], name="placement_year_status_idx"),
            models.Index(fields=["offer", "status"], name="placement_offer_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.student.reference}: {self.get_stage_display().lower()} at {self.offer.team}"

    def get_absolute_url(self) -> str:
        return reverse("placements:placement_detail", args=[self.pk])

    def review_due_dates(self) -> dict[str, dt.date]:
        """QAMP review points due (four weeks in, midway, at the end), in order: the one rule is
        placements.rules.review_schedule."""
        from placements.rules import review_schedule  # rules build on the models

        return review_schedule(
            self.starts_on,
            self.ends_on,
            planned_ends_on=self.planned_ends_on,
            status=self.status,
            completed_days=self.completed_days,
        )


class ReviewPoint(models.TextChoices):
    FOUR_WEEKS = "four-weeks", "Four weeks"
    MIDWAY = "midway", "Midway"
    END = "end", "End"


class ReviewRole(models.TextChoices):
    STUDENT = "student", "Student"
    EDUCATOR = "educator", "Practice educator"
    SUPERVISOR = "supervisor", "On-site supervisor"
    TUTOR = "tutor", "University tutor"


class Rating(models.TextChoices):
    VERY_GOOD = "very-good", "Very good"
    GOOD = "good", "Good"
    ADEQUATE = "adequate", "Adequate"
    POOR = "poor", "Poor"


class Performance(models.TextChoices):
    EXCEEDING = "exceeding", "Exceeding expectations"
    ON_TRACK = "on-track", "On track"
    CONCERNS = "concerns", "Some concerns"
    NOT_ON_TRACK = "not-on-track", "Not on track"


# A review recorded up to this many days after its due date still counts as on time.
REVIEW_GRACE_DAYS = 7


class ReviewQuerySet(ScopedQuerySet):
    partnership_field = "placement__partnership"


class QualityReview(models.Model):
    """A QAMP review of one placement at one point, from one person's point of view."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="reviews")
    point = models.CharField("review point", max_length=20, choices=ReviewPoint.choices)
    role = models.CharField("completed by", max_length=20, choices=ReviewRole.choices)
    learning_opportunities = models.CharField(max_length=20, choices=Rating.choices)
    support = models.CharField("support (including from the practice educator)", max_length=20, choices=Rating.choices)
    performance = models.CharField("student's progress", max_length=20, choices=Performance.choices)
    comments = models.TextField(blank=True, max_length=5000)
    completed_on = models.DateField("date of the review")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["placement", "completed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "point", "role"],
                name="one_review_per_point_role",
                violation_error_message="This review is already recorded for this point and role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_point_display()} review by {self.get_role_display().lower()}"
