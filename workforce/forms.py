"""The workforce forms: an employer's figures for a year, the forecast's parameters, a scenario's
name, the import upload and the sharing choice."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import cast

from django import forms

from portal.forms import PortalForm, RevisionMixin
from workforce.forecast import MAX_YEARS, Parameters
from workforce.measures import ENTERED, MAX_VALUE, SYMBOLS


class FiguresForm(RevisionMixin, PortalForm):
    """One text box per measure: a number, or one of the DfE's symbols in its place."""

    def __init__(self, *args, figures=None, **kwargs):
        super().__init__(*args, **kwargs)
        for m in ENTERED:
            self.fields[m.name] = forms.CharField(
                label=m.label,
                required=False,
                max_length=12,
                help_text="A number, or a symbol: c (suppressed), x (not available), z (not applicable), low, u",
                widget=forms.TextInput(attrs={"class": "govuk-input--width-5", "spellcheck": "false"}),
            )
            if figures is not None and not self.is_bound:
                symbol = figures.symbol(m.name)
                value = figures.value(m.name)
                self.initial[m.name] = symbol or ("" if value is None else str(value))
        if figures is not None and not self.is_bound:
            self.initial["revision"] = figures.revision if figures.pk else 0

    def clean(self):
        data = super().clean()
        out = {"revision": data.get("revision")}
        for m in ENTERED:
            text = (data.get(m.name) or "").strip()
            if text.lower() in SYMBOLS:
                out[m.name], out[f"{m.name}_symbol"] = None, text.lower()
                continue
            out[f"{m.name}_symbol"] = ""
            if not text:
                out[m.name] = None
                continue
            try:
                number = Decimal(text.replace(",", ""))
            except InvalidOperation:
                self.add_error(m.name, f"Enter a number, or one of c, x, z, low, u, for {m.label.lower()}")
                continue
            if not number.is_finite() or not 0 <= number <= MAX_VALUE:
                self.add_error(m.name, f"{m.label} must be between 0 and {MAX_VALUE:,}")
                continue
            if m.whole and number != number.to_integral_value():
                self.add_error(m.name, f"{m.label} must be a whole number")
                continue
            out[m.name] = number.quantize(Decimal(1) if m.whole else Decimal("0.1"))
        return out

    def saved_value(self, obj, name):
        if name in {m.name for m in ENTERED}:
            return obj.symbol(name) or ("" if obj.value(name) is None else str(obj.value(name)))
        return None


def _percent(label: str, hint: str, required: bool = True, minimum: float = 0, maximum: float = 100):
    return forms.DecimalField(
        label=label,
        help_text=hint,
        required=required,
        min_value=Decimal(str(minimum)),
        max_value=Decimal(str(maximum)),
        decimal_places=1,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4", "step": "0.1"}),
    )


PERCENT_FIELDS = {
    "turnover_rate": "turnover_rate",
    "experienced_hire_rate": "experienced_hire_rate",
    "agency_conversion_rate": "agency_conversion_rate",
    "local_retention": "local_retention",
    "demand_growth": "demand_growth",
    "completion_rate": "completion_rate",
}


