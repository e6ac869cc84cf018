"""The live figures health checks read through the registry (keys kept stable)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from memoranda.models import Memorandum
from portal.registry import get_metric
from tests import factories as f
from tests.memoranda.factories import active_memorandum, awaiting_memorandum

pytestmark = pytest.mark.django_db


def _value(key, world, **kwargs):
    return get_metric(key).compute(world.partnership, **kwargs)


def test_signed_covering_all_partners_names_who_is_missing(world):
    value = _value("memorandum.signed_covering_all_partners", world)
    assert (value.value, value.display) == (0, "No")
    assert "Matrix Borough Council" in value.detail and "University of Matrix" in value.detail
    awaiting_memorandum(world)  # not signed yet: still not covered
    assert _value("memorandum.signed_covering_all_partners", world).value == 0


def test_signed_covering_all_partners_once_active_and_per_organisation(world):
    active_memorandum(world)
    assert _value("memorandum.signed_covering_all_partners", world).value == 1
    newcomer = f.PartnerFactory(partnership=world.partnership, organisation=f.OrganisationFactory(name="New Trust"))
    value = _value("memorandum.signed_covering_all_partners", world)
    assert value.value == 0 and value.detail.endswith("New Trust")
    assert _value("memorandum.signed_covering_all_partners", world, organisation=world.employer).value == 1
    assert _value("memorandum.signed_covering_all_partners", world, organisation=newcomer.organisation).value == 0


def test_review_on_time(world):
    assert _value("memorandum.review_on_time", world).value == 0  # nothing in force to review
    m, _ = active_memorandum(world)
    assert _value("memorandum.review_on_time", world).value == 1
    Memorandum.objects.filter(pk=m.pk).update(review_date=timezone.localdate() - timedelta(days=1))
    value = _value("memorandum.review_on_time", world)
    assert value.value == 0 and "Matrix memorandum (due" in value.detail
