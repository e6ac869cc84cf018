"""A student's and a practice educator's calendar link: their own placements (a student's; the
students an educator supports), never anyone else's, through the real feed URL."""

from __future__ import annotations

import pytest

from calendars.services import create_feed
from tests.calendars.test_feed import _events, _fetch
from tests.participants.factories import own_placement
from tests.placements import factories as pf

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_student_and_an_educator_get_their_own_placements_in_their_calendar_link(world, live_server):
    mine = own_placement(world, team="Duty Team")
    someone_else = pf.PlacementFactory(
        offer=pf.OfferFactory(partnership=world.partnership, employer=world.employer, team="Other Team"),
        status="in-progress",
    )
    _, student_secret = create_feed(world.user("student"), partnership=None)
    _, educator_secret = create_feed(world.user("educator"), partnership=None)

    for secret in (student_secret, educator_secret):
        status, _, cal = _fetch(live_server, secret)
        assert status == 200 and cal is not None
        events = _events(cal)
        blocks = {uid.split("@")[0] for uid in events if uid.startswith("placement-")}
        assert blocks == {f"placement-{mine.pk}"}, secret
        block = next(e for uid, e in events.items() if uid.startswith(f"placement-{mine.pk}@"))
        assert str(block["summary"]).startswith(f"{mine.student.reference}: ")
        assert all(someone_else.student.reference not in str(e["summary"]) for e in events.values())
        assert any(uid.startswith(f"review-{mine.pk}-") for uid in events)


def test_a_student_makes_a_calendar_link_from_their_page(world, client_for):
    own_placement(world)
    student = client_for("student")
    home = student.get("/your-placements/").content.decode()
    assert "make a calendar link" in home and 'href="/calendars/links/"' in home
    page = student.get("/calendars/links/").content.decode()
    assert "My own placements" in page and "All my partnerships" not in page
    response = student.post("/calendars/links/", {"scope": "all"})
    assert response.status_code == 302
    created = student.get("/calendars/links/").content.decode()
    assert "/calendars/feed/" in created  # the address, shown once
