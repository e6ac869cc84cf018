"""Signing in by e-mail, signing out, password reset, throttling and idle expiry."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.smoke
def test_a_user_signs_in_with_their_email_in_any_case(client):
    UserFactory(email="asha@example.org")
    response = client.post("/accounts/login/", {"username": "Asha@Example.org ", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_wrong_password_is_refused_and_the_email_is_kept(client):
    UserFactory(email="asha@example.org")
    response = client.post("/accounts/login/", {"username": "asha@example.org", "password": "wrong-password"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Enter a correct email address and password" in html
    assert 'value="asha@example.org"' in html


def test_pages_need_a_signed_in_user(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


def test_signing_out_needs_a_post_and_ends_the_session(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_repeated_failed_sign_ins_are_throttled(client, settings):
    settings.AXES_ENABLED = True
    UserFactory(email="target@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "target@example.org", "password": "guess"})
    response = client.post("/accounts/login/", {"username": "target@example.org", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_a_forgotten_password_is_reset_through_an_emailed_link(client):
    user = UserFactory(email="reset@example.org")
    client.post("/accounts/password_reset/", {"email": "reset@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert "Choose a new password" in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-brand-new-passphrase")


def test_a_weak_new_password_is_refused_by_the_validators(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()


def _stored_expiry(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_activity_moves_the_session_expiry_forward_but_not_on_every_page(client):
    from django.contrib.sessions.models import Session

    client.force_login(UserFactory())
    client.get("/")
    first = _stored_expiry(client)
    assert first - timezone.now() > dt.timedelta(minutes=59)  # an hour from now
    client.get("/")
    assert _stored_expiry(client) == first  # within the minute: no write
    # A minute later, the next page pushes the expiry forward again.
    session = client.session
    session["touched_at"] -= 61
    session.save()
    Session.objects.filter(session_key=session.session_key).update(expire_date=timezone.now() + dt.timedelta(minutes=5))
    client.get("/")
    assert _stored_expiry(client) - timezone.now() > dt.timedelta(minutes=59)


def test_an_idle_session_signs_the_person_out(client):
    from django.contrib.sessions.models import Session

    client.force_login(UserFactory())
    client.get("/")
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_someone_invited_who_lost_the_email_can_ask_for_a_link_to_set_a_password(client):
    invited = UserFactory(email="invited@example.org")
    invited.set_unusable_password()
    invited.save()
    client.post("/accounts/password_reset/", {"email": "Invited@Example.org"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["invited@example.org"]


def test_a_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.org"}, follow=True)
    assert response.status_code == 200
    assert mail.outbox == []


def test_behind_a_proxy_throttling_counts_each_client_address_separately(client, settings):
    settings.AXES_ENABLED = True
    settings.PROXY_COUNT = 1
    UserFactory(email="target@example.org")
    attacker = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "target@example.org", "password": "guess"}, **attacker)
    locked = client.post("/accounts/login/", {"username": "target@example.org", "password": PASSWORD}, **attacker)
    assert locked.status_code == 429
    # The owner, behind the same proxy but at their own address, still signs in.
    owner = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    response = client.post("/accounts/login/", {"username": "target@example.org", "password": PASSWORD}, **owner)
    assert response.status_code == 302


def test_a_forged_forwarded_address_does_not_escape_throttling(client, settings):
    settings.AXES_ENABLED = True
    settings.PROXY_COUNT = 1
    UserFactory(email="target@example.org")
    for n in range(settings.AXES_FAILURE_LIMIT):
        # The client writes its own X-Forwarded-For entry; the proxy appends the real address.
        forged = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": f"10.0.0.{n}, 203.0.113.9"}
        client.post("/accounts/login/", {"username": "target@example.org", "password": "guess"}, **forged)
    again = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "10.9.9.9, 203.0.113.9"}
    response = client.post("/accounts/login/", {"username": "target@example.org", "password": PASSWORD}, **again)
    assert response.status_code == 429
