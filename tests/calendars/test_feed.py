"""The personal iCalendar feed, fetched over real HTTP as a calendar app does (no sign-in) and
read back with the icalendar library."""

from __future__ import annotations

import datetime as dt
import urllib.error
import urllib.request

import icalendar
import pytest
from django.urls import reverse

from calendars.actions import Action
from calendars.models import CalendarFeed
from calendars.selectors import Filters
from calendars.services import create_feed, replace_feed, revoke_feed, revoke_feeds_of_inactive_users
from partnerships.models import Membership, Role
from portal.models import AuditEvent
from tests import factories as f
from tests.calendars.helpers import another_employer, place

pytestmark = pytest.mark.django_db(transaction=True)


def _fetch(live_server, secret: str) -> tuple[int, str, icalendar.Calendar | None]:
    url = live_server.url + reverse("calendars:feed", args=[secret])
    try:
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 (the test server)
            body = response.read()
            return response.status, response.headers["Content-Type"], icalendar.Calendar.from_ical(body)
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), None


def _events(cal) -> dict[str, icalendar.Event]:
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def test_a_calendar_app_gets_blocks_and_review_dates_as_all_day_events(world, live_server):
    placement = place(world, reference="MTX0042", name="Alice Example")
    _, secret = create_feed(world.user("coordinator"), partnership=world.partnership)
    status, content_type, cal = _fetch(live_server, secret)
    assert status == 200 and content_type.startswith("text/calendar")
    assert cal is not None
    assert str(cal["x-wr-calname"]) == "Matrix Teaching Partnership: placements"
    assert cal["refresh-interval"].dt == dt.timedelta(hours=6)
    events = _events(cal)
    block = next(e for uid, e in events.items() if uid.startswith(f"placement-{placement.pk}@"))
    assert block.decoded("dtstart") == dt.date(2027, 1, 11)
    assert block.decoded("dtend") == dt.date(2027, 6, 5)  # exclusive: the day after the last day
    assert str(block["summary"]) == "MTX0042: final placement at Duty Team"
    assert "dtstamp" in block
    due = placement.review_due_dates()
    reviews = {uid.split("@")[0]: e for uid, e in events.items() if uid.startswith("review-")}
    assert set(reviews) == {f"review-{placement.pk}-{point}" for point in due}
    four = reviews[f"review-{placement.pk}-four-weeks"]
    assert four.decoded("dtstart") == due["four-weeks"]
    assert four.decoded("dtend") == due["four-weeks"] + dt.timedelta(days=1)
    assert str(four["summary"]) == "Four-week review due: MTX0042 at Duty Team"
    body = cal.to_ical().decode()
    assert "Alice Example" not in body and "Alice" not in body
    # Fetched again, the same UIDs: a calendar app updates its events rather than adding more.
    assert set(_events(_fetch(live_server, secret)[2])) == set(events)


def test_the_last_fetch_is_shown_to_the_owner(world, live_server, client_for):
    feed, secret = create_feed(world.user("member"))
    page = client_for("member").get(reverse("calendars:feed_list")).content.decode()
    assert "Not yet" in page
    _fetch(live_server, secret)
    feed.refresh_from_db()
    assert feed.last_fetched_at is not None
    page = client_for("member").get(reverse("calendars:feed_list")).content.decode()
    assert f"{feed.last_fetched_at.astimezone().day} " in page and "Not yet" not in page


def test_revoked_and_unknown_links_are_404(world, live_server):
    feed, secret = create_feed(world.user("member"))
    assert _fetch(live_server, secret)[0] == 200
    revoke_feed(world.user("member"), feed)
    assert _fetch(live_server, secret)[0] == 404
    assert _fetch(live_server, "ptc_" + "a" * 43)[0] == 404
    assert _fetch(live_server, "not-even-a-link")[0] == 404


def test_a_new_link_revokes_the_old(world, live_server):
    feed, old = create_feed(world.user("member"), partnership=world.partnership, filters=Filters(team="Duty Team"))
    new_feed, new = replace_feed(world.user("member"), feed)
    assert _fetch(live_server, old)[0] == 404
    assert _fetch(live_server, new)[0] == 200
    assert new_feed.partnership == world.partnership and new_feed.filters == {"team": "Duty Team"}
    actions = list(AuditEvent.objects.filter(target_type="calendars.calendarfeed").values_list("action", flat=True))
    assert actions.count(Action.FEED_CREATED) == 2 and actions.count(Action.FEED_REVOKED) == 1


