"""Forms for frameworks and health checks (GOV.UK rendering via portal.forms)."""

from __future__ import annotations

from typing import cast

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from django import forms
from django.utils import timezone

from healthcheck.models import Area, Criterion, Framework, Rag
from healthcheck.services.authoring import latest_published
from partnerships.forms import OwnedActionForm, OwnedActionUpdateForm
from partnerships.models import Organisation
from portal import academic_years
from portal.forms import NoNullCharsMixin, PortalForm, RevisionMixin
from portal.registry import all_metrics


def drop_fields(form, *names: str) -> None:
    """Remove fields after the GOV.UK helper was built, and rebuild its layout to match."""
    for name in names:
        del form.fields[name]
    form.helper = FormHelper(form)
    form.helper.form_tag = False
    form.helper.disable_csrf = True


# --- Health checks --------------------------------------------------------------------------------


class SignatoryForm(PortalForm):
    """Whom a health check goes to for sign-off: one of the people who may sign it off."""

    signatory = forms.TypedChoiceField(
        label="Who is to sign it off?",
        coerce=int,
        widget=forms.RadioSelect,
        help_text="They are e-mailed and see it as their task. Other signatories can still see it and sign it off.",
        error_messages={"required": "Choose who is to sign it off"},
    )

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {m.user_id: m.user for m in memberships}
        field = cast(forms.TypedChoiceField, self.fields["signatory"])
        field.choices = [
            Choice(
                m.user_id,
                m.user.get_full_name() or m.user.email,
                hint=", ".join(part for part in (m.job_title or m.user.job_title, str(m.organisation or "")) if part),
            )
            for m in memberships
        ]

    def clean_signatory(self):
        return self.people[self.cleaned_data["signatory"]]


class StartForm(NoNullCharsMixin, PortalForm):
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label="What does this health check cover?",
        queryset=None,
        required=False,
        empty_label="The whole partnership",
        help_text="Choose a partner organisation to assess just that organisation's part.",
    )
    academic_year = forms.ChoiceField(label="Academic year")
    framework: forms.ModelChoiceField[Framework] = forms.ModelChoiceField(
        label="Framework",
        queryset=None,
        empty_label=None,
        help_text="The areas and criteria to rate. The newest published version of each framework is listed.",
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            partner_roles__partnership=partnership
        ).order_by("name")
        self.fields["academic_year"].choices = [(y, y) for y in academic_years.recent(timezone.localdate())]
        self.fields["academic_year"].initial = academic_years.label_of(timezone.localdate())
        published = latest_published()
        self.fields["framework"].queryset = Framework.objects.filter(pk__in=[f.pk for f in published]).order_by("name")
        default = next((f for f in published if f.family == "default"), published[0] if published else None)
        self.fields["framework"].initial = default.pk if default else None


def rating_choices(criterion: Criterion) -> list[Choice]:
    """Each rating with what it means for this criterion as its hint: the rubric beside the choice."""
    return [
        Choice(Rag.GREEN, "Green", hint=criterion.green_means),
        Choice(Rag.AMBER, "Amber", hint=criterion.amber_means),
        Choice(Rag.RED, "Red", hint=criterion.red_means),
        Choice(Rag.NOT_APPLICABLE, "Not applicable", hint="This criterion does not apply to this partnership."),
    ]


class RatingForm(NoNullCharsMixin, RevisionMixin, PortalForm):
    rating = forms.ChoiceField(label="Rating", required=False, widget=forms.RadioSelect)
    commentary = forms.CharField(
        label="Commentary",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Required for Red and Amber: what the rating rests on and what is missing.",
    )
    override_reason = forms.CharField(
        label="Reason for not following the suggested rating",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only needed when your rating differs from the one the live figure suggests.",
    )

    def __init__(self, *args, criterion: Criterion, has_suggestion: bool, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["rating"]).choices = rating_choices(criterion)
        self.fields["rating"].label = f"How does {criterion.code} rate?"
        if not has_suggestion:
            drop_fields(self, "override_reason")


