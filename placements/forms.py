"""Forms for placement data. Choices are always limited to the partnership (and, for an
employer's coordinator, to their own organisation), so a posted id from elsewhere is refused
as an invalid choice rather than reaching a service."""

from __future__ import annotations

from typing import cast

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q, QuerySet

from partnerships.models import EMPLOYER_KINDS, Organisation
from placements.models import (
    AcademicYear,
    CheckRequirement,
    EmployerCommitment,
    EndReason,
    ImportKind,
    OfferStage,
    PlacementOffer,
    PlacementStatus,
    PracticeEducator,
    Programme,
    QualityReview,
    SettingAudit,
    Stage,
    Student,
    StudentCheck,
)
from portal.dates import long_date
from portal.forms import NoNullCharsMixin, PortalForm, PortalModelForm, RevisionMixin, ServiceModelForm, date_field


def limit(field: forms.IntegerField, low: int, high: int) -> None:
    """Set an integer field's range after the form is built (validators are fixed at field
    creation, so they are added here too) with a message in words."""
    field.min_value, field.max_value = low, high
    field.validators = [v for v in field.validators if not isinstance(v, MinValueValidator | MaxValueValidator)] + [
        MinValueValidator(low, f"Enter a number from {low} to {high}"),
        MaxValueValidator(high, f"Enter a number from {low} to {high}"),
    ]
    field.widget.attrs.update({"min": low, "max": high})


def partnership_employers(partnership):
    return Organisation.objects.filter(partner_roles__partnership=partnership, kind__in=EMPLOYER_KINDS).order_by("name")


def partnership_universities(partnership):
    return Organisation.objects.filter(partner_roles__partnership=partnership, kind="university").order_by("name")


