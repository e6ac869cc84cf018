"""What the calendars show: one definition, `events_for(user, start, end, filters)`, read by the
calendar page and the personal feed alike, so a feed never shows more than its owner sees.

Events come from placements (each placement's block, and its review points as
`placements.rules.review_schedule` works them out through `Placement.review_due_dates`) and from
any source another app registers with `register_event_source` (participants, for a student's or a
practice educator's own placements). A source is a function `(user, start, end, filters) ->
iterable of Event`; it must scope what it returns to what `user` may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse

from partnerships.access import can_see
from partnerships.models import Organisation, Partnership
from placements.models import Placement, ReviewPoint
from portal.paging import positive_int

BLOCK = "placement"
REVIEW = "review"
KINDS = {BLOCK: "Placement blocks", REVIEW: "Review dates"}
TEAM_MAX_CHARS = 200  # PlacementOffer.team


@dataclass(frozen=True)
class Filters:
    """The calendar's filters, from the page's query string or a feed's saved filters. Empty
    means no filter; `kinds` empty means every kind."""

    partnership_id: int | None = None
    team: str = ""
    employer_id: int | None = None
    university_id: int | None = None
    kinds: frozenset[str] = frozenset()

    @classmethod
    def from_data(cls, data, partnership_id: int | None = None) -> Filters:
        """From a QueryDict or a feed's saved dict; a bad value is ignored (no filter)."""

        def one(name: str) -> str:
            value = data.get(name, "")
            return str(value).replace("\x00", "").strip() if value is not None else ""

        kinds = data.getlist("kinds") if hasattr(data, "getlist") else data.get("kinds", [])
        return cls(
            partnership_id=partnership_id,
            team=one("team")[:TEAM_MAX_CHARS],
            employer_id=positive_int(one("employer")),
            university_id=positive_int(one("university")),
            kinds=frozenset(k for k in kinds if k in KINDS) if isinstance(kinds, list | tuple) else frozenset(),
        )

    def saved(self) -> dict:
        """The filters as a feed keeps them (the partnership is the feed's own column)."""
        data: dict = {}
        if self.team:
            data["team"] = self.team
        if self.employer_id:
            data["employer"] = self.employer_id
        if self.university_id:
            data["university"] = self.university_id
        if self.kinds:
            data["kinds"] = sorted(self.kinds)
        return data

    def shows(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


@dataclass(frozen=True)
class Event:
    """One thing on the calendar: a placement block (`starts_on`..`ends_on`, both days included)
    or a single day (a review due). `student` is the student's reference, or "" when the viewer
    may not see it; never a name."""

    uid: str
    kind: str
    title: str
    starts_on: dt.date
    ends_on: dt.date
    partnership_id: int
    partnership_name: str = ""
    student: str = ""
    team: str = ""
    employer: str = ""
    university: str = ""
    stage: str = ""
    status: str = ""
    url: str = ""
    details: tuple[str, ...] = field(default=())

    @property
    def single_day(self) -> bool:
        return self.starts_on == self.ends_on


EventSource = Callable[[object, dt.date, dt.date, Filters], Iterable[Event]]
_sources: list[EventSource] = []


def register_event_source(source: EventSource) -> EventSource:
    """Add events from another app (called from its registrations.py). Usable as a decorator."""
    if source not in _sources:
        _sources.append(source)
    return source


def event_sources() -> list[EventSource]:
    return [placement_events, *_sources]


def shows_student_references(user, partnership_id: int) -> bool:
    """The placements pages' rule: every member of the partnership (and a site administrator)
    sees the students' references on the placements list and pages; nobody sees more here."""
    return can_see(user, partnership_id)


def events_for(user, start: dt.date, end: dt.date, filters: Filters) -> list[Event]:
    """Every event the user may see that touches start..end (both days included), in date order."""
    events: list[Event] = []
    for source in event_sources():
        events.extend(source(user, start, end, filters))
    unique = list({e.uid: e for e in reversed(events)}.values())  # a source may repeat another's: keep the first
    return sorted(unique, key=lambda e: (e.starts_on, e.kind != BLOCK, e.ends_on, e.title, e.uid))


def _placements(user, start: dt.date, end: dt.date, filters: Filters):
    return within(Placement.objects.visible_to(user), start, end, filters)


def within(qs, start: dt.date, end: dt.date, filters: Filters):
    """`qs` (placements) narrowed to the filters and to those with a block or review in
    start..end, with what the events print loaded alongside."""
    if filters.partnership_id:
        qs = qs.filter(partnership_id=filters.partnership_id)
    if filters.team:
        qs = qs.filter(offer__team=filters.team)
    if filters.employer_id:
        qs = qs.filter(offer__employer_id=filters.employer_id)
    if filters.university_id:
        qs = qs.filter(student__university_id=filters.university_id)
    # Review points fall within start..planned last day, which is never before the real last day.
    qs = qs.filter(starts_on__lte=end).filter(Q(ends_on__gte=start) | Q(planned_ends_on__gte=start))
    return qs.select_related("student", "student__university", "offer", "offer__employer", "partnership").only(
        "starts_on",
        "ends_on",
        "planned_ends_on",
        "status",
        "stage",
        "completed_days",
        "partnership__name",
        "student__reference",
        "student__university__name",
        "offer__team",
        "offer__employer__name",
    )


REVIEW_TITLES = {
    ReviewPoint.FOUR_WEEKS: "Four-week review due",
    ReviewPoint.MIDWAY: "Midway review due",
    ReviewPoint.END: "End review due",
}


def placement_events(user, start: dt.date, end: dt.date, filters: Filters) -> list[Event]:
    """Placement blocks and their review dates, from the placements the user may see."""
    return events_of(
        _placements(user, start, end, filters),
        start,
        end,
        filters,
        lambda partnership_id: shows_student_references(user, partnership_id),
    )


def events_of(
    placements,
    start: dt.date,
    end: dt.date,
    filters: Filters,
    references: Callable[[int], bool],
    url_name: str = "placements:placement_detail",
):
    """The events of placements already narrowed by `within`: each block and review date in
    start..end. `references(partnership_id)` says whether the viewer may see students' references
    there (asked once per partnership); `url_name` is the page of a placement the viewer may open.
    Other apps' sources build their events with this too."""
    events: list[Event] = []
    shown: dict[int, bool] = {}
    for p in placements.order_by("starts_on", "id"):
        if p.partnership_id not in shown:
            shown[p.partnership_id] = references(p.partnership_id)
        student = p.student.reference if shown[p.partnership_id] else ""
        who = student or "A student"
        common = dict(
            partnership_id=p.partnership_id,
            partnership_name=p.partnership.name,
            student=student,
            team=p.offer.team,
            employer=p.offer.employer.name,
            university=p.student.university.name,
            stage=p.get_stage_display(),
            status=p.get_status_display(),
            url=reverse(url_name, args=[p.pk]),
        )
        if filters.shows(BLOCK) and p.starts_on <= end and p.ends_on >= start:
            events.append(
                Event(
                    uid=f"placement-{p.pk}",
                    kind=BLOCK,
                    title=f"{who}: {p.get_stage_display().lower()} at {p.offer.team}",
                    starts_on=p.starts_on,
                    ends_on=p.ends_on,
                    **common,
                )
            )
        if filters.shows(REVIEW):
            for point, due in p.review_due_dates().items():
                if start <= due <= end:
                    events.append(
                        Event(
                            uid=f"review-{p.pk}-{point}",
                            kind=REVIEW,
                            title=f"{REVIEW_TITLES[ReviewPoint(point)]}: {who} at {p.offer.team}",
                            starts_on=due,
                            ends_on=due,
                            **common,
                        )
                    )
    return events


def filter_choices(partnership: Partnership) -> dict[str, list[tuple[str, str]]]:
    """The filters' choices for one partnership's calendar, as (value, text) pairs of text."""
    from placements.models import PlacementOffer

    teams = (
        PlacementOffer.objects.filter(partnership=partnership, placements__isnull=False)
        .order_by("team")
        .values_list("team", flat=True)
        .distinct()
    )
    employers = (
        Organisation.objects.filter(placement_offers__partnership=partnership)
        .order_by("name", "id")
        .values_list("id", "name")
        .distinct()
    )
    universities = (
        Organisation.objects.filter(students__partnership=partnership)
        .order_by("name", "id")
        .values_list("id", "name")
        .distinct()
    )
    return {
        "teams": [(t, t) for t in teams],
        "employers": [(str(pk), name) for pk, name in employers],
        "universities": [(str(pk), name) for pk, name in universities],
    }


def filter_words(saved: dict, names: dict[int, str]) -> str:
    """A feed's saved filters in words; `names` maps organisation ids to names."""
    filters = Filters.from_data(saved)
    parts = []
    if filters.team:
        parts.append(f"team {filters.team}")
    if filters.employer_id:
        parts.append(f"employer {names.get(filters.employer_id, 'no longer recorded')}")
    if filters.university_id:
        parts.append(f"university {names.get(filters.university_id, 'no longer recorded')}")
    if filters.kinds and len(filters.kinds) < len(KINDS):
        parts.append("only " + " and ".join(KINDS[k].lower() for k in sorted(filters.kinds)))
    return ("; ".join(parts) + ".").capitalize() if parts else "None: every placement block and review date."
