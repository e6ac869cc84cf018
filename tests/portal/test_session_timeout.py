"""The session-timeout warning (WCAG 2.2.1): signed-in pages carry the dialogue and its timings,
"Stay signed in" restarts the idle limit, and the signed-out page says what happened.
(The dialogue's behaviour in a browser: tests/browser/test_session_timeout.py.)"""

import datetime as dt
import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.utils import timezone

from tests.portal.test_public_pages import text_of

pytestmark = pytest.mark.django_db


def dialogue_timings(response) -> dict:
    html = response.content.decode()
    tag = re.search(r"<dialog [^>]*>", html, re.DOTALL)
    assert tag, "no timeout dialogue on the page"
    return {k: v for k, v in re.findall(r'data-([a-z-]+)="([^"]*)"', tag.group(0))}


def test_a_signed_in_page_carries_the_dialogue_with_the_idle_limit_from_the_settings(client_for, settings):
    settings.SESSION_COOKIE_AGE = 600
    settings.SESSION_WARNING_SECONDS = 90
    response = client_for("member").get("/")
    timings = dialogue_timings(response)
    assert timings["module"] == "portal-session-timeout"
    assert timings["idle-seconds"] == "600"
    assert timings["warn-seconds"] == "90"
    assert 598 <= int(timings["seconds-left"]) <= 600
    assert timings["signed-out-url"] == "/accounts/signed-out/"
    text = text_of(response)
    assert "You will be signed out soon" in text
    assert "any changes you have not saved on this page will be lost" in text
    assert "Stay signed in" in text and "Sign out now" in text
    assert 'src="/static/js/session-timeout.js"' in response.content.decode()


def test_the_time_left_counts_from_the_last_save_of_the_session(client_for, settings, frozen_clock):
    """The session is saved at most once a minute, so 40 seconds after signing in a page has 40
    seconds less; after a minute the page's own response saves it and the full limit starts again."""
    settings.SESSION_COOKIE_AGE = 600
    client = client_for("member")
    frozen_clock.shift(40)
    assert 558 <= int(dialogue_timings(client.get("/"))["seconds-left"]) <= 560
    frozen_clock.shift(30)
    assert 598 <= int(dialogue_timings(client.get("/"))["seconds-left"]) <= 600


def test_pages_for_someone_signed_out_have_no_dialogue(client):
    html = client.get("/accounts/login/").content.decode()
    assert "<dialog" not in html
    assert "session-timeout.js" not in html


def _expiry(client) -> dt.datetime:
    return SessionStore(session_key=client.session.session_key).get_expiry_date()


def test_stay_signed_in_restarts_the_idle_limit(client_for, settings, frozen_clock):
    settings.SESSION_COOKIE_AGE = 600
    client = client_for("member")
    first = _expiry(client)
    frozen_clock.shift(300)
    response = client.post("/accounts/keep-alive/", headers={"X-Requested-With": "fetch"})
    assert response.status_code == 204
    moved = _expiry(client)
    assert moved - first >= dt.timedelta(seconds=299)
    assert moved - timezone.now() >= dt.timedelta(seconds=598)


def test_stay_signed_in_without_the_script_goes_back_to_the_page(client_for):
    client = client_for("member")
    back = client.post("/accounts/keep-alive/", headers={"Referer": "http://testserver/memoranda/"})
    assert back.status_code == 302 and back.headers["Location"] == "http://testserver/memoranda/"
    elsewhere = client.post("/accounts/keep-alive/", headers={"Referer": "https://evil.example/"})
    assert elsewhere.headers["Location"] == "/"


def test_stay_signed_in_needs_a_session_a_post_and_the_form_token(client_for, world):
    anonymous = Client().post("/accounts/keep-alive/", headers={"X-Requested-With": "fetch"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.headers["Location"]
    assert client_for("member").get("/accounts/keep-alive/").status_code == 405
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(world.user("member"))
    assert forged.post("/accounts/keep-alive/", headers={"X-Requested-With": "fetch"}).status_code == 403


def test_when_time_runs_out_the_script_signs_out_to_the_signed_out_page(client_for):
    """The dialogue's hidden form posts to sign-out with the signed-out page as the next page."""
    client = client_for("member")
    html = client.get("/").content.decode()
    form = re.search(r"<form [^>]*data-expired-sign-out>.*?</form>", html, re.DOTALL).group(0)
    assert 'action="/accounts/logout/"' in form
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = client.post(
        "/accounts/logout/", {"csrfmiddlewaretoken": token, "next": "/accounts/signed-out/?next=/memoranda/"}
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    text = text_of(page)
    assert "You have been signed out" in text
    assert "Anything you had not saved was not kept" in text
    assert 'href="/accounts/login/?next=%2Fmemoranda%2F"' in page.content.decode()
    assert client.get("/").status_code == 302  # really signed out


def test_the_signed_out_page_gives_the_idle_limit_and_ignores_an_off_site_next(client, settings):
    settings.SESSION_COOKIE_AGE = 15 * 60
    page = client.get("/accounts/signed-out/", {"next": "//evil.example/"})
    assert "you had not used the portal for 15 minutes" in text_of(page)
    assert 'href="/accounts/login/"' in page.content.decode()
