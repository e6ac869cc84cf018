"""Downloads with a row per student (issue 16, item 9c): only coordinators and partnership leads
take students' references and names out of the portal. Members, service user and carer
representatives among them, read the lists and download aggregate figures."""

from __future__ import annotations

import pytest
from django.test import Client

from partnerships.models import OrganisationKind, Role
from tests import factories as f
from tests.access import through_export
from tests.placements.factories import PlacementFactory, StudentFactory, placements_world

pytestmark = pytest.mark.django_db

LISTS = ["/placements/", "/placements/students/"]


def _rows(response) -> str:
    response = through_export(response)
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].startswith("attachment")
    return response.content.decode("utf-8-sig")


@pytest.fixture
def named_student(world):
    student = placements_world(world)["student"]
    student.name = "Ann Example"
    student.save()
    return student


def _service_user_representative(world):
    group = f.OrganisationFactory(name="Voices of Matrix", kind=OrganisationKind.SERVICE_USER_GROUP)
    f.PartnerFactory(partnership=world.partnership, organisation=group)
    user = f.UserFactory(email="voices@matrix.test")
    f.MembershipFactory(user=user, partnership=world.partnership, role=Role.MEMBER, organisation=group)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("path", LISTS)
def test_a_service_user_representative_reads_the_list_but_cannot_download_it(world, named_student, path):
    client = _service_user_representative(world)
    page = client.get(path).content.decode()
    assert named_student.reference in page
    assert "export=csv" not in page and "export=xlsx" not in page
    assert "Coordinators and partnership leads can download this list" in page
    for fmt in ("csv", "xlsx"):
        refused = client.get(f"{path}?export={fmt}")
        assert refused.status_code == 403
        assert named_student.reference not in refused.content.decode()
        assert "Only partnership leads, coordinators and site administrators can download" in refused.content.decode()


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("role", ["member", "signatory"])
def test_members_and_signatories_cannot_download_student_rows(world, client_for, named_student, path, role):
    client = client_for(role)
    assert "export=csv" not in client.get(path).content.decode()
    assert client.get(f"{path}?export=csv").status_code == 403


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("role", ["coordinator", "lead", "admin"])
def test_coordinators_and_leads_download_student_rows(world, client_for, named_student, path, role):
    client = client_for(role)
    assert "export=csv" in client.get(path).content.decode()
    assert named_student.reference in _rows(client.get(f"{path}?export=csv"))


def test_a_lead_elsewhere_who_is_a_member_here_downloads_only_their_own_partnerships_rows(world, named_student):
    outsider = world.user("non_member")  # leads "Elsewhere"
    f.MembershipFactory(user=outsider, partnership=world.partnership, role=Role.MEMBER)
    theirs = PlacementFactory(
        offer__partnership=world.other_partnership, student__reference="ELSEWHERE-1", student__name="Eli Where"
    )
    StudentFactory(partnership=world.other_partnership, reference="ELSEWHERE-2")
    client = Client()
    client.force_login(outsider)
    for path in LISTS:
        rows = _rows(client.get(f"{path}?export=csv"))
        assert theirs.student.reference in rows
        assert named_student.reference not in rows and "Ann Example" not in rows
        # Filtered on the partnership where they are a member: no download, and no link.
        assert client.get(f"{path}?partnership=matrix-tp&export=csv").status_code == 403
        assert "export=csv" not in client.get(f"{path}?partnership=matrix-tp").content.decode()
