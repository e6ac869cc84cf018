"""One definition of what a calendar shows (`events_for`), read by the page and the feed, and the
extension point other apps register extra events into."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from calendars import selectors
from calendars.selectors import REVIEW, Event, Filters, events_for, register_event_source
from calendars.services import create_feed
from tests.calendars.helpers import place

pytestmark = pytest.mark.django_db


@pytest.fixture
def extra_source():
    """A source such as participants will register: a student's own placement, for a person who
    is no member of the partnership."""

    def own_placements(user, start, end, filters):
        if getattr(user, "email", "") != "outsider@matrix.test":
            return []
        return [
            Event(
                uid="participant-demo-1",
                kind=REVIEW,
                title="Midway review with your practice educator",
                starts_on=dt.date(2027, 1, 20),
                ends_on=dt.date(2027, 1, 20),
                partnership_id=0,
            )
        ]

    register_event_source(own_placements)
    yield own_placements
    selectors._sources.remove(own_placements)


def test_a_registered_source_reaches_the_page_and_the_feed(world, extra_source, client_for):
    outsider = world.user("non_member")
    january = (dt.date(2027, 1, 1), dt.date(2027, 1, 31))
    assert [e.uid for e in events_for(outsider, *january, Filters())] == ["participant-demo-1"]
    _, secret = create_feed(outsider)
    feed = Client().get(reverse("calendars:feed", args=[secret])).content.decode()
    assert "SUMMARY:Midway review with your practice educator" in feed
    assert "UID:participant-demo-1@" in feed


def test_events_come_in_date_order_blocks_first(world):
    place(world, reference="MTX0002", starts_on=dt.date(2027, 2, 8), ends_on=dt.date(2027, 6, 4), team="B Team")
    place(world, reference="MTX0001", team="A Team")
    events = events_for(world.user("coordinator"), dt.date(2027, 1, 1), dt.date(2027, 2, 28), Filters())
    assert [(e.starts_on, e.kind) for e in events] == sorted(
        ((e.starts_on, e.kind) for e in events), key=lambda x: (x[0], x[1] != "placement")
    )
    assert events[0].student == "MTX0001" and events[0].kind == "placement"


def test_a_site_administrator_sees_references_as_on_the_placements_pages(world):
    place(world, reference="MTX0001")
    events = events_for(world.user("admin"), dt.date(2027, 1, 1), dt.date(2027, 1, 31), Filters())
    assert {e.student for e in events} == {"MTX0001"}


@pytest.mark.parametrize("count", [2, 25])
def test_the_feed_s_queries_stay_flat(world, django_assert_max_num_queries, count):
    for n in range(count):
        place(world, reference=f"MTX{n:04d}", team=f"Team {n}")
    _, secret = create_feed(world.user("coordinator"))
    client = Client()
    # 5, and 2 for participants' source (is the owner also a student, a practice educator?).
    with django_assert_max_num_queries(7):
        response = client.get(reverse("calendars:feed", args=[secret]))
    assert response.status_code == 200 and response.content.count(b"BEGIN:VEVENT") == count * 4


def test_the_daily_job_revokes_links_of_closed_accounts(world):
    import io

    from django.core.management import call_command

    from calendars.models import CalendarFeed
    from portal.jobs import schedule

    feed, _ = create_feed(world.user("member"))
    create_feed(world.user("coordinator"))
    world.user("member").is_active = False
    world.user("member").save()
    out = io.StringIO()
    call_command("revoke_inactive_calendar_feeds", stdout=out)
    assert "1 calendar link(s) revoked." in out.getvalue()
    assert list(CalendarFeed.objects.filter(revoked_at__isnull=True).values_list("owner__email", flat=True)) == [
        "coordinator@matrix.test"
    ]
    assert "revoke_inactive_calendar_feeds" in {e.command for e in schedule.ENTRIES}
