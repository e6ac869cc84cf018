"""Spreadsheet cells: text a spreadsheet would run as a formula is neutralised, numbers stay numbers."""

import datetime as dt

import pytest

from portal.downloads import cell_text


@pytest.mark.parametrize("text", ["=1+1", "+44 20 7946 0000", "-1+cmd|' /C calc'!A0", "@SUM(A1)", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(text):
    assert cell_text(text) == "'" + text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Plain text", "Plain text"),
        (3, "3"),
        ("-12", "-12"),
        ("-1.5", "-1.5"),
        (None, ""),
        (dt.date(2026, 11, 23), "2026-11-23"),
    ],
)
def test_plain_values_are_written_as_they_are(value, expected):
    assert cell_text(value) == expected
