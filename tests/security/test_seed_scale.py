"""seed_scale at small scale on PostgreSQL: counts follow the parameters."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from partnerships.models import Membership, Organisation, Partner, Partnership
from portal.audit import verify_chain
from portal.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_seed_scale_builds_the_scaled_counts():
    out = StringIO()
    call_command("seed_scale", scale=0.05, stdout=out)
    assert Partnership.objects.count() == 2  # 30 * 0.05 rounded
    assert Organisation.objects.count() == 8 + 3 + 10 + 2
    assert get_user_model().objects.filter(email__endswith="@scale.example.org").count() == 150 + 1
    assert Membership.objects.count() == 150
    assert Partner.objects.filter(level="lead").count() == 2
    assert "Scale data ready" in out.getvalue()
    # The trail is as big as asked for, spread over the partnerships, and a valid chain.
    assert AuditEvent.objects.count() == 10000
    assert AuditEvent.objects.values("partnership_id").distinct().count() == 2
    assert verify_chain() == []


def test_depth_fills_each_partnership_more_without_adding_partnerships():
    from placements.models import Placement

    call_command("seed_scale", scale=0.05, depth=3, stdout=StringIO())
    assert Partnership.objects.count() == 2  # breadth unchanged
    assert Organisation.objects.count() == 8 + 3 + 10 + 2
    assert Membership.objects.count() == 450  # three times the members
    assert Placement.objects.count() == 9000  # 60,000 * 0.05 * 3
    assert AuditEvent.objects.count() == 30000
    assert verify_chain() == []


def test_seed_scale_refuses_a_database_that_already_has_partnerships(world):
    from django.core.management.base import CommandError

    before = Organisation.objects.count()
    with pytest.raises(CommandError, match="fills an empty database"):
        call_command("seed_scale", scale=0.05, stdout=StringIO())
    assert Organisation.objects.count() == before
