"""A save that names no revision (a form that lost its hidden field, a hand-made POST) could
overwrite someone else's work unseen, so every health check edit refuses it."""

import datetime as dt

import pytest
from django.urls import reverse

from healthcheck.models import Rating
from healthcheck.services import action_plans, running
from portal.exceptions import StaleEdit
from tests.healthcheck import factories as hf

pytestmark = pytest.mark.django_db


def test_a_rating_posted_without_its_revision_is_refused_and_keeps_the_text(world, client_for):
    hc = hf.health_check(world)
    url = reverse("healthcheck:criterion", args=[hc.pk, "A1"])
    response = client_for("coordinator").post(url, {"rating": "green", "commentary": "Typed without a revision"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "while you were editing it" in html and "Typed without a revision" in html
    rating = Rating.objects.get(health_check=hc, criterion__code="A1")
    assert (rating.rating, rating.commentary, rating.revision) == ("", "", 1)


def test_an_action_update_without_a_revision_is_refused(world):
    hc = hf.health_check(world)
    coordinator = world.user("coordinator")
    action = action_plans.add_action(
        coordinator,
        hc.ratings.get(criterion__code="A1"),
        description="Agree a plan",
        owner=coordinator,
        due_on=dt.date(2027, 3, 31),
    )
    data = {"description": "Changed", "owner": coordinator, "due_on": action.due_on, "status": "done"}
    with pytest.raises(StaleEdit):
        action_plans.update_action(coordinator, action, data=data, base_revision=None)
    action.refresh_from_db()
    assert (action.description, action.status, action.revision) == ("Agree a plan", "not_started", 1)


def test_a_rating_saved_without_a_revision_is_refused_by_the_service(world):
    hc = hf.health_check(world)
    rating = hc.ratings.get(criterion__code="A1")
    with pytest.raises(StaleEdit):
        running.save_rating(world.user("coordinator"), rating, value="green", commentary="", base_revision=None)
