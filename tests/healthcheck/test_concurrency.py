"""Row locks on PostgreSQL: two saves of the same criterion at once cannot both win, while
saves of different criteria both succeed."""

import threading

import pytest
from django.db import connection

from healthcheck.models import Rating
from healthcheck.services import running
from portal.exceptions import StaleEdit
from tests import factories as f
from tests.healthcheck import factories as hf

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(jobs):
    """Run the jobs in threads released together; return what each returned or raised."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:  # collected for the assertions
            results[index] = exc
        finally:
            connection.close()  # each thread has its own connection: close it so the test database can be dropped

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _second_coordinator(world):
    user = f.UserFactory(email="second.coordinator@matrix.test")
    f.MembershipFactory(user=user, partnership=world.partnership, role="coordinator")
    return user


def test_simultaneous_saves_of_one_criterion_let_exactly_one_win(world):
    hc = hf.health_check(world)
    rating = hc.ratings.get(criterion__code="A1")
    second = _second_coordinator(world)
    results = _race(
        [
            lambda: running.save_rating(
                world.user("coordinator"), rating, value="green", commentary="First", base_revision=1
            ),
            lambda: running.save_rating(second, rating, value="red", commentary="Second", base_revision=1),
        ]
    )
    assert sum(isinstance(r, Rating) for r in results) == 1
    assert sum(isinstance(r, StaleEdit) for r in results) == 1
    assert Rating.objects.get(pk=rating.pk).revision == 2


def test_simultaneous_saves_of_different_criteria_both_succeed(world):
    hc = hf.health_check(world)
    a1, b1 = hc.ratings.get(criterion__code="A1"), hc.ratings.get(criterion__code="B1")
    second = _second_coordinator(world)
    results = _race(
        [
            lambda: running.save_rating(world.user("coordinator"), a1, value="green", commentary="", base_revision=1),
            lambda: running.save_rating(second, b1, value="amber", commentary="Gaps", base_revision=1),
        ]
    )
    assert all(isinstance(r, Rating) for r in results), results
    saved = dict(hc.ratings.values_list("criterion__code", "rating"))
    assert saved["A1"] == "green" and saved["B1"] == "amber"
