"""The demo data keeps the contract other apps' demos rely on, and each demo user sees exactly
their partnerships."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from partnerships import demo
from partnerships.models import Membership, Partnership, Role
from partnerships.selectors import current
from portal.audit import verify_chain
from portal.models import User

pytestmark = pytest.mark.django_db

EXPECTED = {
    "lead@example.org": {"west-london-alliance": "lead", "salford-greater-manchester": "lead"},
    "signatory@example.org": {"west-london-alliance": "signatory", "leeds-wakefield": "signatory"},
    "coordinator@example.org": {
        "west-london-alliance": "coordinator",
        "salford-greater-manchester": "coordinator",
        "leeds-wakefield": "coordinator",
        "cumbria": "member",
    },
    "member@example.org": {"west-london-alliance": "member", "salford-greater-manchester": "member"},
}


def _counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_app_config("partnerships").get_models()} | {
        "users": User.objects.count()
    }


@pytest.fixture
def seeded(db):
    demo.seed(io.StringIO())


# Seeding takes a couple of seconds, so each test below checks several things about one seed.


def test_seeding_twice_creates_nothing_new_and_keeps_the_contract(seeded):
    first = _counts()
    demo.seed(io.StringIO())
    assert _counts() == first
    assert verify_chain() == []

    assert demo.DEMO_PARTNERSHIP_SLUGS == [
        "west-london-alliance",
        "salford-greater-manchester",
        "leeds-wakefield",
        "neswa",
        "cumbria",
    ]
    sizes = {p.slug: p.partners.count() for p in Partnership.objects.all()}
    assert sizes == {
        "west-london-alliance": 13,
        "salford-greater-manchester": 8,
        "leeds-wakefield": 4,
        "neswa": 18,
        "cumbria": 6,
    }
    for partnership in Partnership.objects.all():
        # Every current partner has a signatory, so other apps can seed fully signed memoranda.
        partners = set(partnership.partners.filter(current()).values_list("organisation_id", flat=True))
        signing = set(partnership.memberships.filter(role=Role.SIGNATORY).values_list("organisation_id", flat=True))
        assert partners <= signing, partnership.slug
        # An invented lead and coordinator besides the demo users.
        roles = set(partnership.memberships.exclude(user__email__in=EXPECTED).values_list("role", flat=True))
        assert {Role.LEAD, Role.COORDINATOR} <= roles, partnership.slug
        assert partnership.partners.filter(level="lead").count() == 1

    for email, expected in EXPECTED.items():
        held = {m.partnership.slug: m.role for m in Membership.objects.filter(user__email=email)}
        assert held == expected, email
    ealing = Membership.objects.get(user__email="signatory@example.org", partnership__slug="west-london-alliance")
    assert ealing.organisation.name == "London Borough of Ealing"
    wakefield = Membership.objects.get(user__email="signatory@example.org", partnership__slug="leeds-wakefield")
    assert wakefield.organisation.name == "Wakefield Council"
    admin = User.objects.get(email="admin@example.org")
    assert admin.is_site_admin and not admin.memberships.exists()

    wla = Partnership.objects.get(slug="west-london-alliance")
    assert wla.aims.count() == 3
    assert sum(aim.outcomes.count() for aim in wla.aims.all()) == 4
    assert wla.groups.get(name="Strategic board").meetings.count() == 3


def test_each_demo_user_signs_in_and_sees_exactly_their_partnerships(seeded):
    for email in [*EXPECTED, "admin@example.org"]:
        client = Client()
        assert client.login(username=email, password="demo-password"), email
        html = client.get("/partnerships/").content.decode()
        visible = demo.DEMO_PARTNERSHIP_SLUGS if email == "admin@example.org" else EXPECTED[email]
        for partnership in Partnership.objects.all():
            assert (partnership.name in html) == (partnership.slug in visible), (email, partnership.slug)
            status = client.get(f"/partnerships/{partnership.slug}/").status_code
            # A member gets 404 on a partnership they are not in (leeds-wakefield, neswa, cumbria).
            assert status == (200 if partnership.slug in visible else 404), (email, partnership.slug)


def test_the_seed_demo_command_refuses_without_debug_unless_forced(settings):
    settings.DEBUG, settings.TESTING = False, False
    with pytest.raises(Exception, match="refuses to run with DEBUG off"):
        call_command("seed_demo", stdout=io.StringIO())
