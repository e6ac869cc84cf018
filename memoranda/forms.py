"""Forms for memoranda. Choices are limited to the memorandum's own partnership and parties, so
an id posted from elsewhere is refused as an invalid choice before any service runs."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.core.exceptions import ValidationError

from memoranda.models import (
    COMMENT_MAX_CHARS,
    COMMITMENTS_MAX_CHARS,
    REASON_MAX_CHARS,
    SECTION_MAX_CHARS,
    Kind,
    ReviewOutcome,
    Section,
    Seniority,
)
from partnerships.models import Organisation
from portal.forms import ConfirmPasswordForm, NoNullCharsMixin, PortalForm, RevisionMixin, date_field
from portal.models import User


def length_message(label: str, limit: int, length: int) -> str:
    return f"The {label} is {length:,} characters long. It can be at most {limit:,} characters."


class LengthChecksMixin(NoNullCharsMixin):
    """Checks `limits` = {field: (label, max characters)} with a clear message."""

    limits: dict[str, tuple[str, int]] = {}

    def clean(self):
        cleaned = super().clean()
        for name, (label, limit) in self.limits.items():
            value = cleaned.get(name)
            if isinstance(value, str) and len(value) > limit:
                message = length_message(label, limit, len(value))
                if name == "body" and limit == SECTION_MAX_CHARS:
                    message += " Shorten it or split it into two sections."
                self.add_error(name, message)
        return cleaned


class CountedTextarea(forms.Textarea):
    """The textarea of a GOV.UK character count. crispy-forms-gds (2.0) ties the count's message
    ("You can enter up to ...", id `<field id>-info`) to the field, but drops it when the field
    has an error and no hint; this puts it back, and marks the error as GOV.UK does for a
    textarea (`govuk-textarea--error`)."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        attrs = context["widget"]["attrs"]
        described = attrs.get("aria-describedby", "").split()
        if f"{attrs['id']}-info" not in described:
            attrs["aria-describedby"] = " ".join([*described, f"{attrs['id']}-info"])
        if attrs.get("aria-invalid") == "true" and "govuk-textarea--error" not in attrs["class"]:
            attrs["class"] += " govuk-textarea--error"
        return context


def counted(form: forms.Form, name: str, limit: int, rows: int = 8) -> Field:
    """A GOV.UK character-count textarea. (crispy-forms-gds expects an aria-describedby to
    extend; a field without help text has none, so start it empty.)"""
    field = form.fields[name]
    field.widget = CountedTextarea(attrs={**field.widget.attrs, "aria-describedby": ""})
    return Field.textarea(name, rows=rows, max_characters=limit, threshold=75)


class MemorandumForm(LengthChecksMixin, RevisionMixin, PortalForm):
    """Create a memorandum, or change its details while it is a draft."""

    kind = forms.ChoiceField(
        label="Kind of memorandum",
        choices=Kind.choices,
        widget=forms.RadioSelect,
        help_text="An overarching principles agreement sets out why the partners work together; an operational "
        "agreement covers how they deliver, for example placements for a year.",
        error_messages={"required": "Choose the kind of memorandum"},
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter a title", "max_length": "Use at most 200 characters"},
    )
    organisations: forms.ModelMultipleChoiceField[Organisation] = forms.ModelMultipleChoiceField(
        label="Parties",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="The partner organisations bound by this memorandum. Each will need a signatory.",
        error_messages={"required": "Choose at least one party", "invalid_choice": "Choose parties from the list"},
    )
    start_date = date_field("Start date")
    review_interval_months = forms.IntegerField(
        label="Review every (months)",
        min_value=1,
        max_value=60,
        initial=12,
        help_text="Most partnerships review their memorandum every 12 months.",
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
        error_messages={
            "required": "Enter how many months between reviews",
            "invalid": "Enter a whole number of months, like 12",
            "min_value": "Enter a review interval between 1 and 60 months",
            "max_value": "Enter a review interval between 1 and 60 months",
        },
    )
    limits = {"title": ("title", 200)}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        current = [p.organisation_id for p in partnership.partners.all() if p.is_current]
        self.fields["organisations"].queryset = Organisation.objects.filter(pk__in=current).order_by("name")
        self.fields["organisations"].label_from_instance = lambda o: f"{o.name} ({o.get_kind_display()})"
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.MEDIUM),
            Field.text("title"),
            Field.checkboxes("organisations", legend_size=Size.MEDIUM, small=True),
            Field("start_date"),
            Field("review_interval_months"),
            Field("revision"),
        )


