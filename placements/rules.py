"""Rules about what a placement record may say, as pure functions (no database), so the services,
the pages and the property-based tests (tests/placements/test_properties.py) share one version.

* `required_days(programme, stage)`: the practice days the programme requires at a stage (the
  programme's `first_placement_days` / `final_placement_days`, national defaults 70 and 100).
* `review_schedule(...)`: the QAMP review points (four weeks, midway, end) and the day each is due,
  always in order and never before the start; a placement that ended early keeps the dates it
  was planned with and drops the points after its last day, its end review falling on that day.
* `days_problems`, `status_problems`, `review_problems`: {field: message} for what cannot be true.
"""

from __future__ import annotations

import datetime as dt

from placements.models import PlacementStatus, ReviewPoint

# A review recorded up to this many days after its due date still counts as on time; a point
# with nothing recorded by then is overdue.
from placements.models.allocations import REVIEW_GRACE_DAYS
from portal.dates import long_date

FOUR_WEEKS = dt.timedelta(days=28)
ORDER = [ReviewPoint.FOUR_WEEKS, ReviewPoint.MIDWAY, ReviewPoint.END]


def required_days(programme, stage: str) -> int:
    """Days the programme requires for a first or final placement."""
    return programme.final_placement_days if stage == "final" else programme.first_placement_days


def review_schedule(
    starts_on: dt.date,
    ends_on: dt.date,
    *,
    planned_ends_on: dt.date | None = None,
    status: str = PlacementStatus.CONFIRMED,
    completed_days: int = 0,
) -> dict[str, dt.date]:
    """The review points due for a placement, in order (four weeks, midway, end).

    Four weeks: 28 days after the start (or the planned last day, if sooner). Midway: halfway
    between the start and the planned last day, and never before the four-week review. End: the
    planned last day. A placement that ended early keeps these dates (worked out from the planned
    last day, `planned_ends_on`), drops the points after its real last day and has its end review
    due on that day; one that ended before it started (no days done, last day = first day) has
    none. Proposed placements have none either: nothing is agreed yet."""
    if status == PlacementStatus.PROPOSED:
        return {}
    planned_end = max(planned_ends_on or ends_on, starts_on)
    four = min(starts_on + FOUR_WEEKS, planned_end)
    midway = max(starts_on + (planned_end - starts_on) / 2, four)
    schedule = {ReviewPoint.FOUR_WEEKS: four, ReviewPoint.MIDWAY: midway, ReviewPoint.END: planned_end}
    if status == PlacementStatus.ENDED_EARLY:
        if ends_on <= starts_on and not completed_days:
            return {}
        schedule = {point: due for point, due in schedule.items() if due < ends_on}
        schedule[ReviewPoint.END] = ends_on
    return {point: schedule[point] for point in ORDER if point in schedule}


def days_between(starts_on: dt.date, last_day: dt.date) -> int:
    """Calendar days from the start to `last_day`, both counted (0 when it is before the start)."""
    return max(0, (last_day - starts_on).days + 1)


def days_problems(*, stage: str, planned_days: int, required: int, reason: str) -> dict[str, str]:
    """Planned days must match the stage's requirement unless a reason is stated."""
    if planned_days != required and not reason.strip():
        stage_name = "final" if stage == "final" else "first"
        return {
            "planned_days": f"A {stage_name} placement on this programme is {required} days: enter {required}, "
            f"or say in the box below why this one is {planned_days} days"
        }
    return {}


def status_problems(
    *,
    status: str,
    starts_on: dt.date,
    ends_on: dt.date,
    completed_days: int,
    planned_days: int,
    required: int,
    reason: str,
    ended_on: dt.date | None,
    today: dt.date,
) -> dict[str, str]:
    """What the new status says about the dates and days, checked against them.

    In progress: it has started, and no more days are done than have passed since the start.
    Completed: its last day has come. Ended early: the last day is given, on or after the start,
    within the planned dates and not in the future; days done fit before it. Completed with
    fewer days than the stage requires: a reason is needed."""
    problems: dict[str, str] = {}
    if status == PlacementStatus.CONFIRMED and completed_days > days_between(starts_on, min(today, ends_on)):
        problems["completed_days"] = f"It starts on {_day(starts_on)}: no more days can be done than have passed"
    if status == PlacementStatus.IN_PROGRESS:
        if starts_on > today:
            problems["status"] = f"It starts on {_day(starts_on)}: it cannot be in progress before then"
        elif completed_days > days_between(starts_on, min(today, ends_on)):
            problems["completed_days"] = (
                f"Only {days_between(starts_on, min(today, ends_on))} days have passed since it started on "
                f"{_day(starts_on)}: days done cannot be more"
            )
    elif status == PlacementStatus.COMPLETED:
        if ends_on > today:
            problems["status"] = (
                f"Its last day is {_day(ends_on)}: it cannot be completed before then (if it stopped sooner, "
                "choose ended early)"
            )
        elif completed_days > days_between(starts_on, ends_on):
            problems["completed_days"] = "Days done cannot be more than the days between its start and end"
        elif completed_days < required and not reason.strip():
            problems["completed_days"] = (
                f"The stage requires {required} days: say in the box below why {completed_days} were enough"
            )
    elif status == PlacementStatus.ENDED_EARLY:
        if ended_on is None:
            problems["ended_on"] = "Enter the placement's last day"
        elif ended_on > today:
            problems["ended_on"] = "The last day cannot be in the future: record the ending on or after that day"
        elif ended_on < starts_on:
            problems["ended_on"] = f"The last day cannot be before the placement started on {_day(starts_on)}"
        elif ended_on > ends_on:
            problems["ended_on"] = f"The last day must be on or before its planned end, {_day(ends_on)}"
        elif completed_days > days_between(starts_on, ended_on):
            problems["completed_days"] = (
                f"Only {days_between(starts_on, ended_on)} days passed between the start and the last day"
            )
    return problems


