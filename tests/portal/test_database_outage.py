"""When the database drops the portal's connection (a restart, or an operator terminating
sessions), a request caught in the middle gets a clear "unavailable for a moment" page with a 503
and Retry-After, not a 500, and the next request connects afresh without restarting anything."""

import pytest
from django.db import OperationalError, connection
from django.test import Client, RequestFactory

from portal.views import server_error
from tests.pg import run_outside_django
from tests.world import build_world


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_dropped_connection_shows_a_503_and_the_next_request_recovers():
    world = build_world()
    client = Client(raise_request_exception=False)
    client.force_login(world.user("lead"))
    assert client.get("/").status_code == 200

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        run_outside_django("SELECT pg_terminate_backend(%s)", [cursor.fetchone()[0]])

    caught = client.get("/")
    assert caught.status_code == 503
    assert caught["Retry-After"] == "5"
    assert "unavailable for a moment" in caught.content.decode()
    assert "Nothing you entered has been half-saved" in caught.content.decode()

    after = client.get("/")
    assert after.status_code == 200
    assert world.partnership.name in after.content.decode()


def test_other_failures_stay_a_500_without_the_retry_advice():
    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "problem with the service" in response.content.decode()


def test_a_lost_connection_named_by_the_driver_is_a_503():
    request = RequestFactory().get("/")
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
