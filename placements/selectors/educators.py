"""Practice educator currency (DOMAIN.md) in SQL, for lists and counts of the register."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from placements.models import (
    LAPSING_WINDOW_DAYS,
)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return dt.date(day.year - years, 2, 28)


def currency_q(today: dt.date) -> dict[str, Q]:
    """Q objects matching PracticeEducator.currency() in SQL (on annotated student_since and
    cpd_since), so the register filters and counts without loading every educator."""
    lapsed = Q(student_since__lte=_years_before(today, 2)) | Q(cpd_since__lte=_years_before(today, 1))
    soon = today + dt.timedelta(days=LAPSING_WINDOW_DAYS)
    lapsing_or_lapsed = Q(student_since__lte=_years_before(soon, 2)) | Q(cpd_since__lte=_years_before(soon, 1))
    return {"lapsed": lapsed, "lapsing": lapsing_or_lapsed & ~lapsed, "current": ~lapsing_or_lapsed}


def with_currency_dates(qs):
    return qs.annotate(
        student_since=Coalesce("last_student_on", "qualified_on"), cpd_since=Coalesce("last_cpd_on", "qualified_on")
    )


def educator_counts(qs, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    qs = with_currency_dates(qs)
    return qs.aggregate(total=Count("id"), **{name: Count("id", filter=q) for name, q in currency_q(today).items()})
