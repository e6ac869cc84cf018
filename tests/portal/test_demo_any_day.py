"""seed_demo on days far from the one its story is written around (23 November 2026): the story
moves to the current academic year (portal/demo_clock.py), so what each demo user sees makes
sense on any day, and nothing that has already happened is dated after today.

Seeding is slow, so each test seeds once on its day and checks several things about it: the
whole command on 15 July 2029 (the end of a year), and the apps whose data depend most on the
date on 2 March 2028 (mid-year) and 1 October 2031 (the start of a year, five years on)."""

from __future__ import annotations

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from healthcheck import demo as healthcheck_demo
from healthcheck.models import Action, HealthCheck
from healthcheck.models import Status as HealthCheckStatus
from memoranda.models import Memorandum, Signature
from memoranda.models import Status as MemorandumStatus
from partnerships import demo as partnerships_demo
from partnerships.models import Meeting
from placements import demo as placements_demo
from placements.models import Placement, PlacementOffer, PracticeEducator, QualityReview, SettingAudit
from portal.models import User
from portal.registry import attention_for

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
WLA = "west-london-alliance"


def _move(frozen_clock, day: dt.date) -> dt.date:
    frozen_clock.move_to(dt.datetime.combine(day, dt.time(10, 0), tzinfo=LONDON))
    assert timezone.localdate() == day
    return day


