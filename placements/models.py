"""Practice learning: academic years, programmes and demand, placement offers (capacity),
students, placements, the practice educator register and quality reviews.

Rules that need the database as a whole (overlaps, over-allocation) live in services.py, where
they run under a row lock; rules about one row live here in constraints and `clean()`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Organisation, Partnership, ScopedQuerySet
from portal import academic_years
from portal.storage import private_storage

YEAR_LABEL = academic_years.LABEL


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later; 29 February becomes 1 March (the anniversary has
    not yet been reached on 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


# --- Academic years ---------------------------------------------------------------------------


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
        if problem := self.label_problem(self.label):
            raise ValidationError({"label": problem})

    # The label rules and dates live in portal.academic_years; these name them for callers of the model.
    label_problem = staticmethod(academic_years.problem)
    default_dates = staticmethod(academic_years.bounds)
    for_date = staticmethod(academic_years.label_of)


# --- Programmes and demand --------------------------------------------------------------------


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


# --- Data protection -------------------------------------------------------------------------


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


# --- Practice educators -----------------------------------------------------------------------


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


def _d(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


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
            return Currency(EducatorStatus.LAPSED, lapses_on, f"Lapsed on {_d(lapses_on)}: {reason}")
        status = EducatorStatus.LAPSING if (lapses_on - today).days <= LAPSING_WINDOW_DAYS else EducatorStatus.CURRENT
        return Currency(status, lapses_on, f"Lapses on {_d(lapses_on)}: {reason}")


# --- Placement offers -------------------------------------------------------------------------


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
    pass


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


# --- Students and placements ------------------------------------------------------------------


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


class PlacementStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    CONFIRMED = "confirmed", "Confirmed"
    IN_PROGRESS = "in-progress", "In progress"
    COMPLETED = "completed", "Completed"
    ENDED_EARLY = "ended-early", "Ended early"


# Statuses that hold a place on the offer (an ended placement frees its place).
HOLDS_PLACE = [
    PlacementStatus.PROPOSED,
    PlacementStatus.CONFIRMED,
    PlacementStatus.IN_PROGRESS,
    PlacementStatus.COMPLETED,
]
# Statuses that count as the place being filled, and the student being placed.
FILLED = [PlacementStatus.CONFIRMED, PlacementStatus.IN_PROGRESS, PlacementStatus.COMPLETED]

TRANSITIONS = {
    PlacementStatus.PROPOSED: {PlacementStatus.CONFIRMED, PlacementStatus.ENDED_EARLY},
    PlacementStatus.CONFIRMED: {PlacementStatus.IN_PROGRESS, PlacementStatus.ENDED_EARLY},
    PlacementStatus.IN_PROGRESS: {PlacementStatus.COMPLETED, PlacementStatus.ENDED_EARLY},
    PlacementStatus.COMPLETED: set(),
    PlacementStatus.ENDED_EARLY: set(),
}


class EndReason(models.TextChoices):
    STUDENT_WITHDREW = "student-withdrew", "Student withdrew or interrupted studies"
    STUDENT_HEALTH = "student-health", "Student health or personal circumstances"
    CONCERNS = "concerns", "Concerns about the student's practice"
    SETTING = "setting", "The setting could not continue (staffing, restructure)"
    EDUCATOR = "educator", "Practice educator unavailable"
    RELATIONSHIP = "relationship", "Breakdown in the learning relationship"
    OTHER = "other", "Other"


class Placement(models.Model):
    """A student on an offer for one stage. `partnership` and `academic_year` copy the offer's so
    lists filter and sort on indexed columns of this table alone."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="placements")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="placements")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="placements")
    offer = models.ForeignKey(PlacementOffer, on_delete=models.PROTECT, related_name="placements")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    starts_on = models.DateField("starts")
    ends_on = models.DateField("ends")
    planned_days = models.PositiveSmallIntegerField()
    completed_days = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=20, choices=PlacementStatus.choices, default=PlacementStatus.PROPOSED)
    end_reason = models.CharField("why it ended early", max_length=30, choices=EndReason.choices, blank=True)
    end_notes = models.TextField("more about why it ended", blank=True, max_length=2000)
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="placement_ends_after_start"),
            models.CheckConstraint(
                condition=~Q(status="ended-early") | ~Q(end_reason=""), name="ended_early_has_reason"
            ),
            models.UniqueConstraint(fields=["student", "offer"], name="placement_once_per_student_offer"),
        ]
        indexes = [
            models.Index(fields=["partnership", "-starts_on", "-id"], name="placement_list_idx"),
            # Site administrators list every partnership's placements in the same order.
            models.Index(fields=["-starts_on", "-id"], name="placement_recent_idx"),
            models.Index(fields=["partnership", "academic_year", "status"], name="placement_year_status_idx"),
            models.Index(fields=["offer", "status"], name="placement_offer_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.student.reference}: {self.get_stage_display().lower()} at {self.offer.team}"

    def get_absolute_url(self) -> str:
        return reverse("placements:placement_detail", args=[self.pk])

    def review_due_dates(self) -> dict[str, dt.date]:
        """QAMP review points: four weeks in, midway and at the end."""
        midway = self.starts_on + (self.ends_on - self.starts_on) / 2
        return {
            ReviewPoint.FOUR_WEEKS: min(self.starts_on + dt.timedelta(days=28), self.ends_on),
            ReviewPoint.MIDWAY: midway,
            ReviewPoint.END: self.ends_on,
        }


class ReviewPoint(models.TextChoices):
    FOUR_WEEKS = "four-weeks", "Four weeks"
    MIDWAY = "midway", "Midway"
    END = "end", "End"


class ReviewRole(models.TextChoices):
    STUDENT = "student", "Student"
    EDUCATOR = "educator", "Practice educator"
    SUPERVISOR = "supervisor", "On-site supervisor"
    TUTOR = "tutor", "University tutor"


class Rating(models.TextChoices):
    VERY_GOOD = "very-good", "Very good"
    GOOD = "good", "Good"
    ADEQUATE = "adequate", "Adequate"
    POOR = "poor", "Poor"


class Performance(models.TextChoices):
    EXCEEDING = "exceeding", "Exceeding expectations"
    ON_TRACK = "on-track", "On track"
    CONCERNS = "concerns", "Some concerns"
    NOT_ON_TRACK = "not-on-track", "Not on track"


# A review recorded up to this many days after its due date still counts as on time.
REVIEW_GRACE_DAYS = 7


class ReviewQuerySet(ScopedQuerySet):
    partnership_field = "placement__partnership"


class QualityReview(models.Model):
    """A QAMP review of one placement at one point, from one person's point of view."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="reviews")
    point = models.CharField("review point", max_length=20, choices=ReviewPoint.choices)
    role = models.CharField("completed by", max_length=20, choices=ReviewRole.choices)
    learning_opportunities = models.CharField(max_length=20, choices=Rating.choices)
    support = models.CharField("support (including from the practice educator)", max_length=20, choices=Rating.choices)
    performance = models.CharField("student's progress", max_length=20, choices=Performance.choices)
    comments = models.TextField(blank=True, max_length=5000)
    completed_on = models.DateField("date of the review")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["placement", "completed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "point", "role"],
                name="one_review_per_point_role",
                violation_error_message="This review is already recorded for this point and role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_point_display()} review by {self.get_role_display().lower()}"


# --- Imports ----------------------------------------------------------------------------------


class ImportKind(models.TextChoices):
    OFFERS = "offers", "Placement offers"
    STUDENTS = "students", "Students with placements"
    EDUCATORS = "educators", "Practice educators"


class ImportStatus(models.TextChoices):
    CHECKED = "checked", "Checked, not yet imported"
    HAS_ERRORS = "has-errors", "Has errors"
    IMPORTED = "imported", "Imported"


class ImportBatch(models.Model):
    """One uploaded file: checked first (preview), imported only when every row is good."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="placement_imports")
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    file = models.FileField(upload_to="placement-imports/%Y/%m/", storage=private_storage)
    original_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=ImportStatus.choices)
    row_count = models.PositiveIntegerField(default=0)
    to_create = models.PositiveIntegerField(default=0)
    to_update = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField("already up to date", default=0)
    errors = models.JSONField(default=list, blank=True)  # [[line, message], ...]
    imported_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.original_name}"
