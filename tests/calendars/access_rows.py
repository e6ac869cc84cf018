"""Who may open each calendar page. The feed needs no sign-in: with a working secret in the
address anyone gets it (a calendar app cannot sign in), and without one everybody gets 404."""

from calendars.services import create_feed
from tests.access import Row, members, public, signed_in
from tests.placements.factories import placements_world


def _slug(w):
    placements_world(w)
    return {"slug": w.partnership.slug}


def _member_feed(w):
    feed, _ = create_feed(w.user("member"), partnership=w.partnership)
    return {"pk": feed.pk}


def _token(w):
    placements_world(w)
    _, secret = create_feed(w.user("member"), partnership=w.partnership)
    return {"token": secret}


def _unknown_token(w):
    return {"token": "ptc_" + "x" * 43}


def _revoked_token(w):
    from calendars.services import revoke_feed

    feed, secret = create_feed(w.user("member"))
    revoke_feed(w.user("member"), feed)
    return {"token": secret}


ROWS: list[Row] = [
    Row("calendars:partnership", members(), kwargs=_slug),
    Row("calendars:partnership", members(), kwargs=_slug, query="view=agenda&month=2027-01", note="the list"),
    Row("calendars:feed_list", signed_in()),
    Row("calendars:feed_revoke", signed_in(405), kwargs=_member_feed, note="POST only"),
    Row("calendars:feed_renew", signed_in(405), kwargs=_member_feed, note="POST only"),
    Row("calendars:feed", public(), kwargs=_token, note="the secret is the key"),
    Row("calendars:feed", public(404), kwargs=_unknown_token, note="no such secret"),
    Row("calendars:feed", public(404), kwargs=_revoked_token, note="revoked"),
]
