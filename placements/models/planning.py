"""Programmes, the demand they bring and the places employers commit."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower

from partnerships.models import Organisation, Partnership, ScopedQuerySet
from placements.models.years import AcademicYear


class ProgrammeLevel(models.TextChoices):
    BA = "ba", "BA (undergraduate)"
    MA = "ma", "MA (postgraduate)"
    APPRENTICESHIP = "apprenticeship", "Degree apprenticeship"
    STEP_UP = "step-up", "Step Up to Social Work"
    OTHER = "other", "Other"


class Programme(models.Model):
    """A university's qualifying social work programme in a partnership, with the practice
    learning it requires (national defaults, editable per programme)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="programmes")
    university = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="programmes")
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=20, choices=ProgrammeLevel.choices)
    first_placement_days = models.PositiveSmallIntegerField(default=70)
    final_placement_days = models.PositiveSmallIntegerField(default=100)
    skills_days = models.PositiveSmallIntegerField("skills development days", default=30)
    statutory_placements_required = models.PositiveSmallIntegerField(default=1)
    revision = models.PositiveIntegerField(default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["university__name", "name"]
        constraints = [
            models.UniqueConstraint(
                "partnership",
                "university",
                Lower("name"),
                name="programme_name_unique_per_university",
                violation_error_message="This university already has a programme with this name",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.university.name})"

    @property
    def total_practice_days(self) -> int:
        return self.first_placement_days + self.final_placement_days + self.skills_days


class DemandQuerySet(ScopedQuerySet):
    partnership_field = "programme__partnership"


class ProgrammeDemand(models.Model):
    """How many students on a programme need a first and a final placement in a year."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="demands")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="demands")
    first_placements = models.PositiveIntegerField("students needing a first placement", default=0)
    final_placements = models.PositiveIntegerField("students needing a final placement", default=0)
    # Incremented on every save; a save based on an older revision is refused (no lost updates).
    revision = models.PositiveIntegerField(default=1)

    objects = DemandQuerySet.as_manager()

    class Meta:
        ordering = ["-academic_year__starts_on", "programme__name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "academic_year"], name="one_demand_per_programme_year")
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.academic_year}"


class EmployerCommitment(models.Model):
    """Places an employer committed for a year, entered here when the memorandum does not
    record placement numbers (the memorandum's figure wins when it has one)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="placement_commitments")
    employer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="placement_commitments")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="commitments")
    places = models.PositiveIntegerField()
    # Incremented on every change; a save based on an older revision is refused (no lost updates).
    revision = models.PositiveIntegerField(default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "employer", "academic_year"], name="one_commitment_per_employer_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.employer}: {self.places} places in {self.academic_year}"