class EvidenceForm(NoNullCharsMixin, PortalForm):
    KIND_CHOICES = [
        Choice("note", "A note", hint="Describe the evidence, or where it is kept."),
        Choice("link", "A link", hint="A web address where the evidence can be seen."),
        Choice("file", "A file", hint="PDF, Word, Excel or an image, up to 10 MB."),
    ]
    kind = forms.ChoiceField(
        label="What kind of evidence?", choices=KIND_CHOICES, widget=forms.RadioSelect, initial="note"
    )
    title = forms.CharField(label="Title", max_length=200, help_text="For example, Board minutes 12 March 2026")
    note = forms.CharField(label="Note", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    url = forms.URLField(
        label="Link",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": "Enter a real web address, starting with https://"},
    )
    upload = forms.FileField(label="File", required=False, help_text="PDF, Word, Excel or an image, up to 10 MB.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Give each field its own id prefix so several forms can share a page.
        self.auto_id = "evidence-%s"


# The action plan uses the one owner/due-date action form (partnerships.forms).
ActionForm = OwnedActionForm
ActionUpdateForm = OwnedActionUpdateForm


class ReasonForm(NoNullCharsMixin, PortalForm):
    reason = forms.CharField(
        label="Why does it need reopening?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="This is recorded in the history. Reopening starts a new revision, which needs signing off again.",
        error_messages={"required": "Say why the health check needs reopening"},
    )


# --- Frameworks -------------------------------------------------------------------------------------


class FrameworkForm(NoNullCharsMixin, RevisionMixin, PortalForm):
    family = forms.SlugField(
        label="Short name",
        max_length=60,
        help_text="Lower-case letters, digits and hyphens. Shared by every version, e.g. regional-2027.",
    )
    name = forms.CharField(label="Name", max_length=200)
    description = forms.CharField(label="Description", required=False, max_length=5000, widget=forms.Textarea)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            drop_fields(self, "family")


class AreaForm(NoNullCharsMixin, RevisionMixin, PortalForm):
    code = forms.RegexField(
        label="Code",
        regex=r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,9}$",
        max_length=10,
        help_text="Up to 10 letters or digits, e.g. A.",
        error_messages={"invalid": "Use only letters, digits, dots and hyphens, up to 10 characters"},
    )
    title = forms.CharField(label="Title", max_length=200)
    description = forms.CharField(label="Description", required=False, max_length=3000, widget=forms.Textarea)
    position = forms.IntegerField(label="Position", min_value=0, max_value=999, initial=1)


class CriterionForm(NoNullCharsMixin, RevisionMixin, PortalForm):
    area = forms.ModelChoiceField(label="Area", queryset=Area.objects.none(), empty_label=None)
    code = forms.RegexField(
        label="Code",
        regex=r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,9}$",
        max_length=10,
        help_text="Unique in the framework, e.g. A1.",
        error_messages={"invalid": "Use only letters, digits, dots and hyphens, up to 10 characters"},
    )
    statement = forms.CharField(label="Statement", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    guidance = forms.CharField(label="Guidance", required=False, max_length=5000, widget=forms.Textarea)
    evidence_examples = forms.CharField(
        label="Examples of evidence",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One example on each line.",
    )
    green_means = forms.CharField(label="Green means", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    amber_means = forms.CharField(label="Amber means", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    red_means = forms.CharField(label="Red means", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    standards = forms.CharField(
        label="Standards it evidences",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One on each line, e.g. Standards for Employers 5: supervision.",
    )
    metric_key = forms.ChoiceField(label="Live figure", required=False)
    green_at = forms.FloatField(
        label="Green at", required=False, help_text="The figure at which the suggestion is Green (1 for yes)."
    )
    amber_at = forms.FloatField(
        label="Amber at", required=False, help_text="Optional: the figure at which it is Amber. Below that: Red."
    )
    position = forms.IntegerField(label="Position in its area", min_value=0, max_value=999, initial=1)

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = framework.areas.all()
        self.fields["metric_key"].choices = [("", "None: rated by judgement only")] + [
            (m.key, f"{m.label} ({m.unit})") for m in all_metrics()
        ]
        for name in ("green_at", "amber_at"):
            self.fields[name].widget.attrs["class"] = "govuk-input govuk-input--width-5"


class ImportForm(PortalForm):
    file = forms.FileField(
        label="Framework file (JSON)",
        help_text="A file exported from this or another partnership portal. It is imported as a draft version.",
    )