class SectionForm(LengthChecksMixin, RevisionMixin, PortalForm):
    heading = forms.CharField(
        label="Heading",
        max_length=200,
        error_messages={"required": "Enter a heading", "max_length": "Use at most 200 characters"},
    )
    body = forms.CharField(
        label="Text",
        required=False,
        strip=False,
        help_text="Plain text. Leave a blank line between paragraphs. Start lines with a dash (-) for a bullet list "
        "or 1. for a numbered list.",
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    limits = {"body": ("section", SECTION_MAX_CHARS)}

    def __init__(self, *args, guidance: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if guidance:
            self.fields["body"].help_text = guidance + " " + self.fields["body"].help_text
        self.helper.layout = Layout(
            Field.text("heading"),
            counted(self, "body", SECTION_MAX_CHARS, rows=16),
            Field("revision"),
        )


class PartyForm(LengthChecksMixin, RevisionMixin, PortalForm):
    signatory: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label="Signatory",
        queryset=None,
        required=False,
        empty_label="Not chosen yet",
        help_text="A person with the signatory role who represents this organisation in the partnership.",
        error_messages={"invalid_choice": "Choose a signatory from the list"},
    )
    signatory_position = forms.CharField(
        label="Signatory's position",
        max_length=200,
        required=False,
        help_text="As it should appear on the signature page, for example Assistant Director, Children's Services.",
        error_messages={"max_length": "Use at most 200 characters"},
    )
    seniority = forms.ChoiceField(
        label="Signing level",
        choices=Seniority.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="Memoranda are normally signed by an Assistant Director or above for employers and a Head of "
        "Faculty or above for universities.",
    )
    commitments = forms.CharField(
        label="Responsibilities",
        required=False,
        strip=False,
        help_text="What this party commits to. Start lines with a dash (-) for a bullet list.",
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    limits = {"commitments": ("responsibilities", COMMITMENTS_MAX_CHARS)}

    def __init__(self, *args, signatories, **kwargs):
        super().__init__(*args, **kwargs)
        jobs = {m.user_id: m.job_title or m.user.job_title for m in signatories}
        self.fields["signatory"].queryset = User.objects.filter(pk__in=list(jobs)).order_by("full_name")
        self.fields["signatory"].label_from_instance = lambda u: (
            f"{u.full_name}" + (f", {jobs[u.pk]}" if jobs.get(u.pk) else "")
        )
        self.helper.layout = Layout(
            Field.select("signatory"),
            Field.text("signatory_position"),
            Field.radios("seniority", legend_size=Size.SMALL, small=True),
            counted(self, "commitments", COMMITMENTS_MAX_CHARS, rows=8),
            Field("revision"),
        )


class PlacesForm(NoNullCharsMixin, RevisionMixin, PortalForm):
    """Placement numbers for one academic year: one number per party (blank: no commitment)."""

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.party_fields = []
        for party in parties:
            name = f"org_{party.organisation_id}"
            self.fields[name] = forms.IntegerField(
                label=party.organisation.name,
                required=False,
                min_value=0,
                max_value=10_000,
                widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4", "inputmode": "numeric"}),
                error_messages={
                    "invalid": f"Enter a whole number of placements for {party.organisation.name}",
                    "min_value": f"Enter a number from 0 to 10,000 for {party.organisation.name}",
                    "max_value": f"Enter a number from 0 to 10,000 for {party.organisation.name}",
                },
            )
            self.party_fields.append((name, party.organisation_id))

    def places(self) -> dict[int, int | None]:
        return {org_id: self.cleaned_data.get(name) for name, org_id in self.party_fields}


class CommentForm(LengthChecksMixin, PortalForm):
    section: forms.ModelChoiceField[Section] = forms.ModelChoiceField(
        label="About",
        queryset=None,
        required=False,
        empty_label="The memorandum as a whole",
        error_messages={"invalid_choice": "Choose a section from the list"},
    )
    body = forms.CharField(
        label="Comment",
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter your comment"},
    )
    limits = {"body": ("comment", COMMENT_MAX_CHARS)}

    def __init__(self, *args, memorandum, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = memorandum.sections.all()
        self.helper.layout = Layout(Field.select("section"), counted(self, "body", COMMENT_MAX_CHARS, rows=5))


class ReasonForm(LengthChecksMixin, PortalForm):
    """Declining, withdrawing or ending: a reason that every party will read."""

    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the reason"},
    )
    limits = {"reason": ("reason", REASON_MAX_CHARS)}

    def __init__(
        self,
        *args,
        label: str = "Reason",
        help_text: str = "",
        required: str = "Enter the reason",
        with_date: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].help_text = help_text
        self.fields["reason"].error_messages["required"] = required
        layout = [counted(self, "reason", REASON_MAX_CHARS, rows=5)]
        if with_date:
            self.fields["ended_on"] = date_field("End date", required=False, help_text="Leave blank for today.")
            layout.append(Field("ended_on"))
        self.helper.layout = Layout(*layout)


class SignForm(ConfirmPasswordForm):
    """The signing form: the password again, the full name typed, the position confirmed and the
    authority declared."""

    typed_name = forms.CharField(
        label="Type your full name",
        max_length=150,
        help_text="Exactly as it appears on your account. This is your signature.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Type your full name", "max_length": "Use at most 150 characters"},
    )
    position = forms.CharField(
        label="Your position",
        max_length=200,
        help_text="Check it: it is printed on the signature page.",
        error_messages={"required": "Enter your position", "max_length": "Use at most 200 characters"},
    )
    authority = forms.BooleanField(
        label="I declare that I am authorised to sign this memorandum on behalf of my organisation",
        error_messages={"required": "Confirm that you are authorised to sign for your organisation"},
    )
    expected_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, organisation: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if organisation:
            self.fields[
                "authority"
            ].label = f"I declare that I am authorised to sign this memorandum on behalf of {organisation}"
        self.helper.layout = Layout(
            Field.text("typed_name"),
            Field.text("position"),
            Field.checkbox("authority"),
            Field("password"),
            Field("expected_sha256"),
        )


class ReviewForm(LengthChecksMixin, PortalForm):
    outcome = forms.ChoiceField(
        label="What did the partners decide?",
        choices=ReviewOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the review decided"},
    )
    reviewed_on = date_field("Date of the review", required=False, help_text="Leave blank for today.")
    note = forms.CharField(
        label="Notes",
        required=False,
        help_text="For example who took part and what they agreed. Required when the memorandum ends: the reason.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    limits = {"note": ("notes", REASON_MAX_CHARS)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.radios("outcome", legend_size=Size.MEDIUM),
            Field("reviewed_on"),
            counted(self, "note", REASON_MAX_CHARS, rows=5),
        )


class VerifyForm(PortalForm):
    sha256 = forms.CharField(
        label="SHA-256 fingerprint",
        required=False,
        max_length=200,
        help_text="64 characters, 0 to 9 and a to f. It is printed on the cover and the evidence certificate.",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off", "class": "govuk-input"}),
    )
    pdf = forms.FileField(
        label="Or upload the PDF",
        required=False,
        help_text="The signed PDF as you received it. It is checked and not kept.",
    )

    def clean_sha256(self):
        value = "".join((self.cleaned_data.get("sha256") or "").split()).lower()
        if value and (len(value) != 64 or any(c not in "0123456789abcdef" for c in value)):
            raise ValidationError("Enter a SHA-256 fingerprint: 64 characters, 0 to 9 and a to f")
        return value

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("sha256") and not cleaned.get("pdf"):
            raise ValidationError("Enter a fingerprint or choose a PDF to check")
        return cleaned
