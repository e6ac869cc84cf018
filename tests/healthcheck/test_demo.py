"""The demo seed: health checks over successive years for every demo partnership, idempotent."""

import io

import pytest

from healthcheck import demo
from healthcheck.models import Action, Evidence, HealthCheck, Status
from portal import demo_clock

pytestmark = pytest.mark.django_db


def test_the_demo_has_two_or_more_years_per_partnership_with_evidence_and_actions_and_runs_twice():
    partnerships_demo = pytest.importorskip("partnerships.demo")
    partnerships_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    first = HealthCheck.objects.count()
    for slug in partnerships_demo.DEMO_PARTNERSHIP_SLUGS:
        years = set(
            HealthCheck.objects.filter(partnership__slug=slug, organisation__isnull=True).values_list(
                "academic_year", flat=True
            )
        )
        assert {"2025/26", "2026/27"} <= years, slug
        assert HealthCheck.objects.filter(partnership__slug=slug, status=Status.SIGNED_OFF).exists()
        assert Evidence.objects.filter(rating__health_check__partnership__slug=slug, kind="file").exists()
        assert Action.objects.filter(health_check__partnership__slug=slug).exists()
    assert HealthCheck.objects.filter(partnership__slug="west-london-alliance", academic_year="2024/25").exists()
    # West London Alliance's current health check waits for signatory@example.org.
    waiting = HealthCheck.objects.get(
        partnership__slug="west-london-alliance", academic_year="2026/27", organisation__isnull=True
    )
    assert waiting.status == Status.SUBMITTED
    # coordinator@example.org owns overdue actions, so the dashboard has something to show.
    assert Action.objects.filter(owner__email="coordinator@example.org").overdue(demo_clock.demo_today()).exists()
    demo.seed(io.StringIO())
    assert HealthCheck.objects.count() == first
