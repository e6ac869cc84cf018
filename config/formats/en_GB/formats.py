# Dates the GOV.UK way wherever a template prints one without saying how ("1 January 2027", not
# Django's en-gb "1 Jan 2027"); templates that name a format use the same ones (docs/conventions.md).
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATE_FORMAT = "j F Y"
SHORT_DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
