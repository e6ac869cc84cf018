"""The range of dates the portal accepts anywhere (forms, imports, academic years).

Nothing the portal records happened before 1900 or is planned after 2099: a date outside is a
slip of the keyboard (0026 for 2026), and far dates break date arithmetic (a review due a year
after 31 December 9999 does not exist). Kept apart from portal.forms so that models can use it.
"""

import datetime as dt

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2099, 12, 31)
