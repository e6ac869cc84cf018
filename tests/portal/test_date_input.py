"""Every date is the GOV.UK date input: three boxes, the Design System's error messages for each way
a date can be wrong, what was typed kept, and no browser date picker anywhere."""

import datetime as dt

import pytest
from django import forms

from portal.date_input import GovUKDateField
from portal.forms import PortalForm, PortalModelForm, date_field


class _MeetingForm(PortalForm):
    held_on = date_field("Date of the meeting")
    ended_on = date_field("End date", required=False, help_text="Leave blank for today.")


def _errors(**data) -> dict:
    form = _MeetingForm(data=data)
    form.is_valid()
    return {name: list(errors) for name, errors in form.errors.items()}


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Enter date of the meeting"),
        ("", "3", "2027", "Date of the meeting must include a day"),
        ("27", "", "2027", "Date of the meeting must include a month"),
        ("27", "3", "", "Date of the meeting must include a year"),
        ("", "", "2027", "Date of the meeting must include a day and month"),
        ("31", "2", "2027", "Date of the meeting must be a real date"),
        ("27", "13", "2027", "Date of the meeting must be a real date"),
        ("x", "3", "2027", "Date of the meeting must be a real date"),
        ("27", "3", "27", "Year must include 4 numbers"),
        ("27", "3", "0027", "Enter date of the meeting as a date between 1900 and 2099"),
    ],
)
def test_each_way_a_date_can_be_wrong_has_its_own_message(day, month, year, message):
    assert _errors(held_on_0=day, held_on_1=month, held_on_2=year) == {"held_on": [message]}


def test_a_good_date_in_boxes_or_as_one_value_or_with_a_month_name():
    for data in (
        {"held_on_0": "27", "held_on_1": "3", "held_on_2": "2027"},
        {"held_on_0": " 27 ", "held_on_1": "March", "held_on_2": "2027"},
        {"held_on_0": "27", "held_on_1": "mar", "held_on_2": "2027"},
        {"held_on": "2027-03-27"},
        {"held_on": "27/03/2027"},
    ):
        form = _MeetingForm(data=data)
        assert form.is_valid(), (data, form.errors)
        assert form.cleaned_data["held_on"] == dt.date(2027, 3, 27)
        assert form.cleaned_data["ended_on"] is None


def test_a_single_value_that_is_not_a_date_is_refused_and_kept():
    form = _MeetingForm(data={"held_on": "next Tuesday"})
    assert not form.is_valid()
    assert form.errors["held_on"] == ["Date of the meeting must be a real date"]
    assert 'value="next Tuesday"' in str(form["held_on"])


def test_the_boxes_render_as_a_fieldset_with_day_month_year_and_keep_what_was_typed():
    form = _MeetingForm(data={"held_on_0": "31", "held_on_1": "2", "held_on_2": "2027"})
    form.is_valid()
    from crispy_forms.utils import render_crispy_form  # type: ignore[import-untyped]  # crispy-forms ships no types

    html = render_crispy_form(form)
    assert '<legend class="govuk-fieldset__legend' in html and "Date of the meeting" in html
    for label in ("Day", "Month", "Year"):
        assert f">{label}</label>" in html
    assert 'name="held_on_0"' in html and 'value="31"' in html and 'value="2027"' in html
    assert "For example, 27 3 2027" in html
    assert "Leave blank for today. For example, 27 3 2027" in html
    assert 'type="date"' not in html
    assert "Date of the meeting must be a real date" in html


def test_a_model_form_s_date_fields_become_date_inputs():
    from partnerships.models import Meeting

    class _Form(PortalModelForm):
        class Meta:
            model = Meeting
            fields = ["held_on"]

    field = _Form().fields["held_on"]
    assert isinstance(field, GovUKDateField) and not isinstance(field, forms.DateField)
    assert field.required


def test_an_existing_date_fills_the_three_boxes():
    form = _MeetingForm(initial={"held_on": dt.date(2027, 3, 7)})
    html = str(form["held_on"])
    assert 'value="7"' in html and 'value="3"' in html and 'value="2027"' in html
