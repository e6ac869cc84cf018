"""Students, with minimal personal data."""

from __future__ import annotations

from django.conf import settings
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


class SkillsDaysQuerySet(ScopedQuerySet):
    partnership_field = "student__partnership"


class SkillsDays(models.Model):
    """Skills development days a student has done (the programme requires `skills_days`, 30 by
    default), recorded as they happen: one row per session or block."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="skills_days")
    days = models.PositiveSmallIntegerField("days done")
    completed_on = models.DateField("date of the last of these days")
    description = models.CharField("what they were", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SkillsDaysQuerySet.as_manager()

    class Meta:
        ordering = ["student", "completed_on", "id"]
        verbose_name_plural = "skills days"
        constraints = [
            models.CheckConstraint(condition=models.Q(days__gte=1), name="skills_days_at_least_one"),
        ]

    def __str__(self) -> str:
        return f"{self.days} skills day{'s' if self.days != 1 else ''} for {self.student.reference}"
