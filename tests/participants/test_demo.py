"""The demo's student and practice educator sign-ins: linked to a placement under way and its
educator in the first demo partnership; idempotent."""

import io

import pytest
from django.test import Client

from participants import demo
from participants.models import EducatorAccount, StudentAccount
from placements import demo as placements_demo
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_demo_student_and_educator_sign_in_to_a_placement_under_way_and_it_runs_twice():
    west = f.PartnershipFactory(slug="west-london-alliance", name="West London Alliance")
    for name in ["Council A", "Council B"]:
        f.PartnerFactory(partnership=west, organisation=f.OrganisationFactory(name=name))
    f.PartnerFactory(partnership=west, organisation=f.UniversityFactory(name="University W"))
    placements_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    account = StudentAccount.objects.get(user__email="student@example.org")
    educator = EducatorAccount.objects.get(user__email="educator@example.org")
    placement = account.student.placements.filter(offer__practice_educator=educator.educator).get()
    assert placement.status == "in-progress" and account.student.partnership == west
    assert StudentAccount.objects.count() == 1 and EducatorAccount.objects.count() == 1
    client = Client()
    assert client.login(email="student@example.org", password="demo-password")
    assert placement.offer.team in client.get("/your-placements/").content.decode()
    client = Client()
    assert client.login(email="educator@example.org", password="demo-password")
    assert account.student.reference in client.get("/your-placements/").content.decode()


def test_without_the_demo_partnerships_nothing_is_added():
    out = io.StringIO()
    demo.seed(out)
    assert "no sign-ins added" in out.getvalue() and not StudentAccount.objects.exists()
