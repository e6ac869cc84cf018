"""A student, signed in, ranks the offers of an open round from their own page, and sees the
result once the round is confirmed; never another student's entry, never a closed round."""

from __future__ import annotations

import pytest
from django.http import Http404

from matching import services
from matching.models import RoundStatus, RoundStudent
from placements.models import Placement
from portal.exceptions import InvalidTransition
from tests.matching.factories import round_world
from tests.participants.factories import world_student

pytestmark = pytest.mark.django_db


def _in_round(world, **kwargs):
    made = round_world(world, **kwargs)
    entry = RoundStudent.objects.create(round=made["round"], student=world_student(world))
    return made, entry


def test_a_student_ranks_offers_from_their_page_and_the_coordinator_sees_them(world, client_for):
    made, entry = _in_round(world)
    student = client_for("student")
    home = student.get("/your-placements/").content.decode()
    assert "Your placement preferences" in home and "Not answered yet" in home
    url = f"/your-placements/preference-rounds/{made['round'].pk}/"
    assert f'href="{url}"' in home
    page = student.get(url).content.decode()
    assert "Team A" in page and "Rank up to 3" in page
    a, b = made["offers"][0], made["offers"][1]
    response = student.post(
        url,
        {
            "choice_1": b.pk,
            "choice_2": a.pk,
            "drives": "no",
            "travel_area": "North of the borough",
            "revision": entry.revision,
        },
    )
    assert response.status_code == 302 and response.url == "/your-placements/"
    entry.refresh_from_db()
    assert [c.offer_id for c in entry.choices.order_by("rank")] == [b.pk, a.pk]
    assert entry.answered_by == world.user("student") and entry.travel_area == "North of the borough"
    home = student.get("/your-placements/").content.decode()
    assert "Answered" in home and "Change your preferences" in home
    # The coordinator's round page counts the answer.
    detail = client_for("coordinator").get(made["round"].get_absolute_url()).content.decode()
    assert world_student(world).reference in detail


def test_a_student_cannot_answer_for_another_student_nor_after_the_round_closes(world, client_for):
    made, entry = _in_round(world)
    other = made["students"][0]
    with pytest.raises(Http404):  # the student is no member: another student's entry does not exist for them
        services.save_preferences(
            world.user("student"), made["round"], other, offers=[made["offers"][0]], base_revision=1
        )
    assert not RoundStudent.objects.get(round=made["round"], student=other).choices.exists()

    services.move_round(world.user("coordinator"), made["round"], "close")
    response = client_for("student").get(f"/your-placements/preference-rounds/{made['round'].pk}/")
    assert response.status_code == 302  # back to their page, which says why
    with pytest.raises(InvalidTransition):
        services.save_preferences(
            world.user("student"),
            made["round"],
            entry.student,
            offers=[made["offers"][0]],
            base_revision=entry.revision,
        )
    # The coordinator may still enter a late answer.
    services.save_preferences(
        world.user("coordinator"),
        made["round"],
        entry.student,
        offers=[made["offers"][0]],
        base_revision=entry.revision,
    )


def test_after_confirming_the_student_sees_where_they_are_placed(world, client_for):
    made, entry = _in_round(world, students=0, offers=1)
    offer = made["offers"][0]
    services.save_preferences(world.user("student"), made["round"], entry.student, offers=[offer], base_revision=1)
    coordinator = world.user("coordinator")
    round_ = made["round"]
    services.move_round(coordinator, round_, "close")
    round_.refresh_from_db()
    services.run_proposal(coordinator, round_)
    round_.refresh_from_db()
    services.confirm_proposal(coordinator, round_)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CONFIRMED
    assert Placement.objects.filter(student=entry.student, offer=offer).exists()
    home = client_for("student").get("/your-placements/").content.decode()
    assert "Placed" in home and offer.team in home and "(your choice 1)" in home
