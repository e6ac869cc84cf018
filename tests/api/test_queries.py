"""Query counts of the API's lists stay flat as rows grow: the same bound for a few rows and for
many (each list loads its related rows in a fixed number of queries)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories as f
from tests.api.helpers import token_for
from tests.healthcheck import factories as hf
from tests.memoranda.factories import draft_memorandum
from tests.placements.factories import OfferFactory, PlacementFactory

pytestmark = pytest.mark.django_db

# The token (1), the rate window (2-3), the memberships (1), then the list's own few.
MAX_QUERIES = 12


def _grow(world, fw, start: int, stop: int) -> None:
    for i in range(start, stop):
        organisation = f.OrganisationFactory(name=f"Grown Council {world.partnership.pk}-{i}")
        partnership = f.PartnershipFactory(name=f"Grown Partnership {i}", slug=f"grown-{i}")
        f.PartnerFactory(partnership=partnership, organisation=organisation)
        f.MembershipFactory(user=world.user("lead"), partnership=partnership, role="lead")
        offer = OfferFactory(partnership=world.partnership, employer=organisation)
        PlacementFactory(offer=offer)
        draft_memorandum(world, title=f"Memorandum {i}")
        hf.health_check(world, fw=fw, year=f"{2000 + i}/{(1 + i) % 100:02d}")


LISTS = [
    "/api/v1/partnerships",
    "/api/v1/organisations",
    "/api/v1/memoranda",
    "/api/v1/health-checks",
    "/api/v1/offers",
    "/api/v1/placements",
    "/api/v1/practice-educators/currency",
]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("role", ["lead", "admin"])
def test_list_queries_stay_flat(world, path, role, django_assert_max_num_queries):
    counts = []
    fw = hf.framework()
    for start, grow in ((0, 1), (1, 12)):
        _grow(world, fw, start, grow)
        secret = token_for(world.user(role))
        client = Client()
        with django_assert_max_num_queries(MAX_QUERIES) as captured:
            response = client.get(path, headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 200, response.content
        counts.append(len(captured))
        if grow == 12 and path not in ("/api/v1/practice-educators/currency",):
            assert len(response.json()["items"]) >= 12
    assert counts[1] <= counts[0], f"{path}: {counts[0]} queries for a few rows, {counts[1]} for more"