class ParametersForm(PortalForm):
    """The forecast's assumptions, as percentages people read (a GET form: the page recalculates)."""

    years = forms.IntegerField(label="Years to forecast", min_value=1, max_value=MAX_YEARS, initial=5)
    basis_years = forms.TypedChoiceField(
        label="Basis",
        coerce=int,
        choices=[
            (1, "The latest year"),
            (2, "Mean of the last 2 years"),
            (3, "Mean of the last 3 years"),
            (4, "Mean of the last 4 years"),
        ],
        initial=1,
    )
    demand_growth = _percent(
        "Demand growth a year (%)", "How much the funded establishment grows each year", minimum=-50
    )
    turnover_rate = _percent(
        "Turnover (%)", "Leavers as a share of those in post. Leave empty to use each employer's own", required=False
    )
    experienced_hire_rate = _percent(
        "Experienced hires (%)",
        "Experienced joiners as a share of those in post. Leave empty to use each employer's own",
        required=False,
    )
    agency_conversion_rate = _percent("Agency workers converting to permanent posts each year (%)", "")
    local_retention = _percent(
        "Local retention of newly qualified social workers (%)",
        "Share of the partnership's graduates who take a job with its employers",
    )
    intake_multiplier = forms.DecimalField(
        label="Intake of newly qualified social workers (times the basis)",
        help_text="1 is as many as in the basis; 1.2 is a fifth more",
        min_value=Decimal(0),
        max_value=Decimal(10),
        decimal_places=2,
        initial=Decimal(1),
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-4", "step": "0.05"}),
    )
    completion_rate = _percent("Students in their final placement who qualify (%)", "", minimum=1)
    agency_premium = forms.DecimalField(
        label="Agency premium per FTE a year (£)",
        help_text="What an agency social worker costs above a permanent one",
        min_value=Decimal(0),
        max_value=Decimal(1_000_000),
        decimal_places=0,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )

    @staticmethod
    def initial_for(params: Parameters) -> dict:
        data = params.as_dict()
        for name in PERCENT_FIELDS:
            if data[name] is not None:
                data[name] = round(Decimal(str(data[name])) * 100, 1)
        return data

    def parameters(self) -> Parameters:
        data = dict(self.cleaned_data)
        for name in PERCENT_FIELDS:
            if data.get(name) is not None:
                data[name] = float(data[name]) / 100
        data["intake_multiplier"] = float(data["intake_multiplier"])
        data["agency_premium"] = float(data["agency_premium"])
        return Parameters.from_dict(data)


class ScenarioForm(PortalForm):
    name = forms.CharField(label="Scenario name", max_length=100, help_text="For example: Retention up to 70%")


class ImportForm(PortalForm):
    file = forms.FileField(label="DfE workforce indicators file (CSV or .xlsx)")


class SharingForm(RevisionMixin, PortalForm):
    only_in_totals = forms.TypedChoiceField(
        label="How the partnership sees this employer's figures",
        coerce=lambda v: v == "yes",
        choices=[
            ("no", "Shown to the partnership (small numbers suppressed)"),
            ("yes", "Only inside the partnership's totals"),
        ],
        widget=forms.RadioSelect,
    )


class FiguresImportForm(PortalForm):
    file = forms.FileField(label="Workforce figures template, filled in (.xlsx or CSV)")


class StaffListForm(PortalForm):
    """Which employer's service and year a staff list is for, and the file."""

    employer_service = forms.ChoiceField(label="Employer and service")
    year = forms.ChoiceField(
        label="Year", help_text="People are counted at 30 September at the start of the year, as the DfE does"
    )
    file = forms.FileField(label="Pseudonymised staff list (.xlsx or CSV)")

    def __init__(self, *args, choices: list[tuple[str, str]], years: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["employer_service"]).choices = choices
        cast(forms.ChoiceField, self.fields["year"]).choices = [(y, y) for y in years]


class ConfirmNeedForm(PortalForm):
    """Use the forecast's final placements for a year as the sufficiency page's "needed"."""

    year = forms.CharField(widget=forms.HiddenInput, max_length=7)
    final = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=100_000)
    programme = forms.TypedChoiceField(
        label="Programme whose final placements it sets",
        help_text="The other programmes' final placements for the year stay as they are; this one's become the rest",
        coerce=int,
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, prefix="need", **kwargs)
        cast(forms.ChoiceField, self.fields["programme"]).choices = [
            (p.pk, f"{p.name} ({p.university.name})") for p in programmes
        ]

    def clean(self):
        data = super().clean()
        if self._errors.pop("year", None) or self._errors.pop("final", None):
            raise forms.ValidationError("The forecast's figure was not sent as shown: reload the page and try again")
        return data
