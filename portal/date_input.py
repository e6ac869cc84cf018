"""The GOV.UK date input: day, month and year in three boxes, with the Design System's error
messages for each way a date can be wrong.

Every date field in every form is one of these: `portal.forms.date_field` makes one, and
GOVUKFormMixin swaps any other DateField (a model form's, say) for one with the same label, so no
form falls back to the browser's own date picker. The widget also takes a single value posted
under the field's own name (2026-09-14 or 14/09/2026): scripts and saved links keep working, and
what was typed is kept either way.
"""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.widgets import DateInputWidget
from django import forms
from django.core.exceptions import ValidationError

from portal.dates import parse

HINT = "For example, 27 3 2027"

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


class _Unreadable(list):
    """A single posted value that is not a date: kept as typed, reported as not a real date."""


class GovUKDateWidget(DateInputWidget):
    def value_from_datadict(self, data, files, name):
        parts = super().value_from_datadict(data, files, name)
        if any(parts) or not data.get(name):
            return parts
        single = str(data.get(name)).strip()
        day = parse(single)
        if day is None:
            return _Unreadable([single, "", ""])
        return [str(day.day), str(day.month), str(day.year)]

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)


class GovUKDateField(forms.MultiValueField):
    """A date from three boxes. Messages follow the Design System: "Enter <label>", "<Label> must
    include a month", "<Label> must be a real date", "Year must include 4 numbers"."""

    widget = GovUKDateWidget

    def __init__(self, *, label: str, required: bool = True, help_text: str = "", **kwargs):
        parts = (forms.CharField(required=False), forms.CharField(required=False), forms.CharField(required=False))
        super().__init__(
            fields=parts,
            require_all_fields=False,
            required=required,
            label=label,
            # The Design System's hint shows how to type a date; a field's own words come first.
            help_text=help_text if "For example" in help_text else f"{help_text} {HINT}".strip(),
            **kwargs,
        )

    def compress(self, data_list):  # clean() below does the work; MultiValueField requires it
        return None

    def _name(self) -> str:
        text = str(self.label or "Date")
        return text[:1].upper() + text[1:]

    def clean(self, value):
        if isinstance(value, _Unreadable):
            raise ValidationError(f"{self._name()} must be a real date", code="invalid")
        day, month, year = (str(v or "").strip() for v in (list(value or []) + ["", "", ""])[:3])
        if not (day or month or year):
            if self.required:
                raise ValidationError(f"Enter {str(self.label).lower()}", code="required")
            return None
        missing = [part for part, text in (("day", day), ("month", month), ("year", year)) if not text]
        if missing:
            raise ValidationError(f"{self._name()} must include a {' and '.join(missing)}", code="incomplete")
        month_number = _MONTHS.get(month.lower().rstrip("."), None) if not month.isdigit() else int(month)
        if not (day.isdigit() and year.isdigit()) or month_number is None:
            raise ValidationError(f"{self._name()} must be a real date", code="invalid")
        if len(year) != 4:
            raise ValidationError("Year must include 4 numbers", code="invalid")
        try:
            result = dt.date(int(year), month_number, int(day))
        except ValueError:
            raise ValidationError(f"{self._name()} must be a real date", code="invalid") from None
        self.run_validators(result)
        return result

    def has_changed(self, initial, data):
        try:
            return self.clean(data) != initial
        except ValidationError:
            return True


def as_date_input(field: forms.DateField) -> GovUKDateField:
    """The same field (label, whether it is required, hint, initial value) as a GOV.UK date input."""
    return GovUKDateField(
        label=str(field.label or ""),
        required=field.required,
        help_text=str(field.help_text or ""),
        initial=field.initial,
        disabled=field.disabled,
        validators=[v for v in field.validators],
    )
