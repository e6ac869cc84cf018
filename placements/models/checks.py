"""Pre-placement checks: the checks a partnership requires before a student goes on placement
(an enhanced DBS check, occupational health clearance, a signed learning agreement) and, for each
student, when each was done and when it runs out."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from partnerships.models import Partnership, ScopedQuerySet
from placements.models.students import Student


class CheckRequirement(models.Model):
    """One check on a partnership's register: its name, how long it lasts (no expiry when
    `valid_for_months` is empty) and whether every placement needs it before it is confirmed."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="check_requirements")
    name = models.CharField(max_length=120, help_text="For example, enhanced DBS check.")
    valid_for_months = models.PositiveSmallIntegerField(
        "lasts for (months)",
        null=True,
        blank=True,
        help_text="For example, 36 for a DBS check renewed every three years. Leave empty if it does not expire.",
    )
    required = models.BooleanField(
        "required for every placement",
        default=True,
        help_text="A placement cannot be confirmed while a required check is missing or expired, unless a reason is "
        "recorded.",
    )
    revision = models.PositiveIntegerField(default=1)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                "partnership",
                Lower("name"),
                name="check_requirement_name_unique",
                violation_error_message="This partnership already has a check with this name",
            ),
            models.CheckConstraint(
                condition=Q(valid_for_months__isnull=True) | Q(valid_for_months__gte=1),
                name="check_requirement_lasts_a_month",
                violation_error_message="A check that expires lasts at least 1 month",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StudentCheckQuerySet(ScopedQuerySet):
    partnership_field = "student__partnership"


class StudentCheck(models.Model):
    """That a student has had one check: the date it was done and the date it runs out (worked
    out from the check's rule, or entered). Minimal data on purpose: no certificate numbers and
    no health details, only that the check was done and until when it counts, which is all a
    coordinator needs to confirm a placement (UK GDPR data minimisation; a DBS certificate number
    or an occupational health outcome is special category or criminal offence data the employer
    and the university hold, not the partnership)."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="checks")
    requirement = models.ForeignKey(CheckRequirement, on_delete=models.CASCADE, related_name="records")
    done_on = models.DateField("date done")
    expires_on = models.DateField(
        "expiry date", null=True, blank=True, help_text="The first day it no longer counts. Empty: it does not expire."
    )
    note = models.CharField(
        max_length=200,
        blank=True,
        help_text="Optional, for example who holds the certificate. Never a certificate number or health details.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revision = models.PositiveIntegerField(default=1)

    objects = StudentCheckQuerySet.as_manager()

    class Meta:
        ordering = ["requirement__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "requirement"],
                name="one_record_per_student_check",
                violation_error_message="This check is already recorded for this student: change it instead",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=models.F("done_on")),
                name="student_check_expires_after_done",
                violation_error_message="The expiry date must be after the date done",
            ),
        ]
        indexes = [models.Index(fields=["expires_on"], name="student_check_expiry_idx")]

    def __str__(self) -> str:
        return f"{self.requirement.name} for {self.student.reference}"

    def clean(self):
        if self.expires_on and self.done_on and self.expires_on <= self.done_on:
            raise ValidationError({"expires_on": "The expiry date must be after the date done"})
