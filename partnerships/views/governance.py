"""Governance groups and their meetings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from partnerships import services
from partnerships.access import Perm, can, object_or_404, partnership_or_404
from partnerships.auth import AuthenticatedHttpRequest
from partnerships.forms import GroupForm, MeetingForm
from partnerships.governance import MEETING_RULE_IN_WORDS, meeting_due
from partnerships.models import GovernanceGroup, Meeting
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
            **paginate(request, group.meetings.order_by("-held_on", "-id"), per_page=10),
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
