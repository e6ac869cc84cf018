"""Each app registers its permissions with partnerships.access; these pin who may do what, so
moving a declaration cannot quietly change a rule."""

from __future__ import annotations

from enum import StrEnum

import pytest
from django.core.exceptions import ImproperlyConfigured

from healthcheck.permissions import HealthCheckPerm
from memoranda.permissions import MemorandumPerm
from partnerships.access import Perm, can, register_permissions, roles_label
from placements.permissions import PlacementPerm

WHO = {
    Perm.VIEW: "partnership leads, signatories, coordinators, members and site administrators",
    Perm.COMMENT: "partnership leads, signatories, coordinators, members and site administrators",
    Perm.EDIT_PARTNERSHIP: "partnership leads and site administrators",
    Perm.MANAGE_MEMBERS: "partnership leads and site administrators",
    Perm.RECORD_MEETING: "partnership leads, coordinators and site administrators",
    MemorandumPerm.DRAFT: "partnership leads and site administrators",
    MemorandumPerm.SIGN: "signatories",
    HealthCheckPerm.RUN: "partnership leads, coordinators and site administrators",
    HealthCheckPerm.SIGN_OFF: "signatories",
    PlacementPerm.MANAGE: "partnership leads, coordinators and site administrators",
    PlacementPerm.EXPORT_STUDENTS: "partnership leads, coordinators and site administrators",
}


@pytest.mark.parametrize("perm", list(WHO))
def test_who_may_take_each_action(perm):
    assert roles_label(perm) == WHO[perm]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    [("lead", {"draft"}), ("signatory", {"sign"}), ("member", set()), ("admin", {"draft"}), ("non_member", set())],
)
def test_memoranda_permissions_are_checked_like_the_partnerships_own(world, role, allowed):
    user = world.user(role)
    assert {
        name
        for name, perm in [("draft", MemorandumPerm.DRAFT), ("sign", MemorandumPerm.SIGN)]
        if can(user, world.partnership, perm)
    } == allowed


def test_an_unregistered_permission_is_a_configuration_error():
    class Stray(StrEnum):
        FLY = "fly"

    with pytest.raises(ImproperlyConfigured, match="not registered"):
        roles_label(Stray.FLY)


def test_registering_a_permission_again_with_other_roles_is_refused():
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        register_permissions({MemorandumPerm.DRAFT: {"member"}})
    assert roles_label(MemorandumPerm.DRAFT) == "partnership leads and site administrators"


def test_partnerships_perm_names_only_its_own_actions():
    # Each app's actions live in its own enum; the partnerships enum knows nothing of them.
    assert {p.value for p in Perm} == {"view", "comment", "edit_partnership", "manage_members", "record_meeting"}
    with pytest.raises(AttributeError):
        Perm.RUN_HEALTH_CHECK  # noqa: B018  (the point of the test)
