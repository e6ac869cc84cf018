"""Placement offers (capacity) and their setting audits."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Q
from django.db.models.functions import Lower
from django.urls import reverse

from partnerships.models import Organisation, Partnership, ScopedQuerySet
from placements.models.educators import PracticeEducator
from placements.models.years import AcademicYear


class ServiceArea(models.TextChoices):
    CHILDREN = "children", "Children and families"
    ADULTS = "adults", "Adults"
    MENTAL_HEALTH = "mental-health", "Mental health"
    OTHER = "other", "Other"


class Stage(models.TextChoices):
    FIRST = "first", "First placement"
    FINAL = "final", "Final placement"


class OfferStage(models.TextChoices):
    FIRST = "first", "First placement"
    FINAL = "final", "Final placement"
    EITHER = "either", "Either stage"


class OfferQuerySet(ScopedQuerySet):
    def with_places_held(self, exclude_placement: int | None = None) -> OfferQuerySet:
        """Offers annotated with `held`: their placements that hold a place (proposed, confirmed,
        in progress, completed; one that ended early frees it), leaving out `exclude_placement`.
        The one capacity rule: placing a student is refused when held reaches places
        (services.allocations.allocation_problems), and the place-the-student form lists only
        offers with room (`with_room`)."""
        from placements.models.allocations import HOLDS_PLACE  # allocations build on offers

        holding = Q(placements__status__in=HOLDS_PLACE)
        if exclude_placement is not None:
            holding &= ~Q(placements__pk=exclude_placement)
        return self.annotate(held=Count("placements", filter=holding))

    def with_room(self) -> OfferQuerySet:
        """Offers with a place left under the capacity rule of `with_places_held`."""
        return self.with_places_held().filter(held__lt=F("places"))


class PlacementOffer(models.Model):
    """Places an employer team offers for an academic year (capacity). Natural key for imports:
    partnership, employer, year, team and stage."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="placement_offers")
    employer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="placement_offers")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="offers")
    team = models.CharField("team or setting", max_length=200)
    service_area = models.CharField(max_length=20, choices=ServiceArea.choices)
    statutory = models.BooleanField(
        "statutory placement", default=False, help_text="Statutory work such as safeguarding or care assessment."
    )
    stage = models.CharField(max_length=10, choices=OfferStage.choices)
    places = models.PositiveSmallIntegerField("number of places")
    practice_educator = models.ForeignKey(
        PracticeEducator, null=True, blank=True, on_delete=models.SET_NULL, related_name="offers"
    )
    onsite_supervisor = models.CharField("on-site supervisor", max_length=150, blank=True)
    starts_on = models.DateField("block starts", null=True, blank=True)
    ends_on = models.DateField("block ends", null=True, blank=True)
    notes = models.TextField(blank=True, max_length=3000)
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["employer__name", "team", "stage"]
        constraints = [
            models.UniqueConstraint(
                "partnership",
                "employer",
                "academic_year",
                Lower("team"),
                "stage",
                name="offer_natural_key",
                violation_error_message="This team already has an offer for this stage and year: change that offer instead",
            ),
            models.CheckConstraint(
                condition=Q(places__gte=1), name="offer_has_places", violation_error_message="Offer at least 1 place"
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="offer_block_ends_after_start",
                violation_error_message="The block must end on or after the day it starts",
            ),
        ]
        indexes = [models.Index(fields=["partnership", "academic_year"])]

    def __str__(self) -> str:
        return f"{self.team}, {self.employer.name} ({self.get_stage_display().lower()}, {self.academic_year})"

    def get_absolute_url(self) -> str:
        return reverse("placements:offer_detail", args=[self.pk])

    @property
    def places_left(self) -> int:
        """Places not held, on an offer from `with_places_held()`."""
        return max(0, self.places - getattr(self, "held", 0))

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The block must end on or after the day it starts"})
        if self.employer_id and not self.employer.is_employer:
            raise ValidationError({"employer": "Choose an employer: universities and groups do not offer placements"})


class SettingAudit(models.Model):
    """The employer's readiness audit of a setting for one offer (one offer is one year), shared
    with the HEI."""

    offer = models.OneToOneField(PlacementOffer, on_delete=models.CASCADE, related_name="audit")
    induction_planned = models.BooleanField("induction for the student is planned", default=False)
    educator_identified = models.BooleanField("a practice educator is identified", default=False)
    supervision_arranged = models.BooleanField("regular supervision is arranged", default=False)
    workspace_ready = models.BooleanField("desk, IT and system access are ready", default=False)
    learning_opportunities_mapped = models.BooleanField("learning opportunities are mapped to the PCF", default=False)
    policies_shared = models.BooleanField("safeguarding and lone working policies are shared", default=False)
    completed_on = models.DateField("audit completed", null=True, blank=True)
    shared_with_hei_on = models.DateField("shared with the university", null=True, blank=True)
    notes = models.TextField(blank=True, max_length=3000)
    # Incremented on every save; a save based on an older revision is refused (no lost updates).
    revision = models.PositiveIntegerField(default=1)

    CHECKS = [
        "induction_planned",
        "educator_identified",
        "supervision_arranged",
        "workspace_ready",
        "learning_opportunities_mapped",
        "policies_shared",
    ]

    def __str__(self) -> str:
        return f"Audit of {self.offer}"

    @property
    def checks_done(self) -> int:
        return sum(1 for name in self.CHECKS if getattr(self, name))

    @property
    def is_ready(self) -> bool:
        return self.checks_done == len(self.CHECKS) and self.completed_on is not None
