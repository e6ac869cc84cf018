"""Queries per page stay constant however much evidence a health check holds."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from healthcheck.models import Action, Evidence, Rag
from tests.healthcheck import factories as hf

pytestmark = pytest.mark.django_db

MAX_QUERIES = 20


def _big_health_check(world, evidence_per_criterion: int, year: str = hf.YEAR, family: str = "test"):
    """45 criteria over 9 areas, every one rated, with evidence and actions as asked."""
    hc = hf.health_check(world, fw=hf.framework(areas=9, per_area=5, family=family), year=year)
    coordinator = world.user("coordinator")
    ratings = list(hc.ratings.select_related("criterion"))
    for rating in ratings:
        rating.rating, rating.commentary = Rag.AMBER, "Partly in place"
    type(ratings[0]).objects.bulk_update(ratings, ["rating", "commentary"])
    Evidence.objects.bulk_create(
        Evidence(rating=r, kind="note", title=f"Note {i}", note="Seen", added_by=coordinator)
        for r in ratings
        for i in range(evidence_per_criterion)
    )
    Action.objects.bulk_create(
        Action(health_check=hc, rating=r, description=f"Act {i}", owner=coordinator, due_on=dt.date(2027, 1, 1))
        for r in ratings
        for i in range(evidence_per_criterion)
    )
    return hc


@pytest.mark.parametrize("evidence_per_criterion", [0, 1, 12])
def test_the_45_criterion_health_check_page_uses_a_constant_number_of_queries(
    world, client_for, django_assert_max_num_queries, evidence_per_criterion
):
    hc = _big_health_check(world, evidence_per_criterion)
    client = client_for("coordinator")
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("healthcheck:detail", args=[hc.pk]))
    assert response.status_code == 200
    assert "45 of 45" in response.content.decode()


def test_the_query_count_does_not_grow_with_evidence(world, client_for):
    client = client_for("coordinator")
    counts = []
    for per in (0, 10):
        hc = _big_health_check(world, per, family=f"f{per}")
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("healthcheck:detail", args=[hc.pk]))
        counts.append(len(queries))
        hc.delete()  # so both pages are alike apart from the evidence (neither has a previous year)
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("evidence_per_criterion", [0, 12])
def test_lists_and_criterion_pages_stay_bounded(
    world, client_for, django_assert_max_num_queries, evidence_per_criterion
):
    hc = _big_health_check(world, evidence_per_criterion)
    client = client_for("coordinator")
    for url in (
        reverse("healthcheck:criterion", args=[hc.pk, "E3"]),
        reverse("healthcheck:list"),
        reverse("healthcheck:action_list"),
        reverse("healthcheck:export_csv", args=[hc.pk]),
    ):
        with django_assert_max_num_queries(MAX_QUERIES):
            assert client.get(url).status_code == 200
