"""Sign-ins for students and practice educators, and what they record in the portal.

A link row ties a portal account (portal.models.User) to a placements Student or PracticeEducator:
these people are not partnership members (no Membership), so partnership pages stay closed to
them; they see only their own part through participants' pages. A student's e-mail address lives
only on their account, never on the student record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from partnerships.models import ScopedQuerySet
from placements.models import Placement, PracticeEducator, QualityReview, Student


class StudentAccountQuerySet(ScopedQuerySet):
    partnership_field = "student__partnership"


class StudentAccount(models.Model):
    """The sign-in of one student."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="student_account")
    student = models.OneToOneField(Student, on_delete=models.CASCADE, related_name="account")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StudentAccountQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Sign-in for student {self.student.reference}"


class EducatorAccountQuerySet(ScopedQuerySet):
    partnership_field = "educator__partnership"


class EducatorAccount(models.Model):
    """The sign-in of one practice educator (their record on one partnership's register)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="educator_account")
    educator = models.OneToOneField(PracticeEducator, on_delete=models.CASCADE, related_name="account")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EducatorAccountQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Sign-in for practice educator {self.educator.full_name}"


class ReviewSignatureQuerySet(ScopedQuerySet):
    partnership_field = "review__placement__partnership"


class ReviewSignature(models.Model):
    """A practice educator's signature on a review they completed: the name they typed and the
    declaration they ticked, after entering their password again."""

    review = models.OneToOneField(QualityReview, on_delete=models.CASCADE, related_name="signature")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    typed_name = models.CharField(max_length=150)
    signed_at = models.DateTimeField()

    objects = ReviewSignatureQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Signature of {self.review}"


class DaysStatus(models.TextChoices):
    SUBMITTED = "submitted", "Waiting for the practice educator"
    CONFIRMED = "confirmed", "Confirmed"
    QUERIED = "queried", "Queried"


class DaysLogQuerySet(ScopedQuerySet):
    partnership_field = "placement__partnership"


class DaysLog(models.Model):
    """Practice days a student says they completed in the week ending on `week_ending`; the
    practice educator confirms them (they then count in the placement's completed days) or
    queries them (the student records them again, corrected)."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="days_logs")
    week_ending = models.DateField("week ending")
    days = models.PositiveSmallIntegerField("days completed")
    note = models.CharField("what they did", max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=DaysStatus.choices, default=DaysStatus.SUBMITTED)
    query = models.CharField("what the practice educator asked", max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)

    objects = DaysLogQuerySet.as_manager()

    class Meta:
        ordering = ["placement", "week_ending", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(days__gte=1) & Q(days__lte=7), name="days_log_one_to_seven"),
        ]
        indexes = [models.Index(fields=["placement", "status"], name="days_log_placement_status_idx")]

    def __str__(self) -> str:
        return f"{self.days} day{'s' if self.days != 1 else ''} in the week ending {self.week_ending:%d %B %Y}"
