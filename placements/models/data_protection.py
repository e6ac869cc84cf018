"""A partnership's data-protection settings for placement records."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

from partnerships.models import Partnership, ScopedQuerySet
from placements.models.years import add_years


class PlacementPolicy(models.Model):
    """A partnership's data-protection settings for placement records. Created with the defaults
    the first time anyone asks (see `for_partnership`)."""

    DEFAULT_RETENTION_YEARS = 6

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="placement_policy")
    student_retention_years = models.PositiveSmallIntegerField(
        "keep student records for (years)",
        default=DEFAULT_RETENTION_YEARS,
        help_text="Counted from the end of the student's final placement year. After that the student's "
        "reference, name and any comments about them are removed; anonymous figures stay.",
    )
    revision = models.PositiveIntegerField(default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(student_retention_years__gte=1) & Q(student_retention_years__lte=15),
                name="retention_between_1_and_15_years",
            )
        ]

    def __str__(self) -> str:
        return f"Placement data settings for {self.partnership}"

    @classmethod
    def for_partnership(cls, partnership) -> PlacementPolicy:
        policy, _ = cls.objects.get_or_create(partnership=partnership)
        return policy

    def purge_before(self, today: dt.date) -> dt.date:
        """Students whose final placement year ended before this date are due to be purged."""
        return add_years(today, -self.student_retention_years)
