"""Two coordinators taking the last place at the same moment: the row lock lets one win."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from placements.models import Placement
from placements.services.allocations import allocate
from tests.placements.factories import OfferFactory, ProgrammeFactory, StudentFactory
from tests.world import build_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_only_one_of_two_simultaneous_allocations_gets_the_last_place():
    world = build_world()
    offer = OfferFactory(partnership=world.partnership, employer=world.employer, places=1)
    programme = ProgrammeFactory(partnership=world.partnership, university=world.university)
    students = [StudentFactory(partnership=world.partnership, programme=programme) for _ in range(2)]
    lead = world.user("lead")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def place(student):
        try:
            barrier.wait()
            allocate(
                lead,
                student,
                offer=offer,
                stage="final",
                starts_on=dt.date(2027, 1, 11),
                ends_on=dt.date(2027, 6, 4),
                planned_days=100,
            )
            outcomes.append("placed")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=place, args=(s,)) for s in students]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("placed") == 1
    assert any("has no place left" in o for o in outcomes)
    assert Placement.objects.filter(offer=offer).count() == 1
