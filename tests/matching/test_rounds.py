"""Preference rounds through their services and pages: who may, the states, preferences, the
proposal, pins and confirming into placements."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from matching import services
from matching.actions import Action
from matching.models import Pin, PinKind, PreferenceRound, ProposalLine, RoundStatus
from matching.selectors import unanswered
from placements.actions import Action as PlacementAction
from placements.models import Placement, PlacementStatus
from portal.exceptions import InvalidTransition, StaleEdit
from portal.models import AuditEvent
from tests.matching.factories import round_world
from tests.placements.factories import OfferFactory, PlacementFactory, StudentFactory

TODAY = dt.date(2026, 11, 16)  # the suite's frozen day


def _answer(user, made, student, *offers):
    round_ = PreferenceRound.objects.get(pk=made["round"].pk)
    entry = round_.entries.get(student=student)
    return services.save_preferences(user, round_, student, offers=list(offers), base_revision=entry.revision)


# --- Setting up a round ---------------------------------------------------------------------------


def test_a_new_round_takes_the_students_needing_that_stage_with_nothing_arranged(world):
    made = round_world(world, students=3)
    placed = made["students"][0]
    PlacementFactory(offer=made["offers"][0], student=placed, status=PlacementStatus.PROPOSED)
    first_stage = StudentFactory(partnership=world.partnership, programme=made["programme"], final_year=made["year"])
    first_stage.final_year = made["year"].__class__.objects.get(label="2027/28")
    first_stage.save()
    round_ = services.create_round(
        world.user("coordinator"),
        world.partnership,
        academic_year=made["year"],
        stage="final",
        closes_on=TODAY + dt.timedelta(days=14),
    )
    assert sorted(round_.entries.values_list("student__reference", flat=True)) == ["M001", "M002"]
    assert round_.status == RoundStatus.DRAFT
    event = AuditEvent.objects.get(action=Action.ROUND_CREATED)
    assert "2 students" in event.summary
    first = services.create_round(
        world.user("lead"), world.partnership, academic_year=made["year"], stage="first", closes_on=TODAY
    )
    assert list(first.entries.values_list("student_id", flat=True)) == [first_stage.pk]


def test_a_closing_date_in_the_past_is_refused(world):
    made = round_world(world)
    with pytest.raises(ValidationError) as exc:
        services.create_round(
            world.user("lead"),
            world.partnership,
            academic_year=made["year"],
            stage="final",
            closes_on=TODAY - dt.timedelta(days=1),
        )
    assert "today or later" in str(exc.value)


def test_members_without_the_role_are_refused_and_outsiders_do_not_see_it(world):
    made = round_world(world)
    kwargs = dict(academic_year=made["year"], stage="final", closes_on=TODAY)
    with pytest.raises(PermissionDenied):
        services.create_round(world.user("member"), world.partnership, **kwargs)
    with pytest.raises(Http404):
        services.create_round(world.user("non_member"), world.partnership, **kwargs)
    with pytest.raises(PermissionDenied):
        services.run_proposal(world.user("signatory"), made["round"])
    assert not services.may_answer_for(world.user("member"), made["students"][0])
    assert services.may_answer_for(world.user("coordinator"), made["students"][0])


def test_a_round_moves_draft_open_closed_and_refuses_other_steps(world):
    made = round_world(world, status=RoundStatus.DRAFT)
    lead = world.user("lead")
    with pytest.raises(InvalidTransition, match="Only an open round can be closed"):
        services.move_round(lead, made["round"], "close")
    assert services.move_round(lead, made["round"], "open").status == RoundStatus.OPEN
    with pytest.raises(InvalidTransition):
        services.confirm_proposal(lead, made["round"])
    assert services.move_round(lead, made["round"], "close").status == RoundStatus.CLOSED
    assert services.move_round(lead, made["round"], "reopen").status == RoundStatus.OPEN
    actions = list(
        AuditEvent.objects.filter(action__startswith="preference_round.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [Action.ROUND_OPENED, Action.ROUND_CLOSED, Action.ROUND_REOPENED]


# --- Preferences ----------------------------------------------------------------------------------


def test_preferences_are_ranked_and_recorded(world):
    made = round_world(world)
    a, b, _ = made["offers"]
    student = made["students"][0]
    entry = _answer(world.user("coordinator"), made, student, b, None, a)
    assert [(c.rank, c.offer_id) for c in entry.choices.order_by("rank")] == [(1, b.pk), (2, a.pk)]
    assert entry.answered_at is not None
    assert [e.student for e in unanswered(made["round"])] == made["students"][1:]
    event = AuditEvent.objects.get(action=Action.PREFERENCES_SAVED)
    assert "2 offers ranked" in event.summary


def test_preferences_refuse_too_many_a_repeat_a_full_offer_and_a_stale_form(world):
    made = round_world(world, offers=4)
    a, b, c, d = made["offers"]
    user = world.user("coordinator")
    student = made["students"][0]
    with pytest.raises(ValidationError, match="at most 3"):
        _answer(user, made, student, a, b, c, d)
    with pytest.raises(ValidationError, match="once"):
        _answer(user, made, student, a, a)
    PlacementFactory(offer=d, student=made["students"][2], status=PlacementStatus.CONFIRMED)
    with pytest.raises(ValidationError, match="no place left"):
        _answer(user, made, student, d)
    _answer(user, made, student, a)
    with pytest.raises(StaleEdit):
        services.save_preferences(user, made["round"], student, offers=[b], base_revision=1)


def test_the_preferences_page_enters_them_on_the_students_behalf(world, client_for):
    made = round_world(world)
    a, b, _ = made["offers"]
    student = made["students"][0]
    client = client_for("coordinator")
    url = reverse("matching:preferences", args=[made["round"].pk, student.pk])
    page = client.get(url).content.decode()
    assert "First choice" in page and "Third choice" in page and "Team A, Matrix Borough Council" in page
    response = client.post(
        url,
        {"choice_1": b.pk, "choice_2": a.pk, "drives": "no", "travel_area": "By bus", "adjustments": "", "revision": 1},
    )
    assert response.status_code == 302
    detail = client.get(made["round"].get_absolute_url()).content.decode()
    assert "Team B, Matrix Borough Council" in detail
    assert "Does not drive; By bus" in detail
    assert "1 of 3" in detail


# --- Proposal, pins, confirming -------------------------------------------------------------------


def test_the_proposal_page_shows_choices_got_and_who_is_unplaced_and_why(world, client_for):
    made = round_world(world, students=3, offers=2)
    a, b = made["offers"]
    s1, s2, s3 = made["students"]
    made["round"].place_unranked = False
    made["round"].save()
    user = world.user("coordinator")
    _answer(user, made, s1, a, b)
    _answer(user, made, s2, a)
    _answer(user, made, s3, a)
    client = client_for("coordinator")
    assert (
        "No allocation proposed yet"
        in client.get(reverse("matching:proposal", args=[made["round"].pk])).content.decode()
    )
    response = client.post(reverse("matching:proposal_run", args=[made["round"].pk]))
    assert response.status_code == 302
    page = client.get(reverse("matching:proposal", args=[made["round"].pk])).content.decode()
    lines = {line.student.reference: line for line in ProposalLine.objects.filter(round=made["round"])}
    assert lines["M000"].offer == b and lines["M000"].rank == 2
    assert {lines["M001"].offer, lines["M002"].offer} == {a, None}
    assert "1st choice" in page and "2nd choice" in page and "Unplaced and why" in page
    assert "went to students who ranked it higher" in page
    assert AuditEvent.objects.filter(action=Action.PROPOSAL_RUN).count() == 1


def test_a_pin_is_honoured_and_an_infeasible_one_reported(world, client_for):
    made = round_world(world, students=2, offers=2)
    a, b = made["offers"]
    s1, s2 = made["students"]
    user = world.user("coordinator")
    _answer(user, made, s1, a)
    _answer(user, made, s2, a)
    client = client_for("coordinator")
    response = client.post(
        reverse("matching:pin", args=[made["round"].pk, s1.pk]), {"offer": b.pk, "kind": PinKind.PIN}
    )
    assert response.status_code == 302
    services.run_proposal(user, made["round"])
    lines = {line.student_id: line for line in ProposalLine.objects.filter(round=made["round"])}
    assert lines[s1.pk].offer == b and lines[s1.pk].pinned
    assert lines[s2.pk].offer == a
    # b fills meanwhile (another student placed there): the pin cannot hold and says so.
    PlacementFactory(offer=b, student=StudentFactory(partnership=world.partnership, programme=made["programme"]))
    services.run_proposal(user, made["round"])
    line = ProposalLine.objects.get(round=made["round"], student=s1)
    assert line.offer is None
    assert line.reason == "Pinned to Team B, Matrix Borough Council, which is full"
    pin = Pin.objects.get(round=made["round"], student=s1)
    assert client.post(reverse("matching:unpin", args=[made["round"].pk, pin.pk])).status_code == 302
    assert not Pin.objects.filter(pk=pin.pk).exists()
    assert AuditEvent.objects.filter(action__in=[Action.PIN_SET, Action.PIN_REMOVED]).count() == 2


def test_confirming_creates_proposed_placements_through_the_placement_service(world, client_for):
    made = round_world(world, students=2, offers=2)
    a, b = made["offers"]
    s1, s2 = made["students"]
    user = world.user("coordinator")
    _answer(user, made, s1, a)
    _answer(user, made, s2, b)
    services.run_proposal(user, made["round"])
    services.move_round(user, made["round"], "close")
    client = client_for("coordinator")
    assert (
        "This saves 2 placements as proposed"
        in client.get(reverse("matching:confirm", args=[made["round"].pk])).content.decode()
    )
    response = client.post(reverse("matching:confirm", args=[made["round"].pk]))
    assert response.status_code == 302
    placements = {p.student_id: p for p in Placement.objects.filter(student__in=[s1, s2])}
    assert placements[s1.pk].offer == a and placements[s2.pk].offer == b
    assert {p.status for p in placements.values()} == {PlacementStatus.PROPOSED}
    assert placements[s1.pk].starts_on == a.starts_on and placements[s1.pk].planned_days == 100
    assert AuditEvent.objects.filter(action=PlacementAction.PLACEMENT_CREATED).count() == 2
    made["round"].refresh_from_db()
    assert made["round"].status == RoundStatus.CONFIRMED


def test_confirming_is_all_or_nothing_when_a_pair_became_invalid(world, client_for):
    made = round_world(world, students=2, offers=2)
    a, b = made["offers"]
    s1, s2 = made["students"]
    user = world.user("coordinator")
    _answer(user, made, s1, a)
    _answer(user, made, s2, b)
    services.run_proposal(user, made["round"])
    services.move_round(user, made["round"], "close")
    PlacementFactory(offer=b, student=StudentFactory(partnership=world.partnership, programme=made["programme"]))
    response = client_for("coordinator").post(reverse("matching:confirm", args=[made["round"].pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved: 1 placement can no longer be made" in page
    assert "M001 at Team B" in page and "no place left" in page
    assert not Placement.objects.filter(student__in=[s1, s2]).exists()
    made["round"].refresh_from_db()
    assert made["round"].status == RoundStatus.CLOSED


def test_an_employers_coordinator_cannot_confirm_another_employers_offer(world):
    made = round_world(world, students=1, offers=0)
    other = OfferFactory(partnership=world.partnership, academic_year=made["year"], team="Elsewhere Team")
    student = made["students"][0]
    _answer(world.user("lead"), made, student, other)
    services.run_proposal(world.user("lead"), made["round"])
    services.move_round(world.user("lead"), made["round"], "close")
    with pytest.raises(ValidationError, match="your own organisation"):
        services.confirm_proposal(world.user("coordinator"), made["round"])
    assert len(services.confirm_proposal(world.user("lead"), made["round"])) == 1


# --- Pages and the dashboard ---------------------------------------------------------------------


def test_the_dashboard_tells_coordinators_who_has_not_answered(world, client_for):
    made = round_world(world, students=3)
    _answer(world.user("coordinator"), made, made["students"][0], made["offers"][0])
    page = client_for("coordinator").get(reverse("dashboard")).content.decode()
    assert "2 students have not answered the final placement round, 2026/27 closing on 4 December 2026" in page
    assert "not answered the final" not in client_for("member").get(reverse("dashboard")).content.decode()


def test_the_sufficiency_page_links_to_the_rounds(world, client_for):
    round_world(world)
    page = client_for("coordinator").get(reverse("placements:sufficiency") + "?partnership=matrix-tp").content.decode()
    assert reverse("matching:round_list", args=["matrix-tp"]) in page


def test_setting_up_a_round_from_its_page(world, client_for):
    made = round_world(world)
    client = client_for("lead")
    response = client.post(
        reverse("matching:round_create", args=["matrix-tp"]),
        {
            "academic_year": made["year"].pk,
            "stage": "final",
            "closes_on": "2026-12-11",
            "max_choices": 2,
            "place_unranked": "on",
        },
    )
    assert response.status_code == 302
    created = PreferenceRound.objects.exclude(pk=made["round"].pk).get()
    assert created.max_choices == 2 and created.entries.count() == 3
    listing = client.get(reverse("matching:round_list", args=["matrix-tp"])).content.decode()
    assert "Final placement round, 2026/27" in listing and "11 December 2026" in listing


@pytest.mark.parametrize("students", [2, 30])
def test_round_and_proposal_pages_queries_stay_flat(world, client_for, django_assert_max_num_queries, students):
    made = round_world(world, students=students, offers=4, places=10)
    user = world.user("coordinator")
    for s in made["students"]:
        _answer(user, made, s, made["offers"][0], made["offers"][1])
    services.run_proposal(user, made["round"])
    client = client_for("coordinator")
    with django_assert_max_num_queries(14):
        assert client.get(made["round"].get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("matching:proposal", args=[made["round"].pk])).status_code == 200


def test_every_proposed_pair_passes_the_portals_own_checks(world):
    """One definition of the rules: the optimiser's pairs pass allocation_problems and raise
    none of allocation_warnings' statutory or practice educator flags, in a round where every
    rule bites (a full offer, a clash, a non-statutory offer, an educator at capacity)."""
    from placements.services.allocations import allocation_problems, allocation_warnings
    from tests.placements.factories import EducatorFactory

    made = round_world(world, students=5, offers=4, places=1)
    a, b, c, d = made["offers"]
    c.statutory = False
    c.save()
    educator = EducatorFactory(partnership=world.partnership, employer=world.employer, max_students=1)
    for offer in (b, d):
        offer.practice_educator = educator
        offer.save()
    s0, s1, s2, s3, s4 = made["students"]
    elsewhere = OfferFactory(
        partnership=world.partnership, employer=world.employer, academic_year=made["year"], team="Busy Team", places=5
    )
    PlacementFactory(
        offer=elsewhere, student=s0, status=PlacementStatus.PROPOSED, starts_on=a.starts_on, ends_on=a.ends_on
    )
    user = world.user("lead")
    for s in made["students"]:
        _answer(user, made, s, a, b, c)
    # a fills after the students ranked it.
    PlacementFactory(offer=a, student=StudentFactory(partnership=world.partnership, programme=made["programme"]))
    services.run_proposal(user, made["round"])
    lines = list(ProposalLine.objects.filter(round=made["round"]).select_related("student", "offer"))
    placed = [line for line in lines if line.offer]
    assert placed, "someone is placed"
    for line in placed:
        offer = line.offer
        assert allocation_problems(line.student, offer, "final", offer.starts_on, offer.ends_on) == {}
        flags = allocation_warnings(line.student, offer, "final", offer.starts_on, offer.ends_on)
        assert not [w for w in flags if "statutory" in w or "practice educator" in w]
    assert sum(1 for line in placed if line.offer in (b, d)) <= 1, "the shared educator takes one student"
    assert not any(line.offer == c for line in placed), "no one needing a statutory placement gets a non-statutory one"
    assert all(line.reason for line in lines if line.offer is None)


def test_purging_a_students_data_clears_what_they_told_a_round(world):
    from placements.services.data_protection import purge_students
    from tests.placements.factories import AcademicYearFactory

    made = round_world(world, students=2)
    old, current = made["students"]
    user = world.user("lead")
    for s in (old, current):
        entry = made["round"].entries.get(student=s)
        services.save_preferences(
            user,
            made["round"],
            s,
            offers=[made["offers"][0]],
            travel_area="Near home",
            adjustments="Part-time hours",
            drives="no",
            base_revision=entry.revision,
        )
    old.final_year = AcademicYearFactory(label="2019/20")
    old.save()
    purge_students(world.partnership, today=dt.date(2026, 9, 1))
    cleared = made["round"].entries.get(student=old)
    kept = made["round"].entries.get(student=current)
    assert (cleared.travel_area, cleared.adjustments, cleared.drives) == ("", "", "")
    assert kept.adjustments == "Part-time hours"
