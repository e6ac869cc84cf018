"""The demo's preference round: open, in the first demo partnership, some students answered,
and a proposal can be made from it; idempotent."""

import io

import pytest

from matching import demo, services
from matching.models import Choice, PreferenceRound, ProposalLine, RoundStatus
from placements import demo as placements_demo
from tests import factories as f
from tests.placements.test_demo import _demo_partnership

pytestmark = pytest.mark.django_db


def test_the_demo_opens_a_round_with_some_answers_and_is_idempotent():
    west = _demo_partnership("west-london-alliance")
    placements_demo.seed(io.StringIO())
    out = io.StringIO()
    demo.seed(out)
    assert "an open preference round in west-london-alliance" in out.getvalue()
    round_ = PreferenceRound.objects.get(partnership=west)
    assert round_.status == RoundStatus.OPEN and round_.academic_year.label == "2027/28"
    assert round_.entries.count() > 0
    answered = round_.entries.filter(answered_at__isnull=False).count()
    assert 0 < answered < round_.entries.count()
    choices = Choice.objects.count()
    demo.seed(io.StringIO())
    assert PreferenceRound.objects.count() == 1 and Choice.objects.count() == choices
    services.run_proposal(f.UserFactory(is_staff=True, is_superuser=True), round_)
    assert ProposalLine.objects.filter(round=round_, offer__isnull=False).exists()
