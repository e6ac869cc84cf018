"""Each event type, emitted by doing the real thing through the services (and, for the time-based
ones, by the daily run with the clock moved on), reaches a subscribed endpoint signed."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

from django.core.management import call_command

from memoranda import services as memoranda_services
from memoranda.services import expire_due
from placements.models import AcademicYear
from tests.conftest import FROZEN_NOW
from tests.healthcheck.factories import signed_off
from tests.memoranda.factories import active_memorandum, awaiting_memorandum
from webhooks.models import EventType, Message

LONDON = ZoneInfo("Europe/London")


def _types(receiver) -> list[str]:
    assert all(r.verified_with for r in receiver.received)
    return [r.json["type"] for r in receiver.received]


def test_sending_and_signing_a_memorandum_emit_sent_and_one_signed_per_party(
    world, endpoint_for, receiver, django_capture_on_commit_callbacks
):
    endpoint_for()
    with django_capture_on_commit_callbacks(execute=True):
        memorandum, version = active_memorandum(world)
    assert _types(receiver) == ["memorandum.sent_for_signature", "memorandum.signed", "memorandum.signed"]
    sent = receiver.received[0].json
    assert sent["data"]["memorandum"]["id"] == memorandum.pk
    assert sent["data"]["memorandum"]["title"] == "Matrix memorandum"
    assert sent["data"]["memorandum"]["url"].endswith(f"/memoranda/{memorandum.pk}/")
    assert sent["data"]["partnership"]["slug"] == world.partnership.slug
    assert sent["data"]["version"] == version.number and sent["data"]["sha256"] == version.sha256
    assert {r.json["data"]["organisation"] for r in receiver.received[1:]} == {
        world.employer.name,
        world.university.name,
    }
    assert receiver.received[0].json["timestamp"].endswith("Z")


def test_declining_emits_declined(world, endpoint_for, receiver, django_capture_on_commit_callbacks):
    memorandum, version = awaiting_memorandum(world)
    endpoint_for(EventType.MEMORANDUM_DECLINED)
    with django_capture_on_commit_callbacks(execute=True):
        memoranda_services.decline(world.user("signatory"), version, reason="The places are wrong.")
    assert _types(receiver) == ["memorandum.declined"]
    assert receiver.received[0].json["data"]["memorandum"]["status"] == "draft"


def test_expiry_emits_expired(world, endpoint_for, receiver, frozen_clock, django_capture_on_commit_callbacks):
    memorandum, _ = active_memorandum(world)
    endpoint_for(EventType.MEMORANDUM_EXPIRED)
    frozen_clock.move_to(dt.datetime.combine(memorandum.review_date + dt.timedelta(days=1), dt.time(7), LONDON))
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_due(memorandum.review_date + dt.timedelta(days=1)) == 1
    assert _types(receiver) == ["memorandum.expired"]


def test_signing_off_a_health_check_emits_signed_off(world, endpoint_for, receiver, django_capture_on_commit_callbacks):
    endpoint_for(EventType.HEALTH_CHECK_SIGNED_OFF)
    with django_capture_on_commit_callbacks(execute=True):
        hc = signed_off(world)
    assert _types(receiver) == ["healthcheck.signed_off"]
    data = receiver.received[0].json["data"]["health_check"]
    assert data["id"] == hc.pk and data["academic_year"] == "2026/27" and data["overall_rating"] == "green"


def test_an_endpoint_gets_only_the_events_it_chose(world, endpoint_for, receiver, django_capture_on_commit_callbacks):
    endpoint_for(EventType.HEALTH_CHECK_SIGNED_OFF)
    with django_capture_on_commit_callbacks(execute=True):
        active_memorandum(world)
    assert receiver.received == [] and not Message.objects.exists()


def _daily_run(frozen_clock, day: dt.date, django_capture_on_commit_callbacks) -> None:
    frozen_clock.move_to(dt.datetime.combine(day, dt.time(7), LONDON))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115 - the daily scheduled command


def test_review_due_is_emitted_once_per_memorandum_and_review_date(
    world, endpoint_for, receiver, frozen_clock, django_capture_on_commit_callbacks
):
    memorandum, _ = active_memorandum(world)
    endpoint_for(EventType.MEMORANDUM_REVIEW_DUE)
    _daily_run(frozen_clock, memorandum.review_date - dt.timedelta(days=61), django_capture_on_commit_callbacks)
    assert receiver.received == []  # not yet
    for days_before in (60, 59, 30):
        _daily_run(
            frozen_clock, memorandum.review_date - dt.timedelta(days=days_before), django_capture_on_commit_callbacks
        )
    assert _types(receiver) == ["memorandum.review_due"]
    data = receiver.received[0].json["data"]
    assert data["memorandum"]["review_date"] == memorandum.review_date.isoformat() and data["days_until_review"] == 60


def test_figures_due_is_emitted_once_per_partnership_and_year(
    world, endpoint_for, receiver, frozen_clock, django_capture_on_commit_callbacks
):
    year, _ = AcademicYear.objects.get_or_create(
        label="2027/28", defaults={"starts_on": dt.date(2027, 9, 1), "ends_on": dt.date(2028, 8, 31)}
    )
    endpoint_for(EventType.FIGURES_DUE)
    _daily_run(frozen_clock, year.starts_on - dt.timedelta(days=91), django_capture_on_commit_callbacks)
    assert receiver.received == []
    for days_before in (90, 89, 1):
        _daily_run(frozen_clock, year.starts_on - dt.timedelta(days=days_before), django_capture_on_commit_callbacks)
    assert _types(receiver) == ["placements.figures_due"]
    data = receiver.received[0].json["data"]
    assert data["academic_year"]["label"] == "2027/28" and data["days_until_start"] == 90
    assert "year=2027/28" in data["url"]


def test_no_payload_names_a_person(world, endpoint_for, receiver, django_capture_on_commit_callbacks):
    endpoint_for()
    with django_capture_on_commit_callbacks(execute=True):
        active_memorandum(world)
        signed_off(world)
    people = [u for u in (world.user(r) for r in ("lead", "signatory", "coordinator"))]
    text = " ".join(json.dumps(r.json) for r in receiver.received)
    assert receiver.received
    for person in people:
        assert person.email not in text and person.full_name not in text
    assert FROZEN_NOW  # the suite's clock
