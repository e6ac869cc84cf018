"""The action plan: actions added to Red and Amber criteria, kept up to date by their owners,
also after sign-off (the plan goes on after the health check is locked)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from healthcheck.actions import Action as AuditAction
from healthcheck.models import Action, HealthCheck, Rating
from healthcheck.permissions import HealthCheckPerm
from healthcheck.services.common import lock_health_check, require_in_progress
from partnerships.access import Perm, can, require
from partnerships.models import check_action_owner
from portal.audit import diff, record, snapshot
from portal.concurrency import refuse_stale


def check_owner(health_check: HealthCheck, owner) -> None:
    check_action_owner(health_check.partnership_id, owner)


@transaction.atomic
def add_action(actor, rating: Rating, *, description: str, owner, due_on: date) -> Action:
    health_check = lock_health_check(rating.health_check)
    require(actor, health_check.partnership, HealthCheckPerm.RUN)
    require_in_progress(health_check)
    check_owner(health_check, owner)
    action = Action(
        health_check=health_check,
        rating=rating,
        description=description.strip(),
        owner=owner,
        due_on=due_on,
        created_by=actor,
    )
    action.full_clean()
    action.save()
    record(
        actor,
        AuditAction.ACTION_ADDED,
        health_check,
        summary=f"Added an action on {rating.criterion.code} for {owner}, due {due_on:%d %B %Y}",
        partnership_id=health_check.partnership_id,
    )
    return action


ACTION_FIELDS = ["description", "owner", "due_on", "status"]


def can_update_action(user, action: Action) -> bool:
    """The owner keeps their own action up to date; coordinators and leads manage every action."""
    return action.owner_id == getattr(user, "pk", None) or can(
        user, action.health_check.partnership_id, HealthCheckPerm.RUN
    )


@transaction.atomic
def update_action(actor, action: Action, *, data: dict, base_revision) -> Action:
    """Update an action (also after sign-off: the action plan goes on after the health check is
    locked). Only coordinators and leads change what, who and when; the owner may change status."""
    locked = Action.objects.select_for_update(of=("self",)).select_related("health_check").get(pk=action.pk)
    require(actor, locked.health_check.partnership_id, Perm.VIEW)
    if not can_update_action(actor, locked):
        raise PermissionDenied("Only the action's owner, coordinators and leads can update it.")
    refuse_stale(locked, base_revision)
    before = snapshot(locked, ACTION_FIELDS)
    if can(actor, locked.health_check.partnership_id, HealthCheckPerm.RUN):
        if data["owner"].pk != locked.owner_id:
            check_owner(locked.health_check, data["owner"])
        locked.description, locked.owner, locked.due_on = data["description"].strip(), data["owner"], data["due_on"]
    locked.set_status(data["status"], timezone.localdate())
    locked.revision += 1
    locked.full_clean()
    locked.save()
    changes = diff(before, snapshot(locked, ACTION_FIELDS))
    if changes:
        record(
            actor,
            AuditAction.ACTION_UPDATED,
            locked.health_check,
            changes=changes,
            summary=f"Updated the action “{locked}” ({locked.get_status_display().lower()})",
            partnership_id=locked.health_check.partnership_id,
        )
    return locked
