"""CSV and Excel import of placement data.

An import is checked as a whole before anything is written: every bad row is reported with its
line number and reason, and the file is imported only when every row is good, inside one
transaction (an interruption leaves nothing half-written). Rows are matched on natural keys, so
importing the same file again updates records instead of duplicating them:

* offers: employer + academic year + team + stage;
* students: student reference (and a placement: student + offer);
* practice educators: email address.

Lookups are loaded once per import (not per row), so a 10,000-row file checks in seconds.

Where things are: `reading` (the file: type, header, rows, MAX_ROWS), `parsing` (a cell's text as a
date, number, choice or academic year), one module per kind (`offers`, `students`, `educators`:
columns, checking, writing, with named rows), `common` (what the kinds share) and `batch` (upload,
the all-or-nothing import, templates). Import from the module that holds a name.
"""
