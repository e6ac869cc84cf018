"""Two people acting at the same moment: the partnership's row lock lets one win, so a
partnership never ends up without a lead, nor with two lead partners."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from partnerships import services
from partnerships.models import Membership, Partner, PartnerLevel, Role
from portal.models import User
from tests import factories as f
from tests.world import build_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _at_once(*actions) -> list[str]:
    """Run the actions in threads released together; each outcome is "done" or the refusal."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def run(action):
        try:
            barrier.wait()
            action()
            outcomes.append("done")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_removing_both_leads_at_once_leaves_one_lead():
    world = build_world()
    second = Membership.objects.get(partnership=world.partnership, user=world.user("coordinator"))
    Membership.objects.filter(pk=second.pk).update(role=Role.LEAD)
    first = Membership.objects.get(partnership=world.partnership, user=world.user("lead"))
    # Two administrators act at once (a lead who lost the race would not even see the partnership
    # any more, which is a different refusal).
    admin = world.user("admin")
    outcomes = _at_once(
        lambda: services.remove_membership(User.objects.get(pk=admin.pk), first),
        lambda: services.remove_membership(User.objects.get(pk=admin.pk), second),
    )
    assert outcomes.count("done") == 1
    assert any("only partnership lead" in o for o in outcomes)
    assert Membership.objects.filter(partnership=world.partnership, role=Role.LEAD).count() == 1


def test_two_organisations_made_lead_partner_at_once_leave_one_lead_partner():
    world = build_world()
    Partner.objects.filter(pk=world.employer_partner.pk).update(level=PartnerLevel.CORE)
    third = f.PartnerFactory(partnership=world.partnership)
    admin = world.user("admin")
    outcomes = _at_once(
        lambda: services.update_partner(
            admin, world.university_partner, data={"level": PartnerLevel.LEAD}, base_revision=1
        ),
        lambda: services.update_partner(admin, third, data={"level": PartnerLevel.LEAD}, base_revision=1),
    )
    assert outcomes.count("done") == 1
    assert any("is the lead partner" in o for o in outcomes)
    assert Partner.objects.filter(partnership=world.partnership, level=PartnerLevel.LEAD).count() == 1
