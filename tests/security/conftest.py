"""One world for the whole security suite: its parametrised tests each start from it (inside a
savepoint rolled back after the test), instead of building a world per page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import override_settings

from tests.world import World, build_world


@pytest.fixture(scope="module")
def _world_once(django_db_setup, django_db_blocker) -> Iterator[World]:
    # Built before the per-test settings apply, so the fast password hasher is set here too
    # (a password hashed with the slow default could not be checked under the fast one).
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def shared_world(_world_once, db) -> World:
    """The module's world, as saved: a previous test's changes were rolled back in the database
    but may linger on these objects (signing in sets a user's last_login, which a password-reset
    token is made from)."""
    w = _world_once
    for obj in (w.partnership, w.employer, w.university, w.employer_partner, w.university_partner, w.other_partnership):
        obj.refresh_from_db()
    for user in w.users.values():
        user.refresh_from_db()
    return w
