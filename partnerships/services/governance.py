"""Governance groups (boards, committees) and the meetings they hold."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from partnerships.access import Perm, can, require
from partnerships.actions import Action
from partnerships.models import DecisionAction, GovernanceGroup, Meeting, Partner, Partnership, check_action_owner
from partnerships.services.common import apply, as_new, day, labels, lock, one_line, save_or_refuse
from portal.audit import diff, record, snapshot
from portal.concurrency import fresh, refuse_stale
from portal.models import User

GROUP_FIELDS = ["name", "kind", "purpose", "frequency", "chair", "chair_organisation"]
MEETING_FIELDS = ["held_on", "attendees", "decisions", "notes"]


def _check_group(group: GovernanceGroup) -> None:
    group.name = one_line(group.name)
    clash = (
        GovernanceGroup.objects.filter(partnership_id=group.partnership_id, name__iexact=group.name)
        .exclude(pk=group.pk)
        .exists()
    )
    if clash:
        raise ValidationError({"name": f"There is already a group called {group.name} in this partnership."})
    if (
        group.chair_organisation_id
        and not Partner.objects.filter(
            partnership_id=group.partnership_id, organisation_id=group.chair_organisation_id
        ).exists()
    ):
        raise ValidationError({"chair_organisation": "Choose one of the partnership's partner organisations"})


@transaction.atomic
def add_group(actor: User, partnership: Partnership, *, data: dict) -> GovernanceGroup:
    require(actor, partnership, Perm.EDIT_PARTNERSHIP)
    locked = lock(partnership)
    group = GovernanceGroup(partnership=locked)
    apply(group, data, GROUP_FIELDS, _check_group)
    save_or_refuse(group, {"name": "A group with this name was added meanwhile."})
    record(
        actor,
        Action.GROUP_ADDED,
        group,
        changes=as_new(group, GROUP_FIELDS),
        summary=f"Added the {group.get_kind_display().lower()} “{group.name}”",
        partnership_id=locked.pk,
    )
    return group


@transaction.atomic
def update_group(actor: User, group: GovernanceGroup, *, data: dict, base_revision) -> GovernanceGroup:
    require(actor, group.partnership_id, Perm.EDIT_PARTNERSHIP)
    locked = fresh(GovernanceGroup.objects.select_for_update(), group)
    refuse_stale(locked, base_revision)
    changes = apply(locked, data, GROUP_FIELDS, _check_group)
    if changes:
        locked.revision += 1
        save_or_refuse(locked, {"name": "A group with this name was added meanwhile."})
        record(
            actor,
            Action.GROUP_UPDATED,
            locked,
            changes=changes,
            summary=f"Changed the {labels(GovernanceGroup, changes)} of “{locked.name}”",
            partnership_id=locked.partnership_id,
        )
    return locked


@transaction.atomic
def record_meeting(actor: User, group: GovernanceGroup, *, data: dict) -> Meeting:
    require(actor, group.partnership_id, Perm.RECORD_MEETING)
    meeting = Meeting(group=group)
    changes = apply(meeting, data, MEETING_FIELDS)
    meeting.save()
    record(
        actor,
        Action.MEETING_RECORDED,
        meeting,
        changes=changes,
        summary=f"Recorded the {group.name} meeting of {day(meeting.held_on)}",
        partnership_id=group.partnership_id,
    )
    return meeting


@transaction.atomic
def update_meeting(actor: User, meeting: Meeting, *, data: dict, base_revision) -> Meeting:
    require(actor, meeting.group.partnership_id, Perm.RECORD_MEETING)
    locked = fresh(Meeting.objects.select_for_update().select_related("group"), meeting)
    refuse_stale(locked, base_revision)
    changes = apply(locked, data, MEETING_FIELDS)
    if changes:
        locked.revision += 1
        locked.save()
        record(
            actor,
            Action.MEETING_UPDATED,
            locked,
            changes=changes,
            summary=f"Changed the {labels(Meeting, changes)} of the {locked.group.name} meeting of "
            f"{day(locked.held_on)}",
            partnership_id=locked.group.partnership_id,
        )
    return locked


# --- Actions decided at a meeting (the shared owner/due-date action: partnerships.models.OwnedAction) --

DECISION_ACTION_FIELDS = ["description", "owner", "due_on", "status"]


@transaction.atomic
def add_decision_action(actor: User, meeting: Meeting, *, description: str, owner: User, due_on) -> DecisionAction:
    """An action a meeting decided on, for a member of the partnership, by a date."""
    partnership_id = meeting.group.partnership_id
    require(actor, partnership_id, Perm.RECORD_MEETING)
    check_action_owner(partnership_id, owner)
    action = DecisionAction(
        meeting=meeting, description=description.strip(), owner=owner, due_on=due_on, created_by=actor
    )
    action.full_clean()
    action.save()
    record(
        actor,
        Action.DECISION_ACTION_ADDED,
        meeting,
        changes=as_new(action, DECISION_ACTION_FIELDS),
        summary=f"Added an action from the {meeting.group.name} meeting of {day(meeting.held_on)} for "
        f"{owner.get_full_name() or owner.email}, due {day(due_on)}",
        partnership_id=partnership_id,
    )
    return action


def can_update_decision_action(user, action: DecisionAction) -> bool:
    """The owner keeps their own action up to date; those who record meetings manage every one."""
    return action.owner_id == getattr(user, "pk", None) or can(
        user, action.meeting.group.partnership_id, Perm.RECORD_MEETING
    )


@transaction.atomic
def update_decision_action(actor: User, action: DecisionAction, *, data: dict, base_revision) -> DecisionAction:
    """Only leads and coordinators change what, who and when; the owner may change the status."""
    locked = fresh(DecisionAction.objects.select_for_update(of=("self",)).select_related("meeting__group"), action)
    partnership_id = locked.meeting.group.partnership_id
    require(actor, partnership_id, Perm.VIEW)
    if not can_update_decision_action(actor, locked):
        raise PermissionDenied("Only the action's owner, leads and coordinators can update it.")
    refuse_stale(locked, base_revision)
    before = snapshot(locked, DECISION_ACTION_FIELDS)
    if can(actor, partnership_id, Perm.RECORD_MEETING):
        if data["owner"].pk != locked.owner_id:
            check_action_owner(partnership_id, data["owner"])
        locked.description, locked.owner, locked.due_on = data["description"].strip(), data["owner"], data["due_on"]
    locked.set_status(data["status"], timezone.localdate())
    locked.full_clean()
    changes = diff(before, snapshot(locked, DECISION_ACTION_FIELDS))
    if changes:
        locked.revision += 1
        locked.save()
        record(
            actor,
            Action.DECISION_ACTION_UPDATED,
            locked.meeting,
            changes=changes,
            summary=f"Updated the action “{locked}” ({locked.get_status_display().lower()})",
            partnership_id=partnership_id,
        )
    return locked
