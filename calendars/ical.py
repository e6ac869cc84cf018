"""The iCalendar (RFC 5545) text of a feed, built with the icalendar library.

Every event is an all-day event: DTSTART is its first day and DTEND the day after its last (DTEND
is exclusive for dates), so a placement block from 11 January to 4 June 2027 shows on both days
in every calendar app. UIDs are stable (the placement's id, and the review point), so a calendar
app updates an event in place when its dates change rather than adding another."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone

from calendars.selectors import BLOCK, Event
from portal.links import absolute_url

PRODID = "-//Social work teaching partnership portal//Calendar feed//EN"
# How often calendar apps are asked to fetch the feed again (Outlook and Apple read these; Google
# fetches on its own timetable, often every few hours to a day).
REFRESH = dt.timedelta(hours=6)


def _uid_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "portal.invalid"


def _description(event: Event) -> str:
    lines = [
        f"Student: {event.student}" if event.student else "",
        f"Team: {event.team}" if event.team else "",
        f"Employer: {event.employer}" if event.employer else "",
        f"University: {event.university}" if event.university else "",
        f"Stage: {event.stage}" if event.stage else "",
        f"Status: {event.status}" if event.status else "",
        f"Partnership: {event.partnership_name}" if event.partnership_name else "",
        *event.details,
    ]
    return "\n".join(line for line in lines if line)


def calendar_bytes(name: str, events: Iterable[Event]) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/London")
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", REFRESH)
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    domain = _uid_domain()
    for event in events:
        vevent = icalendar.Event()
        vevent.add("uid", f"{event.uid}@{domain}")
        vevent.add("dtstamp", stamp)
        vevent.add("dtstart", event.starts_on)
        vevent.add("dtend", event.ends_on + dt.timedelta(days=1))
        vevent.add("summary", event.title)
        vevent.add("description", _description(event))
        vevent.add("categories", ["Placement" if event.kind == BLOCK else "Review"])
        # A block lasts weeks: it should not make the person look busy all day.
        vevent.add("transp", "TRANSPARENT")
        if event.url:
            vevent.add("url", absolute_url(event.url))
        cal.add_component(vevent)
    return cal.to_ical()
