"""Students, with minimal personal data."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from partnerships.models import Organisation, Partnership, ScopedQuerySet
from placements.models.planning import Programme
from placements.models.years import AcademicYear


class Student(models.Model):
    """A student with minimal personal data: a reference (the natural key), an optional name."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="students")
    reference = models.CharField(max_length=50, help_text="The university's student reference.")
    name = models.CharField(max_length=150, blank=True, help_text="Optional: the reference is enough.")
    university = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="students")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="students")
    cohort = models.CharField(max_length=50, blank=True, help_text="For example, September 2025 intake.")
    final_year = models.ForeignKey(
        AcademicYear,
        on_delete=models.PROTECT,
        related_name="final_students",
        verbose_name="year of final placement",
        help_text="By the end of this year the student must have had a statutory placement.",
    )
    purged_on = models.DateField(
        "personal data removed", null=True, blank=True, help_text="Set when the retention period ran out."
    )
    revision = models.PositiveIntegerField(default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(
                "partnership",
                Lower("reference"),
                name="student_reference_unique",
                violation_error_message="A student with this reference already exists in this partnership",
            ),
        ]
        indexes = [
            models.Index(fields=["partnership", "final_year"]),
            models.Index(fields=["partnership", "reference", "id"], name="student_list_idx"),
            models.Index(fields=["reference", "id"], name="student_reference_idx"),
        ]

    def __str__(self) -> str:
        # The reference alone: this text is copied into the audit trail, which outlives the
        # retention period, so it must not carry the student's name.
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("placements:student_detail", args=[self.pk])
