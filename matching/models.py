"""Preference rounds: a coordinator asks the students needing a placement of one stage in one
year to rank the offers; the optimiser (matching/optimiser.py) proposes who goes where, the
proposal is kept as rows, and confirming it creates the placements through the placements
services."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from partnerships.models import Partnership, ScopedQuerySet
from placements.models import AcademicYear, PlacementOffer, Stage, Student


class RoundStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    CONFIRMED = "confirmed", "Confirmed"


class PreferenceRound(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="preference_rounds")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="preference_rounds")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    closes_on = models.DateField("closing date")
    max_choices = models.PositiveSmallIntegerField(
        "choices each student may rank",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    place_unranked = models.BooleanField(
        "place students on offers they did not rank when none of theirs is free", default=True
    )
    status = models.CharField(max_length=20, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    proposed_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_choices__gte=1, max_choices__lte=10),
                name="round_choices_1_to_10",
                violation_error_message="Students may rank between 1 and 10 offers",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} round, {self.academic_year}"

    def get_absolute_url(self) -> str:
        return reverse("matching:round_detail", args=[self.pk])

    @property
    def words(self) -> str:
        """As in a sentence: "final placement round, 2026/27"."""
        return f"{self.get_stage_display().lower()} round, {self.academic_year}"


class EntryQuerySet(ScopedQuerySet):
    partnership_field = "round__partnership"


class Drives(models.TextChoices):
    YES = "yes", "Yes, and they have a car"
    NO = "no", "No"


class RoundStudent(models.Model):
    """A student in a round, with the constraints they state. Their ranked offers are `choices`."""

    round = models.ForeignKey(PreferenceRound, on_delete=models.CASCADE, related_name="entries")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="round_entries")
    drives = models.CharField("do they drive?", max_length=5, choices=Drives.choices, blank=True)
    travel_area = models.CharField(
        "where they can travel to", max_length=200, blank=True, help_text="For example, within Matrix city by bus."
    )
    adjustments = models.TextField("adjustments they need", blank=True, max_length=2000)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The last reminder e-mailed to the student ("7-days", "2-days" before closing), so each one
    # goes once, whichever worker runs the daily reminders (matching/reminders.py).
    last_reminder = models.CharField(max_length=20, blank=True)
    revision = models.PositiveIntegerField(default=1)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["student__reference"]
        constraints = [models.UniqueConstraint(fields=["round", "student"], name="round_student_once")]

    def __str__(self) -> str:
        return f"{self.student.reference} in {self.round}"


class Choice(models.Model):
    entry = models.ForeignKey(RoundStudent, on_delete=models.CASCADE, related_name="choices")
    offer = models.ForeignKey(PlacementOffer, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["entry", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "rank"], name="choice_rank_once"),
            models.UniqueConstraint(fields=["entry", "offer"], name="choice_offer_once"),
        ]

    def __str__(self) -> str:
        return f"Choice {self.rank}"


class PinKind(models.TextChoices):
    PIN = "pin", "Place them here"
    EXCLUDE = "exclude", "Never place them here"


class Pin(models.Model):
    """A coordinator's decision the optimiser honours: this student goes to this offer (one per
    student), or never to it."""

    round = models.ForeignKey(PreferenceRound, on_delete=models.CASCADE, related_name="pins")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    offer = models.ForeignKey(PlacementOffer, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=PinKind.choices)

    class Meta:
        ordering = ["round", "student", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["round", "student", "offer"], name="pin_once"),
            models.UniqueConstraint(
                fields=["round", "student"], condition=models.Q(kind="pin"), name="one_pin_per_student"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class ProposalLine(models.Model):
    """One student's line of the last proposal: the offer (none when unplaced), the rank of that
    choice (none when unranked) and why they are unplaced."""

    round = models.ForeignKey(PreferenceRound, on_delete=models.CASCADE, related_name="proposal")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")
    offer = models.ForeignKey(PlacementOffer, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    pinned = models.BooleanField(default=False)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["round", "student__reference"]
        constraints = [models.UniqueConstraint(fields=["round", "student"], name="proposal_line_once")]

    def __str__(self) -> str:
        return f"Proposal line {self.pk}"
