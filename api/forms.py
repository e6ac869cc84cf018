"""The form that makes a personal access token."""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.choices import Choice
from django import forms
from django.utils import timezone

from api.models import NAME_MAX_CHARS
from api.services import latest_expiry, scope_choices
from portal.dates import long_date
from portal.forms import NoNullCharsMixin, PortalForm, date_field


class TokenForm(NoNullCharsMixin, PortalForm):
    name = forms.CharField(
        label="What is the token for?",
        max_length=NAME_MAX_CHARS,
        help_text="For example, “Board report in Power BI”. Only you and site administrators see it.",
        error_messages={"required": "Enter what the token is for"},
    )
    expires_on = date_field("Expiry date")
    scope = forms.ChoiceField(
        label="Which partnerships may it read?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select which partnerships the token may read"},
    )
    partnerships = forms.TypedMultipleChoiceField(
        label="Partnerships",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only if you chose some of your partnerships.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        example = timezone.localdate() + dt.timedelta(days=90)
        self.fields["expires_on"].help_text = (
            f"At most a year from today: no later than {long_date(latest_expiry())}. "
            f"For example, {example.day} {example.month} {example.year}"
        )
        self.fields["scope"].choices = [
            Choice("all", "All my partnerships", hint="Including partnerships you join later."),
            Choice("some", "Only the partnerships I choose"),
        ]
        self.fields["partnerships"].choices = scope_choices(user)
        if not self.fields["partnerships"].choices:
            del self.fields["partnerships"]
            self.fields["scope"].choices = self.fields["scope"].choices[:1]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scope") == "some" and not cleaned.get("partnerships"):
            self.add_error("partnerships", "Select at least one partnership")
        return cleaned

    def partnership_ids(self) -> list[int] | None:
        return None if self.cleaned_data["scope"] == "all" else list(self.cleaned_data["partnerships"])
