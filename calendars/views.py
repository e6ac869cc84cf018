"""Calendar pages: a partnership's month view and agenda of placement blocks and review dates,
your calendar links (make, renew, revoke) and the feed itself, which calendar apps fetch without
signing in."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from calendars.forms import FeedForm
from calendars.ical import calendar_bytes
from calendars.models import CalendarFeed
from calendars.selectors import BLOCK, KINDS, REVIEW, Filters, events_for, filter_choices, filter_words
from calendars.services import (
    can_revoke,
    create_feed,
    feed_for_secret,
    note_fetched,
    replace_feed,
    revoke_feed,
)
from partnerships.access import can_see, partnership_or_404
from partnerships.auth import AuthenticatedHttpRequest
from partnerships.models import Organisation
from portal.dates import EARLIEST_DATE, LATEST_DATE
from portal.flows import GET_ONLY, GET_POST, POST_ONLY
from portal.forms import submit
from portal.paging import positive_int

# The feed's window: what a calendar app needs, without sending years of history each fetch.
FEED_DAYS_BACK = 183  # about 6 months
FEED_DAYS_AHEAD = 548  # about 18 months
MAX_FEED_EVENTS = 5000
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
FILTER_NAMES = ("team", "employer", "university")


def parse_month(value: str, today: dt.date) -> dt.date:
    """The first day of the month in `?month=2026-11`, or of this month when missing or bad."""
    try:
        year, month = (int(part) for part in value.split("-"))
        first = dt.date(year, month, 1)
    except (TypeError, ValueError):
        return today.replace(day=1)
    return first if EARLIEST_DATE <= first <= LATEST_DATE else today.replace(day=1)


def _month_after(first: dt.date) -> dt.date:
    return (first + dt.timedelta(days=32)).replace(day=1)


def _month_before(first: dt.date) -> dt.date:
    return (first - dt.timedelta(days=1)).replace(day=1)


def _day_items(events, start: dt.date, end: dt.date) -> dict[dt.date, list[tuple[str, object]]]:
    """What each day of the month shows: a block's first and last day, and each review due."""
    days: dict[dt.date, list[tuple[str, object]]] = defaultdict(list)
    for event in events:
        if event.kind == BLOCK:
            if start <= event.starts_on <= end:
                days[event.starts_on].append(("Starts", event))
            if start <= event.ends_on <= end and event.ends_on != event.starts_on:
                days[event.ends_on].append(("Last day", event))
        elif start <= event.starts_on <= end:
            days[event.starts_on].append(("Review due" if event.kind == REVIEW else "Event", event))
    return days


def _query(filters: dict[str, str], kinds: list[str], **more: str) -> str:
    pairs = [(k, v) for k, v in {**filters, **more}.items() if v] + [("kinds", k) for k in kinds]
    return urlencode(pairs)


