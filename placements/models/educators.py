"""The practice educator register and the currency rule (DOMAIN.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Organisation, Partnership, ScopedQuerySet
from placements.models.years import add_years
from portal.dates import long_date


class EducatorStatus(models.TextChoices):
    CURRENT = "current", "Current"
    LAPSING = "lapsing", "Lapsing within 90 days"
    LAPSED = "lapsed", "Lapsed"


LAPSING_WINDOW_DAYS = 90


@dataclass(frozen=True)
class Currency:
    status: str
    lapses_on: dt.date
    explanation: str

    @property
    def label(self) -> str:
        return EducatorStatus(self.status).label

    @property
    def rag(self) -> str:
        return {"current": "green", "lapsing": "amber", "lapsed": "red"}[self.status]


def _month(day: dt.date) -> str:
    return f"{day:%B %Y}"


class PracticeEducatorQuerySet(ScopedQuerySet):
    def on_register_of(self, partnership):
        return self.filter(partnership=partnership)


class PracticeEducator(models.Model):
    """A practice educator (PEPS stage 1 or 2) on one partnership's register. Someone on several
    registers has a record in each: what one partnership records about them (name, employer, CPD)
    is that partnership's, so joining a register never opens or changes another partnership's
    record, nor says who is behind an email address."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="practice_educators")
    full_name = models.CharField(max_length=150)
    email = models.EmailField(
        "email address", max_length=254, help_text="Used to recognise the same person on this register."
    )
    employer = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="practice_educators",
        help_text="Leave empty for an independent practice educator.",
    )
    peps_stage = models.PositiveSmallIntegerField("PEPS stage", choices=[(1, "Stage 1"), (2, "Stage 2")])
    qualified_on = models.DateField("date qualified")
    last_student_on = models.DateField(
        "last supported a student", null=True, blank=True, help_text="The last day of the most recent placement."
    )
    last_cpd_on = models.DateField("last CPD", null=True, blank=True)
    max_students = models.PositiveSmallIntegerField("students at once", default=1)
    revision = models.PositiveIntegerField(default=1)
    added_on = models.DateField("added to the register", default=timezone.localdate)

    objects = PracticeEducatorQuerySet.as_manager()

    class Meta:
        ordering = ["full_name", "id"]
        indexes = [
            models.Index(fields=["employer", "full_name"]),
            models.Index(fields=["partnership", "full_name"], name="educator_partnership_name_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "partnership",
                name="educator_email_once_per_register",
                violation_error_message="Someone with this email address is already on this partnership's register",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("placements:educator_detail", args=[self.pk])

    @property
    def is_independent(self) -> bool:
        return self.employer_id is None

    def lapse_dates(self) -> tuple[dt.date, dt.date]:
        """(date the two-year student rule lapses, date the annual CPD rule lapses). A newly
        qualified educator's clocks start on the day they qualified."""
        student_since = self.last_student_on or self.qualified_on
        cpd_since = self.last_cpd_on or self.qualified_on
        return add_years(student_since, 2), add_years(cpd_since, 1)

    def currency(self, today: dt.date | None = None) -> Currency:
        """Current = supported a student within two years AND did CPD within the last year
        (DOMAIN.md). Lapses on the first day either condition fails."""
        today = today or timezone.localdate()
        student_lapse, cpd_lapse = self.lapse_dates()
        if student_lapse <= cpd_lapse:
            lapses_on = student_lapse
            if self.last_student_on:
                reason = f"no student supported since {_month(self.last_student_on)}"
            else:
                reason = f"no student supported since qualifying in {_month(self.qualified_on)}"
        else:
            lapses_on = cpd_lapse
            reason = (
                f"no CPD recorded since {_month(self.last_cpd_on)}"
                if self.last_cpd_on
                else f"no CPD recorded since qualifying in {_month(self.qualified_on)}"
            )
        if today >= lapses_on:
            return Currency(EducatorStatus.LAPSED, lapses_on, f"Lapsed on {long_date(lapses_on)}: {reason}")
        status = EducatorStatus.LAPSING if (lapses_on - today).days <= LAPSING_WINDOW_DAYS else EducatorStatus.CURRENT
        return Currency(status, lapses_on, f"Lapses on {long_date(lapses_on)}: {reason}")
