"""Property-based tests (hypothesis) of the placement record and its figures.

The pure rules (placements.rules) are tested on any dates; then whole placement histories are
generated (offers, students, placements proposed, confirmed, in progress, completed and ended
early, reviews, early endings, some of them impossible) and played through the services, which
must refuse what cannot be true and leave records and figures that hold the invariants: never a
negative "still to fill", never more filled than offered or placed, review points in order and
never before the start."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from partnerships.models import Role
from placements.models import (
    FILLED,
    HOLDS_PLACE,
    Placement,
    PlacementOffer,
    PlacementStatus,
    QualityReview,
)
from placements.rules import days_between, review_schedule, review_state, status_problems
from placements.selectors.figures import review_figures, review_lines
from placements.selectors.sufficiency import sufficiency
from placements.services.allocations import allocate, change_status, record_review
from portal.exceptions import InvalidTransition
from tests import factories as f
from tests.placements.factories import (
    AcademicYearFactory,
    DemandFactory,
    OfferFactory,
    ProgrammeFactory,
    StudentFactory,
)

EXAMPLES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
POINTS = ["four-weeks", "midway", "end"]
NEXT = {"proposed": "confirmed", "confirmed": "in-progress", "in-progress": "completed"}
STATUSES = [s.value for s in PlacementStatus]

days = st.integers(min_value=-400, max_value=400)
some_day = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2028, 12, 31))


# --- The rules on their own -----------------------------------------------------------------------


@EXAMPLES
@given(
    start=some_day,
    length=st.integers(min_value=0, max_value=300),
    cut=st.integers(min_value=0, max_value=300),
    status=st.sampled_from(STATUSES),
    done=st.integers(min_value=0, max_value=200),
)
def test_review_points_are_in_order_and_never_before_the_start(start, length, cut, status, done):
    planned_end = start + dt.timedelta(days=length)
    ended_early = status == PlacementStatus.ENDED_EARLY
    last_day = min(start + dt.timedelta(days=cut), planned_end) if ended_early else planned_end
    schedule = review_schedule(
        start, last_day, planned_ends_on=planned_end if ended_early else None, status=status, completed_days=done
    )
    dates = list(schedule.values())
    assert dates == sorted(dates)
    assert all(start <= d <= last_day for d in dates)
    assert list(schedule) == [p for p in POINTS if p in schedule]
    if status == PlacementStatus.PROPOSED:
        assert schedule == {}
    elif schedule:
        assert schedule["end"] == last_day
    if schedule.get("midway") and schedule.get("four-weeks"):
        assert schedule["midway"] >= schedule["four-weeks"]


@EXAMPLES
@given(due=some_day, recorded=st.one_of(st.none(), some_day), today=some_day)
def test_a_review_point_is_in_exactly_one_state(due, recorded, today):
    state = review_state(due, recorded, today)
    assert state in {"on-time", "late", "overdue", "awaiting", "upcoming"}
    if state == "overdue":
        assert recorded is None and today > due + dt.timedelta(days=7)
    if state == "upcoming":
        assert recorded is None and due > today


@EXAMPLES
@given(
    start=some_day,
    length=st.integers(min_value=0, max_value=300),
    status=st.sampled_from(STATUSES),
    done=st.integers(min_value=0, max_value=300),
    ended_offset=st.one_of(st.none(), days),
    today=some_day,
)
def test_a_status_the_rules_accept_fits_its_dates(start, length, status, done, ended_offset, today):
    end = start + dt.timedelta(days=length)
    ended_on = None if ended_offset is None else start + dt.timedelta(days=ended_offset)
    problems = status_problems(
        status=status,
        starts_on=start,
        ends_on=end,
        completed_days=done,
        planned_days=100,
        required=100,
        reason="",
        ended_on=ended_on,
        today=today,
    )
    if problems:
        return
    if status == PlacementStatus.IN_PROGRESS:
        assert start <= today and done <= days_between(start, min(today, end))
    if status == PlacementStatus.COMPLETED:
        assert end <= today and done >= 100
    if status == PlacementStatus.ENDED_EARLY:
        assert ended_on is not None and start <= ended_on <= min(today, end)
        assert done <= days_between(start, ended_on)


# --- Whole histories through the services ----------------------------------------------------------

allocation = st.fixed_dictionaries(
    {
        "op": st.just("allocate"),
        "student": st.integers(min_value=0, max_value=5),
        "offer": st.integers(min_value=0, max_value=2),
        "stage": st.sampled_from(["the offer's", "the offer's", "first", "final"]),
        "start": st.integers(min_value=-250, max_value=60),
        "length": st.integers(min_value=0, max_value=200),
        "planned_days": st.sampled_from(["required", "required", "required", 20, 120]),
        "reason": st.sampled_from(["", "Days carried over from an earlier placement"]),
        "status": st.sampled_from(["proposed", "confirmed"]),
    }
)
status_change = st.fixed_dictionaries(
    {
        "op": st.just("status"),
        "placement": st.integers(min_value=0, max_value=5),
        "status": st.sampled_from(["next", "next", "next", *STATUSES[1:]]),
        "completed_days": st.one_of(st.none(), st.none(), st.integers(min_value=0, max_value=130)),
        "ended": st.one_of(st.none(), st.integers(min_value=-10, max_value=150)),
        "end_reason": st.sampled_from(["", "student-health", "student-health"]),
        "reason": st.sampled_from(["", "Agreed with the university"]),
    }
)
review = st.fixed_dictionaries(
    {
        "op": st.just("review"),
        "placement": st.integers(min_value=0, max_value=5),
        "point": st.sampled_from(POINTS),
        "role": st.sampled_from(["student", "educator"]),
        "on": st.integers(min_value=-10, max_value=220),
    }
)
histories = st.fixed_dictionaries(
    {
        "places": st.lists(st.integers(min_value=1, max_value=3), min_size=3, max_size=3),
        "statutory": st.lists(st.booleans(), min_size=3, max_size=3),
        "demand": st.tuples(st.integers(min_value=0, max_value=6), st.integers(min_value=0, max_value=6)),
        "steps": st.lists(st.one_of(allocation, status_change, status_change, review), min_size=3, max_size=16),
    }
)


def _world():
    partnership = f.PartnershipFactory()
    employer, university = f.OrganisationFactory(), f.UniversityFactory()
    for org in (employer, university):
        f.PartnerFactory(partnership=partnership, organisation=org)
    lead = f.UserFactory()
    f.MembershipFactory(user=lead, partnership=partnership, role=Role.LEAD)
    year = AcademicYearFactory(label="2026/27")
    programme = ProgrammeFactory(partnership=partnership, university=university)
    return partnership, employer, lead, year, programme


def _play(history) -> None:
    today = timezone.localdate()
    partnership, employer, lead, year, programme = _world()
    DemandFactory(
        programme=programme,
        academic_year=year,
        first_placements=history["demand"][0],
        final_placements=history["demand"][1],
    )
    offers = [
        OfferFactory(
            partnership=partnership,
            employer=employer,
            academic_year=year,
            stage=["first", "final", "either"][i],
            places=places,
            statutory=history["statutory"][i],
        )
        for i, places in enumerate(history["places"])
    ]
    students = [StudentFactory(partnership=partnership, programme=programme, final_year=year) for _ in range(6)]
    for step in history["steps"]:
        placements = list(Placement.objects.filter(partnership=partnership).order_by("id"))
        before = _snapshot(partnership)
        if step["op"] != "allocate" and not placements:
            continue
        try:
            with transaction.atomic():
                _step(step, lead, students, offers, placements, today)
        except (ValidationError, InvalidTransition):
            event(f"{step['op']} refused")
            assert _snapshot(partnership) == before, "a refused change leaves everything as it was"
        else:
            event(f"{step['op']} {step.get('status', '')} accepted")
            if step["op"] == "status":
                changed = Placement.objects.filter(partnership=partnership).order_by("-revision").first()
                event(f"now {changed.status if changed else 'nothing'}")
        _assert_invariants(partnership, year, today)


def _step(step, lead, students, offers, placements, today) -> None:
    if step["op"] == "allocate":
        start = today + dt.timedelta(days=step["start"])
        offer = offers[step["offer"]]
        stage = step["stage"] if step["stage"] != "the offer's" else ("first" if offer.stage == "first" else "final")
        allocate(
            lead,
            students[step["student"]],
            offer=offer,
            stage=stage,
            starts_on=start,
            ends_on=start + dt.timedelta(days=step["length"]),
            planned_days=(70 if stage == "first" else 100)
            if step["planned_days"] == "required"
            else step["planned_days"],
            status=step["status"],
            days_reason=step["reason"],
        )
    elif step["op"] == "status":
        placement = placements[step["placement"] % len(placements)]
        change_status(
            lead,
            placement,
            status=NEXT.get(placement.status, placement.status) if step["status"] == "next" else step["status"],
            completed_days=step["completed_days"],
            end_reason=step["end_reason"],
            ended_on=None if step["ended"] is None else placement.starts_on + dt.timedelta(days=step["ended"]),
            days_reason=step["reason"],
            base_revision=placement.revision,
        )
    elif step["op"] == "review":
        placement = placements[step["placement"] % len(placements)]
        record_review(
            lead,
            placement,
            data={
                "point": step["point"],
                "role": step["role"],
                "learning_opportunities": "good",
                "support": "good",
                "performance": "on-track",
                "comments": "",
                "completed_on": placement.starts_on + dt.timedelta(days=step["on"]),
            },
        )


def _snapshot(partnership):
    return (
        list(Placement.objects.filter(partnership=partnership).order_by("id").values()),
        list(QualityReview.objects.filter(placement__partnership=partnership).order_by("id").values()),
    )


def _assert_invariants(partnership, year, today: dt.date) -> None:
    placements = list(Placement.objects.filter(partnership=partnership).select_related("student__programme"))
    for p in placements:
        programme = p.student.programme
        required = programme.final_placement_days if p.stage == "final" else programme.first_placement_days
        assert p.planned_days == required or p.days_reason, "days differ from the stage's only with a reason"
        assert p.starts_on <= p.ends_on
        if p.status == PlacementStatus.IN_PROGRESS:
            assert p.starts_on <= today
            assert p.completed_days <= days_between(p.starts_on, min(today, p.ends_on))
        if p.status == PlacementStatus.COMPLETED:
            assert p.ends_on <= today
            assert p.completed_days >= required or p.days_reason
        if p.status == PlacementStatus.ENDED_EARLY:
            never_started = p.ends_on == p.starts_on and p.completed_days == 0
            assert p.ends_on <= today or never_started, "an ended-early date is never in the future"
            assert p.planned_ends_on is not None and p.planned_ends_on >= p.ends_on
        schedule = list(p.review_due_dates().values())
        assert schedule == sorted(schedule) and all(p.starts_on <= d <= p.ends_on for d in schedule)
        reviews: dict[str, list[dt.date]] = {}
        for r in p.reviews.all():
            assert p.starts_on <= r.completed_on <= today
            if r.point != "end":
                assert r.completed_on <= p.ends_on
            reviews.setdefault(r.point, []).append(r.completed_on)
        ranks = [reviews[point] for point in POINTS if point in reviews]
        for earlier, later in zip(ranks, ranks[1:], strict=False):
            assert max(earlier) <= min(later), "reviews are in the order of their points"
    for offer in PlacementOffer.objects.filter(partnership=partnership):
        assert offer.placements.filter(status__in=HOLDS_PLACE).count() <= offer.places
    report = sufficiency(partnership, year)
    placed = Placement.objects.filter(partnership=partnership, academic_year=year, status__in=FILLED).count()
    for line in [*report.stages, report.total, report.statutory, report.non_statutory]:
        assert line.still_to_fill >= 0 and line.shortfall >= 0
        assert 0 <= line.filled <= line.offered
    assert report.total.filled <= placed
    assert report.statutory.filled <= report.total.filled
    figures = review_figures([partnership.pk], year, today)
    assert figures.on_time + figures.late + figures.awaiting + figures.overdue_count == figures.due
    assert all(line.due_on >= line.placement.starts_on for line in review_lines(placements, today))


@pytest.mark.django_db
@EXAMPLES
@given(history=histories)
def test_any_history_played_through_the_services_leaves_records_that_can_be_true(history):
    # Each example runs in a savepoint that is rolled back, so the examples share nothing.
    with transaction.atomic():
        _play(history)
        transaction.set_rollback(True)


lives = st.fixed_dictionaries(
    {
        "started": st.integers(min_value=0, max_value=300),  # days before today
        "length": st.integers(min_value=20, max_value=200),
        "stage": st.sampled_from(["first", "final"]),
        "reviews_before": st.lists(
            st.tuples(st.sampled_from(POINTS), st.integers(min_value=-5, max_value=210)), max_size=4
        ),
        "ending": st.sampled_from(["complete", "end early", "end early", "carry on"]),
        "ended_after": st.integers(min_value=-3, max_value=210),
        "done": st.one_of(st.none(), st.integers(min_value=0, max_value=120)),
        "reviews_after": st.lists(
            st.tuples(st.sampled_from(POINTS), st.integers(min_value=-5, max_value=230)), max_size=3
        ),
    }
)


@pytest.mark.django_db
@EXAMPLES
@given(life=lives)
def test_a_placement_through_its_life_keeps_its_reviews_in_order_and_inside_it(life):
    with transaction.atomic():
        today = timezone.localdate()
        partnership, employer, lead, year, programme = _world()
        offer = OfferFactory(partnership=partnership, employer=employer, academic_year=year, stage="either", places=1)
        student = StudentFactory(partnership=partnership, programme=programme, final_year=year)
        start = today - dt.timedelta(days=life["started"])
        placement = allocate(
            lead,
            student,
            offer=offer,
            stage=life["stage"],
            starts_on=start,
            ends_on=start + dt.timedelta(days=life["length"]),
            planned_days=70 if life["stage"] == "first" else 100,
            status="confirmed",
        )
        placement = change_status(lead, placement, status="in-progress", base_revision=placement.revision)

        def try_reviews(reviews):
            for n, (point, offset) in enumerate(reviews):
                data = {
                    "point": point,
                    "role": ["student", "educator", "tutor", "supervisor"][n % 4],
                    "learning_opportunities": "good",
                    "support": "good",
                    "performance": "on-track",
                    "comments": "",
                    "completed_on": start + dt.timedelta(days=offset),
                }
                try:
                    with transaction.atomic():
                        record_review(lead, placement, data=data)
                except ValidationError:
                    event("review refused")
                else:
                    event("review accepted")

        try_reviews(life["reviews_before"])
        try:
            with transaction.atomic():
                placement.refresh_from_db()
                if life["ending"] == "complete":
                    placement = change_status(
                        lead,
                        placement,
                        status="completed",
                        completed_days=life["done"],
                        days_reason="Agreed",
                        base_revision=placement.revision,
                    )
                elif life["ending"] == "end early":
                    placement = change_status(
                        lead,
                        placement,
                        status="ended-early",
                        end_reason="setting",
                        ended_on=start + dt.timedelta(days=life["ended_after"]),
                        completed_days=life["done"],
                        base_revision=placement.revision,
                    )
        except ValidationError:
            event(f"{life['ending']} refused")
        else:
            event(f"{life['ending']} accepted")
        placement.refresh_from_db()
        try_reviews(life["reviews_after"])
        _assert_invariants(partnership, year, today)
        if placement.status == PlacementStatus.ENDED_EARLY:
            schedule = placement.review_due_dates()
            assert list(schedule.values()) == sorted(schedule.values())
            assert "midway" not in schedule or schedule["midway"] >= schedule["four-weeks"]
        transaction.set_rollback(True)


# --- Block clashes: the one-pass sweep finds exactly the pairs a comparison of every pair finds ----

_block = st.tuples(
    st.integers(min_value=0, max_value=2),  # team
    st.integers(min_value=0, max_value=2),  # university
    st.integers(min_value=0, max_value=60),  # start (days)
    st.integers(min_value=0, max_value=40),  # length (days)
)


def _every_pair(blocks) -> dict:
    day0 = dt.date(2027, 1, 4)
    found: dict = {}
    for i, (team_a, uni_a, s_a, len_a) in enumerate(blocks):
        for team_b, uni_b, s_b, len_b in blocks[i + 1 :]:
            if team_a != team_b or uni_a == uni_b:
                continue
            if s_b <= s_a + len_a and s_a <= s_b + len_b:
                key = (team_a, tuple(sorted([f"U{uni_a}", f"U{uni_b}"])))
                start = day0 + dt.timedelta(days=max(s_a, s_b))
                end = day0 + dt.timedelta(days=min(s_a + len_a, s_b + len_b))
                old = found.get(key)
                found[key] = (min(old[0], start), max(old[1], end)) if old else (start, end)
    return found


@settings(max_examples=150, deadline=None)
@given(st.lists(_block, max_size=14))
def test_the_clash_sweep_agrees_with_comparing_every_pair(blocks):
    from placements.selectors.flags import clashes_in

    day0 = dt.date(2027, 1, 4)
    rows = sorted(
        (
            (
                1,
                "Employer",
                f"Team {team}",
                f"team {team}",
                uni,
                f"U{uni}",
                day0 + dt.timedelta(days=start),
                day0 + dt.timedelta(days=start + length),
            )
            for team, uni, start, length in blocks
        ),
        key=lambda r: (r[3], r[6]),
    )
    swept = {(int(c.team.split()[-1]), tuple(c.universities)): (c.starts_on, c.ends_on) for c in clashes_in(iter(rows))}
    assert swept == _every_pair(blocks)
