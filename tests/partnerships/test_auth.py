"""Each request's user is loaded with their memberships in one query (partnerships.auth)."""

import pytest

from partnerships.access import membership_of, partnership_or_404
from partnerships.auth import PortalBackend

pytestmark = pytest.mark.django_db


def test_a_member_and_their_memberships_load_in_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = PortalBackend().get_user(world.user("lead").pk)
        assert membership_of(user, world.partnership).role == "lead"
        assert partnership_or_404(user, "matrix-tp") == world.partnership


def test_someone_in_no_partnership_loads_the_ordinary_way(world):
    admin = world.users["admin"]
    admin.memberships.all().delete()
    user = PortalBackend().get_user(admin.pk)
    assert user == admin and membership_of(user, world.partnership) is None


def test_a_deactivated_member_is_signed_out(world, client_for):
    client = client_for("lead")
    assert client.get("/partnerships/matrix-tp/").status_code == 200
    world.user("lead").__class__.objects.filter(pk=world.user("lead").pk).update(is_active=False)
    response = client.get("/partnerships/matrix-tp/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
