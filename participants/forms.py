"""Forms of the participants' pages (GOV.UK rendering through portal.forms)."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Layout
from django import forms

from placements.models import Performance, QualityReview, Rating
from portal.forms import ConfirmPasswordForm, NoNullCharsMixin, PortalForm, date_field


class InviteForm(NoNullCharsMixin, PortalForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The invitation goes here; it is kept on their sign-in only.",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address like name@example.org",
        },
    )
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        required=False,
        help_text="Needed when they do not have a sign-in yet: it greets them in the e-mail.",
    )


def _choices(choices) -> list[tuple[str, str]]:
    return [c for c in choices if c[0]]


class EducatorReviewForm(NoNullCharsMixin, ConfirmPasswordForm):
    """The practice educator's review, signed: their name typed, the declaration ticked and their
    password entered again (ConfirmPasswordForm, portal/reauth.py)."""

    point = forms.ChoiceField(
        label="Which review is this?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which review this is"},
    )
    learning_opportunities = forms.ChoiceField(
        label="Learning opportunities",
        choices=_choices(Rating.choices),
        widget=forms.RadioSelect,
        error_messages={"required": "Rate the learning opportunities"},
    )
    support = forms.ChoiceField(
        label="Support for the student",
        choices=_choices(Rating.choices),
        widget=forms.RadioSelect,
        error_messages={"required": "Rate the support"},
    )
    performance = forms.ChoiceField(
        label="The student's progress",
        choices=_choices(Performance.choices),
        widget=forms.RadioSelect,
        error_messages={"required": "Say how the student is progressing"},
    )
    comments = forms.CharField(
        label="Comments",
        required=False,
        max_length=QualityReview._meta.get_field("comments").max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    completed_on = date_field("Date of the review")
    typed_name = forms.CharField(
        label="Type your full name",
        max_length=150,
        help_text="Exactly as it appears on your account. This is your signature.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Type your full name"},
    )
    declaration = forms.BooleanField(
        label="I declare that this review is my own and true to the best of my knowledge",
        error_messages={"required": "Confirm the declaration to sign the review"},
    )

    def __init__(self, *args, points: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point"].choices = points  # type: ignore[attr-defined]  # a ChoiceField
        self.helper.layout = Layout(
            Field.radios("point"),
            Field.radios("learning_opportunities"),
            Field.radios("support"),
            Field.radios("performance"),
            Field.textarea("comments"),
            Field("completed_on"),
            Field.text("typed_name"),
            Field.checkbox("declaration"),
            Field("password"),
        )


class DaysForm(NoNullCharsMixin, PortalForm):
    week_ending = date_field("Week ending", help_text="The last day of the week, for example a Friday.")
    days = forms.IntegerField(
        label="Days completed that week",
        min_value=1,
        max_value=7,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter the days completed",
            "min_value": "Enter at least 1 day",
            "max_value": "Enter at most 7 days for one week",
            "invalid": "Enter a whole number of days",
        },
    )
    note = forms.CharField(label="What you did (optional)", max_length=300, required=False)


class DaysDecisionForm(NoNullCharsMixin, PortalForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    decision = forms.ChoiceField(
        label="Are these days right?",
        choices=[("confirm", "Yes, confirm them"), ("query", "No, query them")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to confirm or query these days"},
    )
    query = forms.CharField(
        label="What is wrong with them",
        max_length=500,
        required=False,
        help_text="Needed when you query them: the student sees it.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "query" and not (cleaned.get("query") or "").strip():
            self.add_error("query", "Say what is wrong with these days")
        return cleaned
