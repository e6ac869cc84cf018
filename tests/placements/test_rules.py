"""The placement rules, each with the message a coordinator sees."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from placements.models import Placement, PlacementStatus
from placements.selectors.flags import block_clashes, students_without_placement, students_without_statutory
from placements.selectors.quality import overdue_reviews
from placements.services.allocations import allocate, allocation_warnings, change_status, record_review
from placements.services.offers import create_offer, update_offer
from portal.exceptions import InvalidTransition
from portal.models import AuditEvent
from tests import factories as f
from tests.placements.factories import (
    AcademicYearFactory,
    OfferFactory,
    PlacementFactory,
    ProgrammeFactory,
    StudentFactory,
    placements_world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw(world):
    return placements_world(world)


def _allocate(world, student, offer, start=dt.date(2027, 1, 11), end=dt.date(2027, 6, 4), stage="final", role="lead"):
    days = 100 if stage == "final" else 70  # the programme's requirement for the stage
    return allocate(
        world.user(role), student, offer=offer, stage=stage, starts_on=start, ends_on=end, planned_days=days
    )


def on(day: dt.date) -> dt.datetime:
    """Ten in the morning of `day`, UK time, for frozen_clock.move_to."""
    return dt.datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo("Europe/London"))


def test_allocating_writes_the_placement_and_an_audit_event(world, pw):
    student = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
    placement = _allocate(world, student, pw["offer"])
    assert placement.status == PlacementStatus.PROPOSED
    event = AuditEvent.objects.filter(action="placement.created").get()
    assert student.reference in event.summary


def test_an_offer_cannot_be_over_allocated(world, pw):
    # The world's offer has 2 places and one is taken already.
    second = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
    third = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
    _allocate(world, second, pw["offer"])
    with pytest.raises(ValidationError) as exc:
        _allocate(world, third, pw["offer"])
    assert "has no place left: all 2 are taken" in str(exc.value)
    assert Placement.objects.filter(student=third).count() == 0


def test_a_placement_that_ended_early_frees_its_place(world, pw, frozen_clock):
    frozen_clock.move_to(on(dt.date(2027, 2, 10)))
    change_status(
        world.user("lead"),
        pw["placement"],
        status=PlacementStatus.ENDED_EARLY,
        end_reason="student-health",
        ended_on=dt.date(2027, 2, 1),
        base_revision=pw["placement"].revision,
    )
    ended = Placement.objects.get(pk=pw["placement"].pk)
    assert (ended.status, ended.ends_on) == (PlacementStatus.ENDED_EARLY, dt.date(2027, 2, 1))
    # Both of the offer's 2 places are free again: two students take them, and a third is refused.
    placed = []
    for _ in range(2):
        student = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
        placed.append(_allocate(world, student, pw["offer"]))
    assert [p.status for p in placed] == [PlacementStatus.PROPOSED] * 2
    third = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
    with pytest.raises(ValidationError) as exc:
        _allocate(world, third, pw["offer"])
    assert "has no place left: all 2 are taken" in str(exc.value)


def test_a_students_placements_cannot_overlap(world, pw):
    other = OfferFactory(
        partnership=world.partnership, employer=world.employer, academic_year=pw["year"], stage="first"
    )
    with pytest.raises(ValidationError) as exc:
        _allocate(world, pw["student"], other, start=dt.date(2027, 6, 4), end=dt.date(2027, 7, 30), stage="first")
    message = str(exc.value)
    assert "already has a placement at" in message and "cannot overlap" in message
    assert "4 June 2027" in message
    # The day after the first ends is fine.
    _allocate(world, pw["student"], other, start=dt.date(2027, 6, 5), end=dt.date(2027, 7, 30), stage="first")


def test_an_offer_for_one_stage_refuses_the_other(world, pw):
    student = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
    with pytest.raises(ValidationError) as exc:
        _allocate(world, student, pw["offer"], stage="first")
    assert "is for a final placement, not a first placement" in str(exc.value)


def test_students_without_a_statutory_placement_are_flagged(world, pw):
    lonely = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
    non_statutory = OfferFactory(
        partnership=world.partnership, employer=world.employer, academic_year=pw["year"], statutory=False
    )
    proposed_only = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
    PlacementFactory(offer=non_statutory, student=lonely)
    PlacementFactory(offer=pw["offer"], student=proposed_only, status="proposed")
    flagged = set(students_without_statutory(world.partnership, pw["year"]).values_list("reference", flat=True))
    # Placed on a statutory offer and confirmed: covered. Proposed only: not yet.
    assert flagged == {lonely.reference, proposed_only.reference}


def test_a_non_statutory_final_placement_warns_when_the_student_has_none(world, pw):
    student = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
    offer = OfferFactory(
        partnership=world.partnership, employer=world.employer, academic_year=pw["year"], statutory=False
    )
    warnings = allocation_warnings(student, offer, "final", dt.date(2027, 1, 11), dt.date(2027, 6, 4))
    assert any("will finish without the statutory placement" in w for w in warnings)


def test_overlapping_blocks_of_two_universities_in_one_team_are_flagged(world, pw):
    other_uni = f.UniversityFactory(name="Other University")
    f.PartnerFactory(partnership=world.partnership, organisation=other_uni)
    programme = ProgrammeFactory(partnership=world.partnership, university=other_uni)
    student = StudentFactory(partnership=world.partnership, programme=programme, final_year=pw["year"])
    warnings = allocation_warnings(student, pw["offer"], "final", dt.date(2027, 3, 1), dt.date(2027, 7, 1))
    assert any("also hosts a University of Matrix student at the same time" in w for w in warnings)
    PlacementFactory(offer=pw["offer"], student=student, starts_on=dt.date(2027, 3, 1), ends_on=dt.date(2027, 7, 1))
    clashes = block_clashes(world.partnership, pw["year"])
    assert len(clashes) == 1
    assert clashes[0].universities == ["Other University", "University of Matrix"]
    assert (clashes[0].starts_on, clashes[0].ends_on) == (dt.date(2027, 3, 1), dt.date(2027, 6, 4))


def test_same_university_in_one_team_is_not_a_clash(world, pw):
    student = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
    PlacementFactory(offer=pw["offer"], student=student)
    assert block_clashes(world.partnership, pw["year"]) == []


def test_status_follows_the_workflow(world, pw, frozen_clock):
    placement = pw["placement"]  # confirmed, 11 January to 4 June 2027
    lead = world.user("lead")
    with pytest.raises(InvalidTransition) as exc:
        change_status(lead, placement, status=PlacementStatus.COMPLETED, base_revision=placement.revision)
    assert "cannot become completed" in str(exc.value)
    frozen_clock.move_to(on(dt.date(2027, 1, 11)))
    placement = change_status(lead, placement, status=PlacementStatus.IN_PROGRESS, base_revision=placement.revision)
    frozen_clock.move_to(on(dt.date(2027, 6, 4)))
    placement = change_status(lead, placement, status=PlacementStatus.COMPLETED, base_revision=placement.revision)
    assert placement.completed_days == placement.planned_days
    # Completing keeps the offer's practice educator current.
    pw["educator"].refresh_from_db()
    assert pw["educator"].last_student_on == placement.ends_on


def test_ending_early_needs_a_reason(world, pw):
    with pytest.raises(ValidationError) as exc:
        change_status(
            world.user("lead"),
            pw["placement"],
            status=PlacementStatus.ENDED_EARLY,
            base_revision=pw["placement"].revision,
        )
    assert "Choose why the placement ended early" in str(exc.value)


def test_an_employers_coordinator_maintains_only_their_own_offers(world, pw):
    other_employer = f.OrganisationFactory(name="Other Council")
    f.PartnerFactory(partnership=world.partnership, organisation=other_employer)
    coordinator = world.user("coordinator")
    data = {
        "employer": other_employer,
        "team": "Adults Team",
        "service_area": "adults",
        "statutory": True,
        "stage": "first",
        "academic_year": pw["year"],
        "places": 1,
    }
    with pytest.raises(PermissionDenied):
        create_offer(coordinator, world.partnership, data=data)
    offer = create_offer(coordinator, world.partnership, data={**data, "employer": world.employer})
    assert offer.employer == world.employer
    # A lead maintains everyone's.
    create_offer(world.user("lead"), world.partnership, data=data)


def test_members_cannot_change_placement_data(world, pw):
    before = Placement.objects.count()
    with pytest.raises(PermissionDenied):
        _allocate(world, pw["student"], pw["offer"], role="member")
    assert Placement.objects.count() == before


def test_reducing_places_below_those_taken_is_refused(world, pw):
    student = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
    _allocate(world, student, pw["offer"])
    with pytest.raises(ValidationError) as exc:
        update_offer(world.user("lead"), pw["offer"], data={"places": 1}, base_revision=pw["offer"].revision)
    assert "2 students are already placed on this offer" in str(exc.value)


def test_a_stale_offer_edit_is_refused(world, pw):
    from portal.exceptions import StaleEdit

    update_offer(world.user("lead"), pw["offer"], data={"places": 3}, base_revision=1)
    with pytest.raises(StaleEdit) as exc:
        update_offer(world.user("lead"), pw["offer"], data={"places": 4}, base_revision=1)
    assert "Someone else saved a change while you were editing" in str(exc.value)
    assert exc.value.current_revision == 2
    pw["offer"].refresh_from_db()
    assert (pw["offer"].places, pw["offer"].revision) == (3, 2)


def test_academic_year_labels_are_checked():
    year = AcademicYearFactory.build(label="2026/28")
    with pytest.raises(ValidationError) as exc:
        year.full_clean()
    assert "2026/27" in str(exc.value)


def test_an_employers_coordinator_cannot_record_reviews_on_another_employers_placements(world, pw, frozen_clock):
    frozen_clock.move_to(on(dt.date(2027, 2, 10)))
    other = f.OrganisationFactory(name="Other Council")
    f.PartnerFactory(partnership=world.partnership, organisation=other)
    offer = OfferFactory(partnership=world.partnership, employer=other, academic_year=pw["year"])
    placement = PlacementFactory(offer=offer)
    review = {
        "point": "four-weeks",
        "role": "student",
        "learning_opportunities": "good",
        "support": "good",
        "performance": "on-track",
        "completed_on": dt.date(2027, 2, 8),
    }
    with pytest.raises(PermissionDenied):
        record_review(world.user("coordinator"), placement, data=review)
    assert not placement.reviews.exists()
    assert record_review(world.user("lead"), placement, data=review).placement == placement
    own = record_review(world.user("coordinator"), pw["placement"], data=review)
    assert own.recorded_by == world.user("coordinator") and own.placement == pw["placement"]


def test_students_needing_a_placement_this_year_without_one_are_listed(world, pw):
    year, next_year = pw["year"], AcademicYearFactory(label="2027/28")
    later = AcademicYearFactory(label="2028/29")

    def student(final_year, **kw):
        return StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=final_year, **kw)

    final_unplaced = student(year)
    first_unplaced = student(next_year)
    proposed = student(year)
    PlacementFactory(offer=pw["offer"], student=proposed, status="proposed")
    ended = student(year)
    PlacementFactory(offer=pw["offer"], student=ended, status="ended-early", end_reason="other")
    student(later)  # a first-year student: no placement due yet
    student(year, purged_on=dt.date(2026, 9, 1))
    found = set(students_without_placement(world.partnership, year, next_year))
    # pw["student"] is placed; a placement that ended early leaves the student to place again.
    assert found == {final_unplaced, first_unplaced, ended}


def test_overdue_reviews_are_those_past_the_grace_week_with_nothing_recorded(world, pw):
    placement = pw["placement"]  # confirmed, 11 January to 4 June 2027: four weeks due 8 February
    # Ended on 31 January, before its four-week review: only its end review is due, that day.
    ended = PlacementFactory(
        offer=pw["offer"],
        status="ended-early",
        end_reason="other",
        ends_on=dt.date(2027, 1, 31),
        planned_ends_on=dt.date(2027, 6, 4),
        completed_days=15,
    )
    assert list(ended.review_due_dates().items()) == [("end", dt.date(2027, 1, 31))]
    ids = [world.partnership.pk]
    (overdue,) = overdue_reviews(ids, pw["year"], today=dt.date(2027, 2, 8))
    assert (overdue.placement, overdue.point_label) == (ended, "End")
    from tests.placements.factories import ReviewFactory

    ReviewFactory(placement=ended, point="end", completed_on=dt.date(2027, 2, 1))
    assert overdue_reviews(ids, pw["year"], today=dt.date(2027, 2, 15)) == []
    (overdue,) = overdue_reviews(ids, pw["year"], today=dt.date(2027, 2, 16))
    assert (overdue.placement, overdue.point_label, overdue.due_on) == (placement, "Four weeks", dt.date(2027, 2, 8))

    ReviewFactory(placement=placement, point="four-weeks", completed_on=dt.date(2027, 2, 20))  # late, but done
    assert overdue_reviews(ids, pw["year"], today=dt.date(2027, 2, 20)) == []
    points = [o.point for o in overdue_reviews(ids, pw["year"], today=dt.date(2027, 7, 1))]
    assert points == ["midway", "end"]


def test_a_practice_educator_with_a_full_caseload_is_flagged(world, pw):
    # The world's educator takes one student at once and already supports pw["student"].
    student = StudentFactory(partnership=world.partnership, programme=pw["programme"], final_year=pw["year"])
    warnings = allocation_warnings(student, pw["offer"], "final", dt.date(2027, 3, 1), dt.date(2027, 7, 1))
    expected = (
        f"{pw['educator'].full_name}, the practice educator for {pw['offer'].team}, already supports 1 student "
        "at that time and takes at most 1 at once"
    )
    assert any(w.startswith(expected) for w in warnings)
    # After the first placement ends there is room.
    later = allocation_warnings(student, pw["offer"], "final", dt.date(2027, 6, 5), dt.date(2027, 9, 1))
    assert not any("already supports" in w for w in later)
