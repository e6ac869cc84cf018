"""Academic years: site-wide, labelled and dated by portal.academic_years."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal import academic_years


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later; 29 February becomes 1 March (the anniversary has
    not yet been reached on 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


class AcademicYearQuerySet(models.QuerySet):
    def current(self, today: dt.date | None = None) -> AcademicYear | None:
        today = today or timezone.localdate()
        return self.filter(starts_on__lte=today, ends_on__gte=today).order_by("-starts_on").first()


class AcademicYear(models.Model):
    """A site-wide academic year such as 2026/27 (not per partnership: every partner shares it)."""

    label = models.CharField(max_length=7, unique=True, help_text="For example 2026/27.")
    starts_on = models.DateField("starts")
    ends_on = models.DateField("ends")

    objects = AcademicYearQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="academic_year_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self):
        if problem := academic_years.problem(self.label):
            raise ValidationError({"label": problem})
