"""The academic year a page shows: the current one, one named in the query string, the next."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from placements.models import (
    AcademicYear,
)


def current_year(today: dt.date | None = None) -> AcademicYear | None:
    """The year containing today, else the latest that has started, else the earliest."""
    today = today or timezone.localdate()
    return (
        AcademicYear.objects.current(today)
        or AcademicYear.objects.filter(starts_on__lte=today).order_by("-starts_on").first()
        or AcademicYear.objects.order_by("starts_on").first()
    )


def current_year_from(years: list[AcademicYear], today: dt.date | None = None) -> AcademicYear | None:
    """current_year() over an already loaded list of years (no query)."""
    today = today or timezone.localdate()
    containing = [y for y in years if y.starts_on <= today <= y.ends_on]
    started = [y for y in years if y.starts_on <= today]
    if containing:
        return max(containing, key=lambda y: y.starts_on)
    if started:
        return max(started, key=lambda y: y.starts_on)
    return min(years, key=lambda y: y.starts_on) if years else None


def resolve_year(label: str | None) -> AcademicYear | None:
    if label:
        return AcademicYear.objects.filter(label=label).first()
    return current_year()


def next_year_after(year: AcademicYear, years: list[AcademicYear] | None = None) -> AcademicYear | None:
    candidates = years if years is not None else AcademicYear.objects.filter(starts_on__gt=year.starts_on)
    later = [y for y in candidates if y.starts_on > year.starts_on]
    return min(later, key=lambda y: y.starts_on) if later else None