def test_scope_and_filters(world, live_server):
    """A feed for one partnership shows none of another's; a filtered feed only what matches."""
    coordinator = world.user("coordinator")
    f.MembershipFactory(user=coordinator, partnership=world.other_partnership, role=Role.MEMBER)
    here = place(world, reference="MTX0001")
    riverside = another_employer()
    filtered_out = place(world, reference="MTX0002", employer=riverside, team="Adults Team")
    there = place(world, reference="ELS0001", partnership=world.other_partnership)
    _, scoped = create_feed(coordinator, partnership=world.partnership)
    _, everywhere = create_feed(coordinator)
    _, only_riverside = create_feed(
        coordinator,
        partnership=world.partnership,
        filters=Filters(employer_id=riverside.pk, kinds=frozenset({"review"})),
    )

    def placements(secret):
        return {uid.split("@")[0] for uid in _events(_fetch(live_server, secret)[2]) if uid.startswith("placement-")}

    def reviews(secret):
        return {uid.split("-")[1] for uid in _events(_fetch(live_server, secret)[2]) if uid.startswith("review-")}

    assert placements(scoped) == {f"placement-{here.pk}", f"placement-{filtered_out.pk}"}
    assert placements(everywhere) == {f"placement-{p.pk}" for p in (here, filtered_out, there)}
    assert placements(only_riverside) == set() and reviews(only_riverside) == {str(filtered_out.pk)}
    cal = _fetch(live_server, everywhere)[2]
    assert str(cal["x-wr-calname"]) == "My placements (partnership portal)"


def test_someone_who_leaves_the_partnership_sees_nothing_from_it(world, live_server):
    place(world, reference="MTX0001")
    member = world.user("member")
    _, scoped = create_feed(member, partnership=world.partnership)
    _, everywhere = create_feed(member)
    assert len(_events(_fetch(live_server, scoped)[2])) == 4  # the block and three reviews
    Membership.objects.filter(user=member, partnership=world.partnership).delete()
    assert _events(_fetch(live_server, scoped)[2]) == {}
    assert _events(_fetch(live_server, everywhere)[2]) == {}


def test_a_deactivated_account_s_links_stop_and_are_revoked(world, live_server):
    member = world.user("member")
    feed, secret = create_feed(member)
    member.is_active = False
    member.save()
    assert _fetch(live_server, secret)[0] == 404
    assert revoke_feeds_of_inactive_users() == 1
    feed.refresh_from_db()
    assert feed.revoked_at is not None and feed.revoked_by is None
    assert revoke_feeds_of_inactive_users() == 0


def test_the_feed_covers_six_months_back_to_eighteen_ahead(world, live_server):
    # The suite's clock: 16 November 2026.
    old = place(
        world, reference="OLD0001", team="Old Team", starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2026, 1, 30)
    )
    recent = place(world, reference="REC0001", starts_on=dt.date(2026, 1, 5), ends_on=dt.date(2026, 6, 1))
    far = place(
        world, reference="FAR0001", team="Far Team", starts_on=dt.date(2028, 9, 4), ends_on=dt.date(2029, 1, 26)
    )
    _, secret = create_feed(world.user("coordinator"))
    uids = {uid.split("@")[0] for uid in _events(_fetch(live_server, secret)[2])}
    assert f"placement-{recent.pk}" in uids
    assert f"placement-{old.pk}" not in uids and f"placement-{far.pk}" not in uids


def test_the_link_is_shown_once(world, client_for):
    client = client_for("member")
    response = client.post(reverse("calendars:feed_list"), {"scope": "matrix-tp"})
    assert response.status_code == 302
    shown = client.get(reverse("calendars:feed_list"))
    text = shown.content.decode()
    assert shown["Cache-Control"] == "no-store" and "Your new calendar link" in text
    feed = CalendarFeed.objects.get(owner=world.user("member"))
    assert f"/calendars/feed/ptc_{feed.hint}" in text and "webcal://" in text
    again = client.get(reverse("calendars:feed_list")).content.decode()
    assert f"/calendars/feed/ptc_{feed.hint}" not in again and f"…{feed.hint}" in again
    assert feed.partnership == world.partnership


def test_only_a_member_s_partnerships_can_be_chosen(world, client_for):
    response = client_for("member").post(reverse("calendars:feed_list"), {"scope": "elsewhere"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not CalendarFeed.objects.exists()


def test_someone_else_s_link_cannot_be_revoked(world, client_for):
    feed, _ = create_feed(world.user("member"))
    assert client_for("coordinator").post(reverse("calendars:feed_revoke", args=[feed.pk])).status_code == 404
    assert client_for("coordinator").post(reverse("calendars:feed_renew", args=[feed.pk])).status_code == 404
    assert client_for("member").post(reverse("calendars:feed_revoke", args=[feed.pk])).status_code == 302
    feed.refresh_from_db()
    assert feed.revoked_at is not None
