"""Forms for a partnership's webhooks (GOV.UK rendering through portal.forms)."""

from __future__ import annotations

from crispy_forms_gds.choices import Choice
from django import forms

from portal.forms import PortalForm, RevisionMixin
from webhooks.models import SUBSCRIBABLE
from webhooks.services import DEFAULT_OVERLAP_HOURS, MAX_OVERLAP_HOURS


def _event_choices() -> list[Choice]:
    return [Choice(str(t), t.label, hint=f"Sent as {t.value}") for t in SUBSCRIBABLE]


class EndpointForm(RevisionMixin, PortalForm):
    url = forms.CharField(
        label="Address (URL)",
        max_length=500,
        help_text="Your system's address that receives events. It must start with https://",
        widget=forms.URLInput(attrs={"spellcheck": "false", "autocomplete": "url"}),
    )
    description = forms.CharField(
        label="Description (optional)",
        max_length=200,
        required=False,
        help_text="For example, the university's student records system",
    )
    event_types = forms.MultipleChoiceField(
        label="Events to send",
        choices=_event_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event"},
    )

    def __init__(self, *args, endpoint=None, **kwargs):
        super().__init__(*args, **kwargs)
        if endpoint is not None and not self.is_bound:
            self.initial.update(
                url=endpoint.url,
                description=endpoint.description,
                event_types=endpoint.event_types,
                revision=endpoint.revision,
            )


class DisableForm(PortalForm):
    reason = forms.CharField(
        label="Why are you disabling it?",
        max_length=300,
        help_text="The partnership's other leads see this on the endpoint's page",
        error_messages={"required": "Enter why you are disabling the endpoint"},
    )


class RotateForm(PortalForm):
    overlap_hours = forms.TypedChoiceField(
        label="How long should the old secret keep working?",
        coerce=int,
        choices=[
            Choice(1, "1 hour"),
            Choice(DEFAULT_OVERLAP_HOURS, "24 hours", hint="Time to put the new secret in place"),
            Choice(MAX_OVERLAP_HOURS, "7 days"),
            Choice(0, "Stop it now", hint="If the old secret may be known to someone else"),
        ],
        initial=DEFAULT_OVERLAP_HOURS,
        widget=forms.RadioSelect,
    )
