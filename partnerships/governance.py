"""Governance that tracks itself: when a group's next meeting is due (and when one was missed), and
how an outcome's measured values compare with its target. Pure functions, each rule stated in
words beside it, so the pages, the dashboard and docs/partnerships.md say the same."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from partnerships.models import MeetingFrequency
from portal.dates import long_date

# --- Meetings -------------------------------------------------------------------------------------

# The longest a group goes between meetings at its frequency, in days.
MEETING_INTERVAL_DAYS: dict[str, int] = {
    MeetingFrequency.WEEKLY: 7,
    MeetingFrequency.MONTHLY: 31,
    MeetingFrequency.BIMONTHLY: 62,
    MeetingFrequency.QUARTERLY: 92,
    MeetingFrequency.TWICE_YEARLY: 183,
    MeetingFrequency.ANNUALLY: 366,
}
GRACE_DAYS = 14

_INTERVALS = ", ".join(f"{MeetingFrequency(k).label.lower()} {v} days" for k, v in MEETING_INTERVAL_DAYS.items())
MEETING_RULE_IN_WORDS = (
    f"A meeting is missed when a group has not met within its frequency ({_INTERVALS}) and {GRACE_DAYS} "
    "days' grace since its last recorded meeting. Groups that meet as needed, and groups with no meeting "
    "recorded yet, are never flagged."
)


class MeetingState:
    MISSED = "missed"
    ON_TRACK = "on_track"
    NONE = ""  # meets as needed, or nothing recorded to count from


@dataclass(frozen=True)
class MeetingDue:
    state: str
    due_by: dt.date | None  # the last day a meeting counts as on time
    last_held_on: dt.date | None

    @property
    def label(self) -> str:
        if self.state == MeetingState.MISSED:
            return "Meeting missed"
        if self.state == MeetingState.ON_TRACK:
            return "On track"
        return "Not tracked"

    @property
    def in_words(self) -> str:
        if self.last_held_on is None:
            return "No meeting recorded yet"
        if self.due_by is None:
            return "Meets as needed"
        if self.state == MeetingState.MISSED:
            return f"Missed: the next meeting was due by {long_date(self.due_by)}"
        return f"Next meeting due by {long_date(self.due_by)}"


def meeting_due(frequency: str, last_held_on: dt.date | None, today: dt.date) -> MeetingDue:
    """Whether the group's next meeting is overdue (MEETING_RULE_IN_WORDS)."""
    interval = MEETING_INTERVAL_DAYS.get(frequency)
    if last_held_on is None or interval is None:
        return MeetingDue(MeetingState.NONE, None, last_held_on)
    due_by = last_held_on + dt.timedelta(days=interval + GRACE_DAYS)
    return MeetingDue(MeetingState.MISSED if today > due_by else MeetingState.ON_TRACK, due_by, last_held_on)


# --- Outcomes measured over time ---------------------------------------------------------------------

PROGRESS_RULE_IN_WORDS = [
    "Green, on target: the latest measured value has reached the target figure.",
    "Amber, improving: not on target yet, but the latest value is better than the first one measured.",
    "Red, not improving: not on target, and the latest value is no better than the first.",
    "Not rated: no target figure, no value measured yet, or a single value short of the target (too early to tell).",
    "Better means higher, or lower for an outcome where lower is better.",
]


@dataclass(frozen=True)
class Progress:
    rating: str  # "red" | "amber" | "green" | "" (the RAG values used across the portal)
    label: str

    @property
    def in_words(self) -> str:
        return {"green": "Green", "amber": "Amber", "red": "Red"}.get(self.rating, "Not rated") + f": {self.label}"


def progress(values: Sequence[float], *, target: float | None, higher_is_better: bool) -> Progress:
    """The rating of progress towards the target (PROGRESS_RULE_IN_WORDS); `values` oldest first."""
    if target is None:
        return Progress("", "no target figure")
    if not values:
        return Progress("", "not measured yet")

    def better(a: float, b: float) -> bool:
        return a > b if higher_is_better else a < b

    latest = values[-1]
    if latest == target or better(latest, target):
        return Progress("green", "on target")
    if len(values) == 1:
        return Progress("", "too early to tell")
    if better(latest, values[0]):
        return Progress("amber", "improving")
    return Progress("red", "not improving")


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    value: float
    on: dt.date


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    points: list[ChartPoint]
    target_y: float | None

    @property
    def path(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)


def chart(
    measured: Sequence[tuple[dt.date, float]], target: float | None, width: int = 320, height: int = 120
) -> Chart:
    """Points for a small SVG line of values over time (oldest left), with the target as a line."""
    pad = 10
    if not measured:
        return Chart(width, height, [], None)
    values = [v for _, v in measured] + ([target] if target is not None else [])
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    first, last = measured[0][0], measured[-1][0]
    days = (last - first).days or 1

    def y(v: float) -> float:
        return round(height - pad - (v - low) * (height - 2 * pad) / span, 1)

    points = [
        ChartPoint(
            round(width / 2 if len(measured) == 1 else pad + (on - first).days * (width - 2 * pad) / days, 1),
            y(v),
            v,
            on,
        )
        for on, v in measured
    ]
    return Chart(width, height, points, y(target) if target is not None else None)
