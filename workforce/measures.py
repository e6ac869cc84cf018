"""The workforce measures, the publication's symbols and the services counted, in one place (no
database): the models, the forms, the import and the pages all read these lists.

A figure is a number or, instead, one of the DfE's symbols. A symbol is kept as what it is and
shown as such (a suppressed cell is not a zero)."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from django.db import models


class Symbol(models.TextChoices):
    SUPPRESSED = "c", "c (suppressed)"
    UNAVAILABLE = "x", "x (not available)"
    NOT_APPLICABLE = "z", "z (not applicable)"
    LOW = "low", "low (rounds to zero)"
    LOW_RELIABILITY = "u", "u (low reliability)"


SYMBOLS = {s.value for s in Symbol}


class Service(models.TextChoices):
    CHILDREN = "children", "Children's services"
    ADULTS = "adults", "Adults' services"
    OTHER = "other", "All social work (NHS, voluntary and other employers)"


class Measure(NamedTuple):
    name: str
    label: str
    whole: bool  # a count of people (headcount), not full-time equivalents
    dfe: bool  # a column of the DfE indicators file


MEASURES: list[Measure] = [
    Measure("inpost_fte", "Social workers in post (FTE)", False, True),
    Measure("inpost_headcount", "Social workers in post (headcount)", True, True),
    Measure("starters_fte", "Starters (FTE)", False, True),
    Measure("leavers_fte", "Leavers (FTE)", False, True),
    Measure("agency_fte", "Agency workers (FTE)", False, True),
    Measure("vacancy_fte", "Vacancies (FTE)", False, True),
    Measure("caseload_fte", "Average caseload per social worker", False, True),
    Measure("turnover_rate_fte", "Turnover rate (%)", False, True),
    Measure("agency_rate_fte", "Agency rate (%)", False, True),
    Measure("vacancy_rate_fte", "Vacancy rate (%)", False, True),
    Measure("absence_rate_fte", "Absence rate (%)", False, True),
    Measure("asye_headcount", "Newly qualified social workers in their ASYE (headcount)", True, False),
    Measure("stage_nq_fte", "Career stage: newly qualified (FTE)", False, False),
    Measure("stage_early_fte", "Career stage: early career (FTE)", False, False),
    Measure("stage_experienced_fte", "Career stage: experienced (FTE)", False, False),
    Measure("stage_senior_fte", "Career stage: senior (FTE)", False, False),
]
BY_NAME = {m.name: m for m in MEASURES}
DFE_MEASURES = [m for m in MEASURES if m.dfe]
# The measures people enter for an employer (rates are worked out from these, not typed).
ENTERED = [m for m in MEASURES if not m.name.endswith("_rate_fte")]
# Below this a count shown outside the employer is suppressed, as the DfE does.
SMALL_NUMBER = 5
MAX_VALUE = Decimal("100000")


class Shown(NamedTuple):
    """A figure as a page shows it: its text and whether it is a number."""

    text: str
    number: bool


def show(
    value: Decimal | float | None, symbol: str = "", *, whole: bool = False, suppress_small: bool = False
) -> Shown:
    """The text for a figure: the symbol when it carries one, "not recorded" when empty, "c" for a
    small count shown outside the employer, else the number (one decimal place for FTE)."""
    if symbol:
        return Shown(symbol, False)
    if value is None:
        return Shown("not recorded", False)
    if suppress_small and 0 < value < SMALL_NUMBER:
        return Shown("c", False)
    if whole:
        return Shown(f"{int(round(value)):,}", True)
    return Shown(f"{float(value):,.1f}", True)