def review_problems(
    *,
    point: str,
    completed_on: dt.date,
    starts_on: dt.date,
    ends_on: dt.date,
    schedule: dict[str, dt.date],
    others: list[tuple[str, dt.date]],
    today: dt.date,
) -> dict[str, str]:
    """A review is for a point on the placement's schedule, dated on or after the start, not in
    the future, a four-week or midway review within the placement's dates, and in order with the
    reviews already recorded (`others`: (point, date) of the other points' reviews)."""
    if point not in schedule:
        return {"point": "This placement has no such review point: it ended before this review was due"}
    if completed_on > today:
        return {"completed_on": "The date of the review cannot be in the future"}
    if completed_on < starts_on:
        return {"completed_on": f"The review cannot be dated before the placement started on {_day(starts_on)}"}
    if point != ReviewPoint.END and completed_on > ends_on:
        return {"completed_on": f"This review must be dated within the placement, on or before {_day(ends_on)}"}
    rank = ORDER.index(ReviewPoint(point))
    for other_point, other_on in others:
        other_rank = ORDER.index(ReviewPoint(other_point))
        if other_rank < rank and other_on > completed_on:
            return {
                "completed_on": f"The {ReviewPoint(other_point).label.lower()} review is dated {_day(other_on)}: "
                "this one comes after it, so it cannot be dated earlier"
            }
        if other_rank > rank and other_on < completed_on:
            return {
                "completed_on": f"The {ReviewPoint(other_point).label.lower()} review is dated {_day(other_on)}: "
                "this one comes before it, so it cannot be dated later"
            }
    return {}


def review_state(due_on: dt.date, recorded_on: dt.date | None, today: dt.date) -> str:
    """One review point's state: "on-time" (recorded within REVIEW_GRACE_DAYS of the due date),
    "late" (recorded after that), "overdue" (nothing recorded and the grace period is over),
    "awaiting" (due, nothing yet, still within the grace period) or "upcoming" (not due yet)."""
    grace_ends = due_on + dt.timedelta(days=REVIEW_GRACE_DAYS)
    if recorded_on is not None:
        return "on-time" if recorded_on <= grace_ends else "late"
    if due_on > today:
        return "upcoming"
    return "overdue" if today > grace_ends else "awaiting"


def _day(day: dt.date) -> str:
    return long_date(day)


# --- Pre-placement checks -------------------------------------------------------------------------

# A check that runs out within this many days is shown as expiring soon (and counted on the dashboard).
CHECK_EXPIRY_WARNING_DAYS = 30


class CheckState:
    DONE = "done"
    EXPIRES_SOON = "expires-soon"
    EXPIRED = "expired"
    MISSING = "missing"

    LABELS = {DONE: "Done", EXPIRES_SOON: "Expires soon", EXPIRED: "Expired", MISSING: "Missing"}
    # GOV.UK tag colours; the tag always carries the word too.
    COLOURS = {DONE: "green", EXPIRES_SOON: "yellow", EXPIRED: "red", MISSING: "grey"}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the last day of the month when it has no such day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover (28 exists in every month)


def check_expiry(done_on: dt.date, valid_for_months: int | None) -> dt.date | None:
    """When a check done on `done_on` runs out under its rule (None: it does not expire)."""
    return None if not valid_for_months else add_months(done_on, valid_for_months)


def check_valid_on(expires_on: dt.date | None, day: dt.date) -> bool:
    """A recorded check counts on `day` unless it has run out: the expiry date is the first day
    it no longer counts."""
    return expires_on is None or expires_on > day


def check_state(recorded: bool, expires_on: dt.date | None, today: dt.date) -> str:
    """One check's state for a student today: missing (not recorded), expired, expires soon
    (within CHECK_EXPIRY_WARNING_DAYS) or done."""
    if not recorded:
        return CheckState.MISSING
    if not check_valid_on(expires_on, today):
        return CheckState.EXPIRED
    if expires_on is not None and expires_on <= today + dt.timedelta(days=CHECK_EXPIRY_WARNING_DAYS):
        return CheckState.EXPIRES_SOON
    return CheckState.DONE
