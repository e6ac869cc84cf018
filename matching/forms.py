"""The preference round forms (GOV.UK rendering through portal.forms)."""

from __future__ import annotations

from crispy_forms_gds.choices import Choice as RadioChoice
from django import forms

from matching.models import Drives, PinKind, PreferenceRound
from placements.models import AcademicYear, PlacementOffer, Stage
from portal.forms import PortalForm, RevisionMixin, date_field


def offer_label(offer: PlacementOffer) -> str:
    places = offer.places - getattr(offer, "held", 0)
    statutory = ", statutory" if offer.statutory else ""
    return (
        f"{offer.team}, {offer.employer.name} ({offer.get_service_area_display().lower()}{statutory}; "
        f"{places} place{'s' if places != 1 else ''} left)"
    )


class OfferChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return offer_label(obj)


class RoundForm(PortalForm):
    academic_year = forms.ModelChoiceField(
        label="Academic year", queryset=AcademicYear.objects.order_by("starts_on"), empty_label=None
    )
    stage = forms.ChoiceField(
        label="Which placements",
        choices=[
            RadioChoice(Stage.FIRST, "First placements", hint="Students whose final placement is the year after."),
            RadioChoice(Stage.FINAL, "Final placements", hint="Students whose final placement is in this year."),
        ],
        widget=forms.RadioSelect,
    )
    closes_on = date_field("Closing date", help_text="Students answer by the end of this day.")
    max_choices = forms.IntegerField(label="Offers each student may rank", min_value=1, max_value=10, initial=3)
    place_unranked = forms.BooleanField(
        label="Place students on offers they did not rank when none of theirs is free",
        required=False,
        initial=True,
        help_text="Fewer students are left unplaced. Leave this unticked to place students only on offers they chose.",
    )


class RoundEditForm(RevisionMixin, PortalForm):
    closes_on = date_field("Closing date")
    max_choices = forms.IntegerField(label="Offers each student may rank", min_value=1, max_value=10)
    place_unranked = forms.BooleanField(
        label="Place students on offers they did not rank when none of theirs is free", required=False
    )

    def saved_value(self, obj: PreferenceRound, name: str):
        return getattr(obj, name)


class PreferencesForm(RevisionMixin, PortalForm):
    """choice_1 ... choice_N (N is the round's maximum) over the offers with room, then the
    student's constraints."""

    drives = forms.ChoiceField(
        label="Do they drive?",
        choices=[(Drives.YES, "Yes, and they have a car"), (Drives.NO, "No")],
        widget=forms.RadioSelect,
        required=False,
    )
    travel_area = forms.CharField(label="Where they can travel to", max_length=200, required=False)
    adjustments = forms.CharField(
        label="Adjustments they need",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, a quiet space for reading, or part-time hours.",
    )

    def __init__(self, *args, round_: PreferenceRound, offers, own: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if own:  # the student answering for themself: the questions speak to them
            self.fields["drives"].label = "Do you drive?"
            drives = self.fields["drives"]
            assert isinstance(drives, forms.ChoiceField)
            drives.choices = [(Drives.YES, "Yes, and I have a car"), (Drives.NO, "No")]
            self.fields["travel_area"].label = "Where you can travel to"
            self.fields["adjustments"].label = "Adjustments you need"
        names = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]
        choices = {}
        for i in range(1, round_.max_choices + 1):
            choices[f"choice_{i}"] = OfferChoiceField(
                label=f"{names[i - 1].capitalize()} choice",
                queryset=offers,
                required=False,
                empty_label="No choice",
            )
        # The choices come first, in rank order.
        self.fields = {**choices, **self.fields}

    def ranked(self) -> list:
        return [v for k, v in self.cleaned_data.items() if k.startswith("choice_")]

    def clean(self):
        cleaned = super().clean()
        seen: dict[int, str] = {}
        for name, value in list(cleaned.items()):
            if name.startswith("choice_") and value is not None:
                if value.pk in seen:
                    self.add_error(name, "Choose a different offer: this one is already ranked higher")
                seen[value.pk] = name
        return cleaned

    def saved_value(self, obj, name: str):
        if name.startswith("choice_"):
            rank = int(name.split("_")[1])
            return next((c.offer for c in obj.choices.all() if c.rank == rank), None)
        return getattr(obj, name)


class PinForm(PortalForm):
    offer = OfferChoiceField(label="Offer", queryset=PlacementOffer.objects.none())
    kind = forms.ChoiceField(
        label="What to do",
        choices=[
            RadioChoice(PinKind.PIN, "Place them here", hint="The next proposal places them on this offer."),
            RadioChoice(
                PinKind.EXCLUDE, "Never place them here", hint="The next proposal will not use this offer for them."
            ),
        ],
        widget=forms.RadioSelect,
        initial=PinKind.PIN,
    )

    def __init__(self, *args, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = offers
