"""When an employer's figures for a year are due, and whose they are to keep.

The rule (docs/workforce.md, "When figures are due"): a year's figures are due from 1 October
after the academic year ends (2025/26's from 1 October 2026), a month after the year's last
day, when the employers have their year-end numbers. They are missing while the employer's
service has no social workers in post (FTE) recorded for that year. The due year on a day is
the latest year whose due date has come.

The lead of a partnership is told of every employer's missing service; a coordinator who
represents an employer, of that employer's. One function, `figures_due`, finds them for the
dashboard's "Needs your attention" and the workforce page alike, in three queries however many
partnerships and employers there are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from partnerships.access import memberships
from partnerships.models import EMPLOYER_KINDS, Organisation, Partner, Partnership, Role
from portal import academic_years
from workforce.measures import Service
from workforce.models import WorkforceFigures
from workforce.services.figures import services_of

SHORT: dict[str, str] = {
    Service.CHILDREN: "children's services",
    Service.ADULTS: "adults' services",
    Service.OTHER: "all social work",
}


def due_date(year: str) -> dt.date:
    """The day a year's figures become due: 1 October after the year ends."""
    return dt.date(academic_years.first_year_of(year) + 1, 10, 1)


def due_year(today: dt.date) -> str:
    """The latest year whose figures are due on `today`."""
    first = academic_years.first_year_of(academic_years.label_of(today)) - 1
    if due_date(academic_years.label_for(first)) > today:
        first -= 1
    return academic_years.label_for(first)


@dataclass(frozen=True)
class Due:
    partnership: Partnership
    employer: Organisation
    service: str
    year: str
    due_on: dt.date

    @property
    def first_year(self) -> int:
        return academic_years.first_year_of(self.year)

    @property
    def title(self) -> str:
        return f"Figures for {self.year} are due for {self.employer.name} ({SHORT[self.service]})"


def figures_due(user, today: dt.date, partnership: Partnership | None = None) -> list[Due]:
    """The employer services whose figures for the due year are missing and that this person is
    asked to keep: every employer's in a partnership they lead, their own employer's where they
    are a coordinator representing it. `partnership` narrows it to one."""
    year = due_year(today)
    # Whose figures each partnership asks of this person: None for all its employers.
    asked: dict[int, int | None] = {}
    for m in memberships(user):
        if partnership is not None and m.partnership_id != partnership.pk:
            continue
        if m.role == Role.LEAD:
            asked[m.partnership_id] = None
        elif m.role == Role.COORDINATOR and m.organisation_id and m.partnership_id not in asked:
            asked[m.partnership_id] = m.organisation_id
    if not asked:
        return []
    scope = Q()
    for pk, employer_id in asked.items():
        scope |= Q(partnership_id=pk) if employer_id is None else Q(partnership_id=pk, organisation_id=employer_id)
    found = (
        Partner.objects.filter(scope, organisation__kind__in=EMPLOYER_KINDS)
        .filter(Q(joined_on__isnull=True) | Q(joined_on__lte=today), Q(left_on__isnull=True) | Q(left_on__gt=today))
        .select_related("partnership", "organisation")
        .order_by("partnership__name", "organisation__name")
    )
    partners = list(found)
    if not partners:
        return []
    recorded = set(
        WorkforceFigures.objects.filter(
            partnership_id__in=list(asked), year=year, inpost_fte__isnull=False
        ).values_list("partnership_id", "employer_id", "service")
    )
    due_on = due_date(year)
    return [
        Due(p.partnership, p.organisation, service, year, due_on)
        for p in partners
        for service in services_of(p.organisation)
        if (p.partnership_id, p.organisation_id, service) not in recorded
    ]
