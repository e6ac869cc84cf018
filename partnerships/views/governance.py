"""Governance groups and their meetings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Prefetch
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from partnerships import services
from partnerships.access import Perm, can, object_or_404, partnership_or_404
from partnerships.auth import AuthenticatedHttpRequest
from partnerships.forms import GroupForm, MeetingForm, OwnedActionForm, OwnedActionUpdateForm
from partnerships.governance import MEETING_RULE_IN_WORDS, meeting_due
from partnerships.models import DecisionAction, GovernanceGroup, Meeting
from partnerships.services.common import day
from partnerships.views.common import form_flow, tab_url
from portal.flows import GET_POST
from portal.paging import paginate


@login_required
@GET_POST
def group_add(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, Perm.EDIT_PARTNERSHIP)
    return form_flow(
        request,
        GroupForm(request.POST or None, partnership=partnership),
        lambda data: services.add_group(request.user, partnership, data=data),
        success=lambda group: f"{group.name} is added.",
        next_url=tab_url(partnership, "governance"),
        title="Add a governance group",
        partnership=partnership,
        submit_label="Add group",
        cancel_url=tab_url(partnership, "governance"),
    )


def _group(request, slug: str, pk: int, perm: Perm) -> GovernanceGroup:
    return object_or_404(
        GovernanceGroup.objects.select_related("partnership", "chair_organisation"),
        request.user,
        perm,
        pk=pk,
        partnership__slug=slug,
    )


@login_required
def group_detail(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    group = _group(request, slug, pk, Perm.VIEW)
    return render(
        request,
        "partnerships/group_detail.html",
        {
            "group": group,
            "partnership": group.partnership,
            "can_edit": can(request.user, group.partnership, Perm.EDIT_PARTNERSHIP),
            "can_record_meetings": can(request.user, group.partnership, Perm.RECORD_MEETING),
            "meeting_due": meeting_due(
                group.frequency, group.meetings.aggregate(last=Max("held_on"))["last"], timezone.localdate()
            ),
            "meeting_rule": MEETING_RULE_IN_WORDS,
            "today": timezone.localdate(),
            **paginate(
                request,
                group.meetings.order_by("-held_on", "-id").prefetch_related(
                    Prefetch("actions", queryset=DecisionAction.objects.select_related("owner"))
                ),
                per_page=10,
            ),
        },
    )


@login_required
@GET_POST
def group_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    group = _group(request, slug, pk, Perm.EDIT_PARTNERSHIP)
    group_url = reverse("partnerships:group_detail", args=[slug, group.pk])
    return form_flow(
        request,
        GroupForm(request.POST or None, instance=group, partnership=group.partnership),
        lambda data: services.update_group(request.user, group, data=data, base_revision=data.get("revision")),
        success="The group is saved.",
        stale_check=group,
        next_url=group_url,
        title=f"Change {group.name}",
        partnership=group.partnership,
        cancel_url=group_url,
    )


@login_required
@GET_POST
def meeting_add(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    group = _group(request, slug, pk, Perm.RECORD_MEETING)
    group_url = reverse("partnerships:group_detail", args=[slug, group.pk])
    return form_flow(
        request,
        MeetingForm(request.POST or None),
        lambda data: services.record_meeting(request.user, group, data=data),
        success="The meeting is recorded.",
        next_url=group_url,
        title=f"Record a meeting of {group.name}",
        partnership=group.partnership,
        submit_label="Record meeting",
        cancel_url=group_url,
    )


@login_required
@GET_POST
def meeting_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting = object_or_404(
        Meeting.objects.select_related("group__partnership"),
        request.user,
        Perm.RECORD_MEETING,
        partnership_attr="group.partnership_id",
        pk=pk,
        group__partnership__slug=slug,
    )
    group_url = reverse("partnerships:group_detail", args=[slug, meeting.group_id])
    return form_flow(
        request,
        MeetingForm(request.POST or None, instance=meeting),
        lambda data: services.update_meeting(request.user, meeting, data=data, base_revision=data.get("revision")),
        success="The meeting record is saved.",
        stale_check=meeting,
        next_url=group_url,
        title=f"Change the record of a {meeting.group.name} meeting",
        partnership=meeting.group.partnership,
        cancel_url=group_url,
    )


def _meeting(request, slug: str, pk: int, perm: Perm) -> Meeting:
    return object_or_404(
        Meeting.objects.select_related("group__partnership"),
        request.user,
        perm,
        partnership_attr="group.partnership_id",
        pk=pk,
        group__partnership__slug=slug,
    )


@login_required
@GET_POST
def decision_action_add(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """An action decided at a meeting: what, who and by when (the shared owner/due-date action)."""
    meeting = _meeting(request, slug, pk, Perm.RECORD_MEETING)
    group_url = reverse("partnerships:group_detail", args=[slug, meeting.group_id])
    return form_flow(
        request,
        OwnedActionForm(request.POST or None, partnership=meeting.group.partnership),
        lambda data: services.add_decision_action(request.user, meeting, **data),
        success="The action is added.",
        next_url=group_url,
        title=f"Add an action from the {meeting.group.name} meeting of {day(meeting.held_on)}",
        partnership=meeting.group.partnership,
        submit_label="Add action",
        cancel_url=group_url,
    )


@login_required
@GET_POST
def decision_action_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """The owner updates its status; leads and coordinators change what, who and when too."""
    action = object_or_404(
        DecisionAction.objects.select_related("owner", "meeting__group__partnership"),
        request.user,
        Perm.VIEW,
        partnership_attr="meeting.group.partnership_id",
        pk=pk,
        meeting__group__partnership__slug=slug,
    )
    if not services.can_update_decision_action(request.user, action):
        raise PermissionDenied("Only the action's owner, leads and coordinators can update it.")
    partnership = action.meeting.group.partnership
    group_url = reverse("partnerships:group_detail", args=[slug, action.meeting.group_id])
    form = OwnedActionUpdateForm(
        request.POST or None,
        initial={
            "description": action.description,
            "owner": action.owner_id,
            "due_on": action.due_on,
            "status": action.status,
            "revision": action.revision,
        },
        partnership=partnership,
        status_only=not can(request.user, partnership, Perm.RECORD_MEETING),
    )
    return form_flow(
        request,
        form,
        lambda data: services.update_decision_action(request.user, action, data=data, base_revision=data["revision"]),
        success="The action is updated.",
        stale_check=action,
        next_url=group_url,
        title="Update the action",
        intro=f"From the {action.meeting.group.name} meeting of {day(action.meeting.held_on)}: {action.description}",
        partnership=partnership,
        cancel_url=group_url,
    )
