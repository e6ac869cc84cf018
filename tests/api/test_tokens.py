"""Personal access tokens: made on a page, shown once, stored hashed, limited, expiring,
revocable by their owner and by site administrators, each change in the audit trail."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.test import Client
from django.utils import timezone

from api.actions import Action
from api.models import ApiToken
from api.services import create_token, revoke_token
from partnerships.models import Role
from portal.models import AuditEvent
from tests import factories as f
from tests.api.helpers import token_for

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(**overrides) -> dict:
    data = {
        "name": "Board report in Power BI",
        "expires_on": (timezone.localdate() + dt.timedelta(days=90)).isoformat(),
        "scope": "all",
    }
    return {**data, **overrides}


def test_a_member_makes_a_token_and_sees_it_once(world):
    client = _signed_in(world.user("member"))
    page = client.get("/account/api-tokens/")
    assert "You have no API tokens" in page.content.decode()
    posted = client.post("/account/api-tokens/", _form())
    assert posted.status_code == 302 and posted["Location"] == "/account/api-tokens/"
    made = client.get("/account/api-tokens/")
    html = made.content.decode()
    assert "This is the only time it is shown" in html
    assert made["Cache-Control"] == "no-store"
    secret = made.context["secret"]
    assert secret.startswith("ptp_") and len(secret) >= 40 and secret in html
    token = ApiToken.objects.get()
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.values().get()), "only the digest is stored"
    listed = client.get("/account/api-tokens/").content.decode()
    assert "Board report in Power BI" in listed and secret not in listed and "Never" in listed, "shown once"
    # Using it shows when it was last used.
    assert Client().get("/api/v1/partnerships", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert "Never" not in client.get("/account/api-tokens/").content.decode()
    event = AuditEvent.objects.get(action=Action.TOKEN_CREATED)
    assert secret not in str(event.changes) + event.summary and "Board report" in event.summary


def test_the_expiry_is_required_and_at_most_a_year_away(world):
    client = _signed_in(world.user("member"))
    missing = client.post("/account/api-tokens/", _form(expires_on=""))
    assert "Enter expiry date" in missing.content.decode()
    too_late = client.post(
        "/account/api-tokens/", _form(expires_on=(timezone.localdate() + dt.timedelta(days=400)).isoformat())
    )
    html = too_late.content.decode()
    assert too_late.status_code == 200 and "no later than" in html and "Error:" in html
    past = client.post("/account/api-tokens/", _form(expires_on=(timezone.localdate()).isoformat()))
    assert "must be in the future" in past.content.decode()
    assert not ApiToken.objects.exists()


def test_a_token_limited_to_chosen_partnerships(world):
    lead = world.user("lead")
    f.MembershipFactory(user=lead, partnership=world.other_partnership, role=Role.MEMBER)
    client = _signed_in(lead)
    none_chosen = client.post("/account/api-tokens/", _form(scope="some"))
    assert "Select at least one partnership" in none_chosen.content.decode()
    client.post("/account/api-tokens/", _form(scope="some", partnerships=[world.other_partnership.pk]))
    secret = client.get("/account/api-tokens/").context["secret"]
    slugs = [
        p["slug"]
        for p in Client().get("/api/v1/partnerships", headers={"Authorization": f"Bearer {secret}"}).json()["items"]
    ]
    assert slugs == ["elsewhere"]
    assert "Elsewhere Partnership" in client.get("/account/api-tokens/").content.decode()
    # Not a partnership the person belongs to: refused by the service, whatever the form sent.
    with pytest.raises(Exception, match="member of"):
        create_token(
            world.user("member"),
            name="x",
            expires_on=timezone.localdate() + dt.timedelta(days=5),
            partnership_ids=[world.other_partnership.pk],
        )


def test_a_site_administrators_limited_token_is_no_master_key(world):
    admin = world.user("admin")
    f.MembershipFactory(user=admin, partnership=world.other_partnership, role=Role.MEMBER)
    everything = token_for(admin)
    limited = token_for(admin, partnership_ids=[world.other_partnership.pk])

    def slugs(secret):
        reply = Client().get("/api/v1/partnerships", headers={"Authorization": f"Bearer {secret}"})
        return {p["slug"] for p in reply.json()["items"]}

    assert slugs(everything) == {"matrix-tp", "elsewhere"}
    assert slugs(limited) == {"elsewhere"}
    admin.refresh_from_db()
    assert admin.is_site_admin, "the limit lives on the request's user object, never saved"


def test_the_owner_revokes_their_token(world):
    member = world.user("member")
    secret = token_for(member, name="Old laptop")
    client = _signed_in(member)
    token = ApiToken.objects.get()
    response = client.post(f"/account/api-tokens/{token.pk}/revoke/", follow=True)
    assert "is revoked" in response.content.decode() and "Revoked" in response.content.decode()
    assert Client().get("/api/v1/partnerships", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert AuditEvent.objects.filter(action=Action.TOKEN_REVOKED, target_id=str(token.pk)).count() == 1
    revoke_token(member, ApiToken.objects.get())  # again: nothing more happens
    assert AuditEvent.objects.filter(action=Action.TOKEN_REVOKED).count() == 1


def test_someone_elses_token_cannot_be_revoked_or_seen(world):
    token_for(world.user("member"), name="Member token")
    token = ApiToken.objects.get()
    lead = _signed_in(world.user("lead"))
    assert lead.post(f"/account/api-tokens/{token.pk}/revoke/").status_code == 404
    assert "Member token" not in lead.get("/account/api-tokens/").content.decode()
    assert lead.get("/account/api-tokens/all/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_site_administrator_sees_and_revokes_any_token(world):
    secret = token_for(world.user("member"), name="Member token")
    token_for(world.user("lead"), name="Lead token")
    admin = _signed_in(world.user("admin"))
    page = admin.get("/account/api-tokens/all/").content.decode()
    assert "Member token" in page and "Lead token" in page
    assert "member@matrix.test" in page
    token = ApiToken.objects.get(name="Member token")
    after = admin.post(f"/account/api-tokens/{token.pk}/revoke/", {"from": "admin"}, follow=True)
    assert after.redirect_chain[-1][0] == "/account/api-tokens/all/"
    assert "Ada Admin" in after.content.decode()  # who revoked it
    assert Client().get("/api/v1/partnerships", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    event = AuditEvent.objects.get(action=Action.TOKEN_REVOKED)
    assert "Max Member's API token" in event.summary
    # The owner sees that it was revoked and by whom.
    owner_page = _signed_in(world.user("member")).get("/account/api-tokens/").content.decode()
    assert "Revoked" in owner_page and "Ada Admin" in owner_page


def test_a_token_stops_when_its_owner_is_deactivated(world):
    member = world.user("member")
    secret = token_for(member)
    member.is_active = False
    member.save()
    assert Client().get("/api/v1/partnerships", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_a_session_does_not_open_the_api(world):
    client = _signed_in(world.user("lead"))
    response = client.get("/api/v1/partnerships")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
