"""The bench's scale data for placements builds, at a small scale, and the sufficiency page over it
costs the same number of queries as over a small partnership."""

import io

import pytest

from partnerships import scale as partnerships_scale
from placements import scale
from placements.models import Placement, PracticeEducator, Student

pytestmark = pytest.mark.django_db

PARAMS = {
    "partnerships": 3,
    "local_authorities": 6,
    "universities": 3,
    "providers": 2,
    "user_groups": 1,
    "users": 10,
    "placements": 600,
    "academic_years": 3,
    "practice_educators": 30,
}


def test_scale_data_builds_and_the_sufficiency_page_stays_flat(client, django_assert_max_num_queries):
    ctx: dict = {}
    partnerships_scale.build(ctx, PARAMS, io.StringIO())
    out = io.StringIO()
    scale.build(ctx, PARAMS, out)
    assert "placements" in out.getvalue()
    assert 500 <= Placement.objects.count() <= 650
    assert Student.objects.count() == Placement.objects.count()
    assert PracticeEducator.objects.count() > 0
    biggest = ctx["partnerships"][0]
    assert (
        Placement.objects.filter(partnership=biggest).count()
        > Placement.objects.filter(partnership=ctx["partnerships"][1]).count()
    )
    client.force_login(ctx["users"][-1])  # the site administrator
    # 18: the figures to report include placements falling short and checks expiring (a query each);
    # 19: the workforce forecast's suggested need beside the typed one (one query when no figures).
    with django_assert_max_num_queries(19):
        response = client.get(f"/placements/sufficiency/?partnership={biggest.slug}&year=2026/27")
    assert response.status_code == 200
    assert response.context["report"].total.filled > 0
