"""What students and practice educators are told by e-mail about a preference round: a reminder
to those who have not answered (a week and two days before it closes, each once) and the result
when the round is confirmed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from matching import services
from matching.models import RoundStudent
from matching.reminders import send_round_reminders
from tests.conftest import FROZEN_NOW
from tests.matching.factories import round_world
from tests.participants.factories import world_educator, world_student

pytestmark = pytest.mark.django_db

TODAY = FROZEN_NOW.date()


def _to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def test_a_student_who_has_not_answered_is_reminded_a_week_and_two_days_before_once_each(
    world, django_capture_on_commit_callbacks
):
    made = round_world(world)
    round_ = made["round"]
    round_.closes_on = TODAY + dt.timedelta(days=6)
    round_.save()
    entry = RoundStudent.objects.create(round=round_, student=world_student(world))
    student = world.user("student")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_round_reminders(TODAY) == 1
        assert send_round_reminders(TODAY) == 0  # the same reminder never twice
        assert send_round_reminders(TODAY + dt.timedelta(days=1)) == 0
    (message,) = _to(student)
    assert message.subject == f"Reminder: choose your placement preferences by {round_.closes_on:%-d %B %Y}"
    assert "closes in 6 days" in message.body and f"/your-placements/preference-rounds/{round_.pk}/" in message.body
    with django_capture_on_commit_callbacks(execute=True):
        assert send_round_reminders(TODAY + dt.timedelta(days=4)) == 1  # two days before
    assert len(_to(student)) == 2 and "closes in 2 days" in _to(student)[-1].body
    # Once answered, no more; and students without a sign-in are never e-mailed.
    services.save_preferences(student, round_, entry.student, offers=[made["offers"][0]], base_revision=entry.revision)
    entry.refresh_from_db()
    entry.last_reminder = ""
    entry.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_round_reminders(TODAY + dt.timedelta(days=5)) == 0


def test_confirming_tells_each_student_and_the_practice_educator(world, django_capture_on_commit_callbacks):
    made = round_world(world, students=0, offers=1)
    offer = made["offers"][0]
    offer.practice_educator = world_educator(world)
    offer.save()
    round_ = made["round"]
    entry = RoundStudent.objects.create(round=round_, student=world_student(world))
    coordinator = world.user("coordinator")
    services.save_preferences(world.user("student"), round_, entry.student, offers=[offer], base_revision=1)
    services.move_round(coordinator, round_, "close")
    services.run_proposal(coordinator, round_)
    round_.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_proposal(coordinator, round_)
    (to_student,) = _to(world.user("student"))
    assert to_student.subject == f"Your proposed placement: {offer.team}"
    assert world.employer.name in to_student.body and "/your-placements/" in to_student.body
    educator = world_educator(world)
    (to_educator,) = [m for m in mail.outbox if m.to == [educator.email]]
    assert to_educator.subject == f"A student is proposed for {offer.team}"
    assert entry.student.reference in to_educator.body
