"""Dates the portal accepts anywhere (forms, imports, academic years), how it reads typed ones
and how it writes one in words.

Nothing the portal records happened before 1900 or is planned after 2099: a date outside is a
slip of the keyboard (0026 for 2026), and far dates break date arithmetic (a review due a year
after 31 December 9999 does not exist). Kept apart from portal.forms so that models can use it.
"""

import datetime as dt

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2099, 12, 31)

# Dates are typed or picked in the browser's date field (sent as 2026-09-14); the other formats
# are what people type when the browser shows a plain text box, or save in a spreadsheet.
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]


def parse(text: str) -> dt.date | None:
    """The date `text` names in one of DATE_FORMATS, or None (range not checked: see `in_range`)."""
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def in_range(day: dt.date) -> bool:
    return EARLIEST_DATE <= day <= LATEST_DATE


def long_date(day: dt.date) -> str:
    """22 November 2026 (the portal's `j F Y`), for messages written in Python."""
    return f"{day.day} {day:%B %Y}"
