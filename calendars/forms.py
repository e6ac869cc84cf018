"""The form that makes a calendar link: which partnerships it covers, and the calendar page's
filters (carried in hidden fields when the link is made from that page)."""

from __future__ import annotations

from crispy_forms_gds.choices import Choice
from django import forms

from calendars.selectors import KINDS, TEAM_MAX_CHARS
from partnerships.access import memberships
from portal.forms import NoNullCharsMixin, PortalForm

ALL = "all"


class FeedForm(NoNullCharsMixin, PortalForm):
    scope = forms.ChoiceField(
        label="Which partnerships should the calendar show?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select which partnerships the calendar shows"},
    )
    team = forms.CharField(required=False, max_length=TEAM_MAX_CHARS, widget=forms.HiddenInput)
    employer = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    university = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    kinds = forms.MultipleChoiceField(required=False, choices=list(KINDS.items()), widget=forms.MultipleHiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        partnerships = sorted((m.partnership for m in memberships(user)), key=lambda p: p.name)
        self.partnerships = {p.slug: p for p in partnerships}
        # A student or practice educator who signs in belongs to no partnership: their link
        # carries their own placements (participants' calendar source).
        everything = (
            Choice(ALL, "All my partnerships", hint="Including partnerships you join later.")
            if partnerships
            else Choice(ALL, "My own placements", hint="And their review dates.")
        )
        self.fields["scope"].choices = [everything, *(Choice(p.slug, p.name) for p in partnerships)]

    def partnership(self):
        return self.partnerships.get(self.cleaned_data["scope"])