@login_required
@GET_ONLY
def partnership_calendar(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug)
    today = timezone.localdate()
    first = parse_month(request.GET.get("month", ""), today)
    last = _month_after(first) - dt.timedelta(days=1)
    view = "agenda" if request.GET.get("view") == "agenda" else "month"
    filters = Filters.from_data(request.GET, partnership.pk)
    events = events_for(request.user, first, last, filters)
    days = _day_items(events, first, last)
    weeks = [
        [(day, day.month == first.month, days.get(day, [])) for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    current = {
        "team": filters.team,
        "employer": str(filters.employer_id or ""),
        "university": str(filters.university_id or ""),
    }
    kinds = sorted(filters.kinds)
    base = reverse("calendars:partnership", args=[partnership.slug])
    return render(
        request,
        "calendars/partnership_calendar.html",
        {
            "partnership": partnership,
            "month": first,
            "today": today,
            "view": view,
            "weeks": weeks,
            "weekdays": WEEKDAYS,
            "days_with_items": sorted(days.items()),
            "blocks": [e for e in events if e.kind == BLOCK],
            "reviews": [e for e in events if e.kind != BLOCK],
            "choices": filter_choices(partnership),
            "current": current,
            "kinds": [(value, label, value in filters.kinds) for value, label in KINDS.items()],
            "selected_kinds": kinds,
            "filtered": bool(filters.saved()),
            "previous_url": f"{base}?{_query(current, kinds, month=f'{_month_before(first):%Y-%m}', view=view)}",
            "next_url": f"{base}?{_query(current, kinds, month=f'{_month_after(first):%Y-%m}', view=view)}",
            "month_url": f"{base}?{_query(current, kinds, month=f'{first:%Y-%m}')}",
            "agenda_url": f"{base}?{_query(current, kinds, month=f'{first:%Y-%m}', view='agenda')}",
        },
    )


# The new link's secret rides in the session from the POST to the page after it (one GET), so
# reloading that page or going back never shows it again (as with API tokens).
NEW_FEED_KEY = "calendars_new_feed"


def _feed_url(request: HttpRequest, secret: str) -> str:
    from portal.links import absolute_url

    return absolute_url(reverse("calendars:feed", args=[secret]))


@login_required
@GET_POST
def feed_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Your calendar links and the form to make one; straight after making one, its address,
    shown once."""
    form = FeedForm(request.POST or None, user=request.user, initial={"scope": request.GET.get("scope", "all")})
    if request.method == "POST":
        saved, result = submit(
            form,
            lambda data: create_feed(request.user, partnership=form.partnership(), filters=Filters.from_data(data)),
        )
        if saved and result is not None:
            made, secret = result
            request.session[NEW_FEED_KEY] = [made.pk, secret]
            return redirect("calendars:feed_list")
    new = request.session.pop(NEW_FEED_KEY, None)
    if new is not None and request.method == "GET":
        shown = CalendarFeed.objects.select_related("partnership").filter(pk=new[0], owner=request.user).first()
        if shown is not None:
            url = _feed_url(request, new[1])
            response = render(
                request,
                "calendars/feed_created.html",
                {"feed": shown, "url": url, "webcal_url": "webcal://" + url.split("://", 1)[-1]},
            )
            response["Cache-Control"] = "no-store"
            return response
    feeds = list(CalendarFeed.objects.filter(owner=request.user).select_related("partnership"))
    org_ids = {positive_int(f.filters.get(k)) for f in feeds for k in ("employer", "university")} - {None}
    names = dict(Organisation.objects.filter(pk__in=org_ids).values_list("id", "name")) if org_ids else {}
    rows = [(f, filter_words(f.filters, names)) for f in feeds]
    return render(request, "calendars/feed_list.html", {"form": form, "feeds": rows})


def _own_feed(request: AuthenticatedHttpRequest, pk: int) -> CalendarFeed:
    feed = CalendarFeed.objects.select_related("partnership").filter(pk=pk).first()
    if feed is None or not can_revoke(request.user, feed):
        raise Http404("No such calendar link")
    return feed


@login_required
@POST_ONLY
def feed_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    revoke_feed(request.user, _own_feed(request, pk))
    messages.success(request, "The calendar link is revoked: calendar apps can no longer fetch it.")
    return redirect("calendars:feed_list")


@login_required
@POST_ONLY
def feed_renew(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Make a new link: the old one stops working, the new one is shown once."""
    feed = _own_feed(request, pk)
    if feed.owner_id != request.user.pk or feed.revoked_at is not None:
        raise Http404("No such calendar link")
    try:
        new, secret = replace_feed(request.user, feed)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("calendars:feed_list")
    request.session[NEW_FEED_KEY] = [new.pk, secret]
    return redirect("calendars:feed_list")


@GET_ONLY
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed. No sign-in (calendar apps cannot): the secret in the address is the
    key. It shows what the owner may see on the calendar pages now, within the feed's window."""
    found = feed_for_secret(token)
    if found is None:
        raise Http404("No such calendar")
    owner = found.owner
    today = timezone.localdate()
    filters = Filters.from_data(found.filters, found.partnership_id)
    if found.partnership_id and not can_see(owner, found.partnership_id):
        events = []  # the owner left the partnership: it shows nothing from it any more
    else:
        start, end = today - dt.timedelta(days=FEED_DAYS_BACK), today + dt.timedelta(days=FEED_DAYS_AHEAD)
        events = events_for(owner, start, end, filters)[:MAX_FEED_EVENTS]
    name = f"{found.partnership.name}: placements" if found.partnership else "My placements (partnership portal)"
    note_fetched(found)
    response = HttpResponse(calendar_bytes(name, events), content_type="text/calendar; charset=utf-8")
    # An attachment like every download (a browser that opens the link saves the file rather than
    # showing it); calendar apps subscribing to the link read it all the same.
    response["Content-Disposition"] = 'attachment; filename="placements.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