class OfferForm(NoNullCharsMixin, PortalModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    starts_on = date_field("Block starts", required=False)
    ends_on = date_field("Block ends", required=False)

    class Meta:
        model = PlacementOffer
        fields = [
            "employer",
            "team",
            "service_area",
            "statutory",
            "stage",
            "academic_year",
            "places",
            "practice_educator",
            "onsite_supervisor",
            "starts_on",
            "ends_on",
            "notes",
        ]

    def __init__(self, *args, partnership, own_employer=None, **kwargs):
        super().__init__(*args, **kwargs)
        employers = partnership_employers(partnership)
        if own_employer is not None:
            employers = employers.filter(pk=own_employer.pk)
        self.fields["employer"].queryset = employers
        self.fields["academic_year"].queryset = AcademicYear.objects.order_by("-starts_on")
        self.fields["practice_educator"].queryset = PracticeEducator.objects.on_register_of(partnership)
        limit(self.fields["places"], 1, 500)
        self.fields["stage"].choices = OfferStage.choices


class StudentForm(NoNullCharsMixin, PortalModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Student
        fields = ["reference", "name", "programme", "cohort", "final_year"]

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(partnership=partnership).select_related(
            "university"
        )
        self.fields["final_year"].queryset = AcademicYear.objects.order_by("-starts_on")


def checks_reason_field() -> forms.CharField:
    return forms.CharField(
        label="Why it is confirmed without every required check (if it is)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text="Needed only when a required pre-placement check is missing or expired on the first day. "
        "For example, the DBS check is applied for and the employer agreed the student may start.",
    )


class OfferChoiceField(forms.ModelChoiceField):
    """An offer labelled with its team, employer, dates and places left, so a long list can be
    scanned (and searched with the page's filter)."""

    def label_from_instance(self, obj):
        if obj.starts_on and obj.ends_on:
            dates = f"{long_date(obj.starts_on)} to {long_date(obj.ends_on)}"
        else:
            dates = "dates to agree"
        statutory = ", statutory" if obj.statutory else ""
        return f"{obj}{statutory}: {dates} - {obj.places_left} of {obj.places} places free"


def offers_with_room(partnership, *, year, stage: str, query: str = "", own_employer=None):
    """The offers the place-the-student form lists: in the student's partnership, for the year,
    for the stage (or either stage), with a place left (OfferQuerySet.with_room, the rule that
    refuses a full offer), matching the search on team or employer; an employer's coordinator
    sees only their own."""
    offers = (
        PlacementOffer.objects.filter(partnership=partnership, academic_year=year, stage__in=[stage, OfferStage.EITHER])
        .with_room()
        .select_related("employer", "academic_year")
    )
    if own_employer is not None:
        offers = offers.filter(employer=own_employer)
    if query:
        offers = offers.filter(Q(team__icontains=query) | Q(employer__name__icontains=query))
    return offers.order_by("employer__name", "team", "id")


class PlacementForm(PortalForm):
    offer = OfferChoiceField(queryset=PlacementOffer.objects.none(), label="Placement offer")
    # Chosen with the year in the filter above the form (a GET query), so the offers listed fit it.
    stage = forms.ChoiceField(choices=Stage.choices, widget=forms.HiddenInput)
    starts_on = date_field("Start date", required=False, help_text="Leave empty to use the offer's block dates.")
    ends_on = date_field("End date", required=False, help_text="Leave empty to use the offer's block dates.")
    planned_days = forms.IntegerField(
        label="Planned days",
        min_value=1,
        max_value=200,
        help_text="The programme's requirement: usually 70 for a first and 100 for a final placement.",
    )
    days_reason = forms.CharField(
        label="Why the days differ from the programme's requirement (if they do)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text="For example, days carried over from a placement that ended early.",
    )
    status = forms.ChoiceField(
        choices=[(PlacementStatus.PROPOSED, "Proposed"), (PlacementStatus.CONFIRMED, "Confirmed")],
        widget=forms.RadioSelect,
        initial=PlacementStatus.PROPOSED,
    )
    checks_reason = checks_reason_field()

    def __init__(self, *args, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].empty_label = "Choose an offer"
        self.fields["offer"].queryset = offers

    def clean(self):
        cleaned = super().clean()
        offer = cleaned.get("offer")
        for name, block in [("starts_on", "starts_on"), ("ends_on", "ends_on")]:
            if not cleaned.get(name) and name not in self.errors:
                if offer is not None and getattr(offer, block):
                    cleaned[name] = getattr(offer, block)
                elif offer is not None:
                    self.add_error(name, "Enter the date: this offer has no block dates to use")
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The end date must be on or after the start date")
        return cleaned


class StatusForm(NoNullCharsMixin, PortalForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    status = forms.ChoiceField(label="New status", widget=forms.RadioSelect)
    completed_days = forms.IntegerField(label="Days completed", min_value=0, max_value=230, required=False)
    end_reason = forms.ChoiceField(
        label="Why it ended early", choices=[("", "Choose a reason")] + list(EndReason.choices), required=False
    )
    end_notes = forms.CharField(
        label="More about why it ended (optional)", widget=forms.Textarea, required=False, max_length=2000
    )
    ended_on = date_field("Last day (if it ended early)", required=False)
    days_reason = forms.CharField(
        label="Why fewer days than the stage requires were enough (if they were)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    checks_reason = checks_reason_field()

    def __init__(self, *args, allowed: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = allowed

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == PlacementStatus.ENDED_EARLY and not cleaned.get("end_reason"):
            self.add_error("end_reason", "Choose why the placement ended early")
        return cleaned


class SkillsDaysForm(NoNullCharsMixin, PortalForm):
    days = forms.IntegerField(label="Days done", min_value=1, max_value=30)
    completed_on = date_field("Date of the last of these days")
    description = forms.CharField(
        label="What they were (optional)",
        required=False,
        max_length=200,
        help_text="For example, communication skills workshop.",
    )


class ReviewForm(NoNullCharsMixin, PortalModelForm):
    completed_on = date_field("Date of the review")

    class Meta:
        model = QualityReview
        fields = ["point", "role", "learning_opportunities", "support", "performance", "comments", "completed_on"]
        widgets = {
            "point": forms.RadioSelect,
            "role": forms.RadioSelect,
            "learning_opportunities": forms.RadioSelect,
            "support": forms.RadioSelect,
            "performance": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ["point", "role", "learning_opportunities", "support", "performance"]:
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]


class EducatorForm(NoNullCharsMixin, PortalModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    qualified_on = date_field("Date qualified")
    last_student_on = date_field(
        "Last supported a student", required=False, help_text="The last day of their most recent student's placement."
    )
    last_cpd_on = date_field(
        "Last CPD", required=False, help_text="The date of their most recent practice educator CPD."
    )

    class Meta:
        model = PracticeEducator
        fields = [
            "full_name",
            "email",
            "employer",
            "peps_stage",
            "qualified_on",
            "last_student_on",
            "last_cpd_on",
            "max_students",
        ]
        widgets = {"peps_stage": forms.RadioSelect}

    def __init__(self, *args, partnership, own_employer=None, **kwargs):
        super().__init__(*args, **kwargs)
        employers = partnership_employers(partnership)
        if own_employer is not None:
            employers = employers.filter(pk=own_employer.pk)
            self.fields["employer"].required = True
        self.fields["employer"].queryset = employers
        self.fields["employer"].empty_label = "Independent (no employer)"
        self.fields["peps_stage"].choices = [(1, "Stage 1"), (2, "Stage 2")]
        limit(self.fields["max_students"], 1, 10)

    def clean_email(self):
        return (self.cleaned_data.get("email") or "").strip().lower()


class ProgrammeForm(NoNullCharsMixin, PortalModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Programme
        fields = [
            "university",
            "name",
            "level",
            "first_placement_days",
            "final_placement_days",
            "skills_days",
            "statutory_placements_required",
        ]

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["university"].queryset = partnership_universities(partnership)
        for name in ["first_placement_days", "final_placement_days", "skills_days"]:
            limit(self.fields[name], 0, 365)
        limit(self.fields["statutory_placements_required"], 0, 3)


class DemandForm(RevisionMixin, PortalForm):
    academic_year = forms.ModelChoiceField(queryset=AcademicYear.objects.order_by("-starts_on"))
    first_placements = forms.IntegerField(label="Students needing a first placement", min_value=0, max_value=5000)
    final_placements = forms.IntegerField(label="Students needing a final placement", min_value=0, max_value=5000)


class CommitmentForm(RevisionMixin, PortalModelForm):
    """The places committed by one employer in one year. The page opens on an employer and year
    (chosen on the sufficiency page, or the first) with the number recorded now and its revision."""

    class Meta:
        model = EmployerCommitment
        fields = ["employer", "academic_year", "places"]

    employers: QuerySet[Organisation]  # the employer choices, for the page to open on one

    def __init__(self, *args, partnership, own_employer=None, **kwargs):
        super().__init__(*args, **kwargs)
        employers = partnership_employers(partnership)
        if own_employer is not None:
            employers = employers.filter(pk=own_employer.pk)
        self.fields["employer"].queryset = employers
        self.employers = employers
        self.fields["academic_year"].queryset = AcademicYear.objects.order_by("-starts_on")
        limit(self.fields["places"], 0, 5000)

    def validate_unique(self):
        # Recording a commitment again updates it (the service upserts), so no uniqueness error.
        pass


class SettingAuditForm(NoNullCharsMixin, RevisionMixin, PortalModelForm):
    completed_on = date_field("Audit completed", required=False)
    shared_with_hei_on = date_field("Shared with the university", required=False)

    class Meta:
        model = SettingAudit
        fields = SettingAudit.CHECKS + ["completed_on", "shared_with_hei_on", "notes"]


class ImportForm(PortalForm):
    kind = forms.ChoiceField(label="What the file holds", choices=ImportKind.choices, widget=forms.RadioSelect)
    file = forms.FileField(
        label="File", help_text="A CSV or Excel (.xlsx) file with a header row, like the template, up to 10 MB."
    )


class RetentionForm(PortalForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    student_retention_years = forms.IntegerField(
        label="Keep student records for (years)",
        help_text="Counted from the end of the student's final placement year.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit(self.fields["student_retention_years"], 1, 15)


class CheckRequirementForm(NoNullCharsMixin, ServiceModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = CheckRequirement
        fields = ["name", "valid_for_months", "required"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit(self.fields["valid_for_months"], 1, 240)
        self.fields["valid_for_months"].required = False


class StudentCheckForm(NoNullCharsMixin, ServiceModelForm):
    """When a student had a check; the expiry date is worked out from the check's rule unless
    entered. No certificate numbers or health details: only that it was done and until when."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    done_on = date_field("Date done")
    expires_on = date_field(
        "Expiry date (optional)",
        required=False,
        help_text="Leave empty to work it out from the check's rule. The check no longer counts from this day.",
    )

    class Meta:
        model = StudentCheck
        fields = ["done_on", "expires_on", "note"]