def _as(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def _register_counts(client: Client, slug: str) -> dict[str, int]:
    html = client.get(f"/practice-educators/?partnership={slug}").content.decode()
    figures = re.findall(r'portal-figure__value">(\d+)</span><span class="portal-figure__label">([^<]+)<', html)
    return {label: int(value) for value, label in figures}


def _register_has_the_storys_mix(client: Client) -> None:
    """As on the anchor day: of each employer's three educators, two are still current (one of
    them lapsing within 90 days) and one has lapsed; not every educator reads as lapsed."""
    counts = _register_counts(client, WLA)
    in_date = counts["Current"] + counts["Lapsing within 90 days"]
    assert counts["Lapsed"] > 0 and in_date == 2 * counts["Lapsed"], counts


def _nothing_done_after(today: dt.date) -> None:
    """Things that have happened are never dated after today."""
    done = Placement.objects.filter(status__in=["completed", "ended-early"])
    assert not done.filter(ends_on__gt=today).exists()
    assert not Placement.objects.filter(status="in-progress", starts_on__gt=today).exists()
    assert not Placement.objects.filter(status__in=["confirmed", "proposed"], starts_on__lte=today).exists()
    assert not QualityReview.objects.filter(completed_on__gt=today).exists()
    assert not SettingAudit.objects.filter(completed_on__gt=today).exists()
    assert not PracticeEducator.objects.filter(last_student_on__gt=today).exists()
    assert not PracticeEducator.objects.filter(last_cpd_on__gt=today).exists()
    held = list(Meeting.objects.values_list("held_on", flat=True))
    assert held and all(today - dt.timedelta(days=365) < day <= today for day in held), held


def _placements_in(year: str) -> set[tuple[str, str]]:
    return set(
        Placement.objects.filter(partnership__slug=WLA, academic_year__label=year).values_list("stage", "status")
    )


def _sufficiency_year(client: Client) -> str:
    html = client.get(f"/placements/sufficiency/?partnership={WLA}").content.decode()
    selected = re.search(r'<option value="([^"]+)" selected>\1</option>', html.split('id="f-year"')[1])
    assert selected, "no academic year is selected on the sufficiency page"
    return selected.group(1)


def test_the_whole_demo_makes_sense_on_15_july_2029(frozen_clock):
    today = _move(frozen_clock, dt.date(2029, 7, 15))
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Demo built as of 15 July 2029: its story is set in the academic year 2028/29." in out.getvalue()
    coordinator = _as("coordinator@example.org")

    # Placements: the current year's are all over by July, with history behind and next year planned.
    assert _sufficiency_year(coordinator) == "2028/29"
    assert {status for _, status in _placements_in("2028/29")} <= {"completed", "ended-early"}
    assert {stage for stage, _ in _placements_in("2028/29")} == {"first", "final"}
    assert _placements_in("2027/28") and _placements_in("2026/27") and not _placements_in("2029/30")
    assert PlacementOffer.objects.filter(partnership__slug=WLA, academic_year__label="2029/30").exists()
    _register_has_the_storys_mix(coordinator)
    _nothing_done_after(today)

    # Memoranda: the agreement in force was signed before today and is in force now.
    in_force = Memorandum.objects.get(partnership__slug=WLA, status=MemorandumStatus.ACTIVE)
    assert in_force.effective_date <= today < in_force.review_date and in_force.review_due_soon
    assert not Signature.objects.filter(signed_at__gt=timezone.now()).exists()
    signatory = User.objects.get(email="signatory@example.org")
    assert [i.title for i in attention_for(signatory) if i.kind == "Signature"] == [
        "Sign Practice learning operational agreement 2028/29 for London Borough of Ealing"
    ]
    assert Memorandum.objects.filter(title="Placements and ASYE operational agreement 2029/30").exists()

    # Health checks: three years for West London Alliance, last year's signed off, this year's waiting.
    checks = HealthCheck.objects.filter(partnership__slug=WLA, organisation__isnull=True)
    assert dict(checks.values_list("academic_year", "status")) == {
        "2026/27": HealthCheckStatus.SIGNED_OFF,
        "2027/28": HealthCheckStatus.SIGNED_OFF,
        "2028/29": HealthCheckStatus.SUBMITTED,
    }
    assert "2028/29" in coordinator.get("/health-checks/").content.decode()
    assert Action.objects.filter(owner__email="coordinator@example.org").overdue(today).exists()

    # Meetings: the board's spring and summer meetings are this year's, the autumn ones last year's,
    # and their minutes name the years as they were then.
    board = Meeting.objects.filter(group__partnership__slug=WLA, group__name="Strategic board")
    minutes = dict(board.values_list("held_on", "decisions"))
    assert sorted(minutes) == [dt.date(2028, 9, 24), dt.date(2029, 3, 12), dt.date(2029, 6, 18)]
    assert "placement priorities for 2029/30" in minutes[dt.date(2029, 3, 12)]
    assert "coverage for 2027/28" in minutes[dt.date(2028, 9, 24)]
    assert coordinator.get("/").status_code == 200


def test_placements_and_meetings_make_sense_on_2_march_2028(frozen_clock):
    today = _move(frozen_clock, dt.date(2028, 3, 2))
    partnerships_demo.seed(io.StringIO())
    placements_demo.seed(io.StringIO())
    coordinator = _as("coordinator@example.org")

    # Mid-year: first placements (October to January) are over, final placements are under way.
    assert _sufficiency_year(coordinator) == "2027/28"
    current = _placements_in("2027/28")
    assert {status for stage, status in current if stage == "first"} <= {"completed", "ended-early"}
    assert {status for stage, status in current if stage == "final"} == {"in-progress"}
    assert _placements_in("2025/26") and not _placements_in("2028/29")
    _register_has_the_storys_mix(coordinator)
    _nothing_done_after(today)
    operational = Meeting.objects.filter(group__partnership__slug=WLA, group__name="Operational group")
    assert sorted(operational.values_list("held_on", flat=True)) == [dt.date(2027, 10, 8), dt.date(2027, 11, 12)]


def test_placements_health_checks_and_meetings_make_sense_on_1_october_2031(frozen_clock):
    today = _move(frozen_clock, dt.date(2031, 10, 1))
    partnerships_demo.seed(io.StringIO())
    healthcheck_demo.seed(io.StringIO())
    placements_demo.seed(io.StringIO())
    coordinator = _as("coordinator@example.org")

    # The start of a year: this year's placements are arranged and about to begin, last year's done.
    assert _sufficiency_year(coordinator) == "2031/32"
    assert {status for _, status in _placements_in("2031/32")} <= {"confirmed", "proposed"}
    assert {status for _, status in _placements_in("2030/31")} <= {"completed", "ended-early"}
    assert PlacementOffer.objects.filter(partnership__slug=WLA, academic_year__label="2032/33").exists()
    _register_has_the_storys_mix(coordinator)
    _nothing_done_after(today)

    # The November meeting is last November's, not next month's; the board met last week.
    meetings = Meeting.objects.filter(group__partnership__slug=WLA)
    assert max(meetings.values_list("held_on", flat=True)) == dt.date(2031, 9, 24)
    assert meetings.filter(held_on=dt.date(2030, 11, 12)).exists()

    # Health checks: last year's signed off, this year's under way, last year's late actions overdue.
    for slug in partnerships_demo.DEMO_PARTNERSHIP_SLUGS:
        checks = HealthCheck.objects.filter(partnership__slug=slug, organisation__isnull=True)
        assert checks.get(academic_year="2030/31").status == HealthCheckStatus.SIGNED_OFF, slug
        assert checks.filter(academic_year="2031/32").exists(), slug
    assert Action.objects.filter(owner__email="coordinator@example.org").overdue(today).exists()
    assert "2031/32" in coordinator.get("/health-checks/").content.decode()
