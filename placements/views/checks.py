"""Pre-placement checks: the partnership's register of checks (with the checks expiring in the
next 30 days), changing the register, and recording a student's checks."""

from __future__ import annotations

import copy

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from partnerships.access import Perm, can, object_or_404, partnership_or_404
from partnerships.views.common import confirm
from placements.forms import CheckRequirementForm, StudentCheckForm
from placements.models import CheckRequirement, Student, StudentCheck
from placements.permissions import PlacementPerm
from placements.rules import CHECK_EXPIRY_WARNING_DAYS
from placements.selectors.figures import DEFINITIONS, checks_expiring_soon
from placements.services.checks import (
    REQUIREMENT_FIELDS,
    STUDENT_CHECK_FIELDS,
    add_requirement,
    record_check,
    remove_check,
    remove_requirement,
    update_requirement,
)
from placements.views.common import PAGE_SIZE, form_flow, pick
from portal.flows import GET_POST
from portal.paging import paginate


def checks_url(partnership) -> str:
    return reverse("placements:check_list", args=[partnership.slug])


@login_required
def check_list(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, Perm.VIEW)
    today = timezone.localdate()
    expiring = (
        checks_expiring_soon([partnership.pk], today)
        .select_related("student", "requirement")
        .only("expires_on", "done_on", "student__reference", "requirement__name")
        .order_by("expires_on", "student__reference", "id")
    )
    return render(
        request,
        "placements/check_list.html",
        {
            "partnership": partnership,
            "requirements": list(CheckRequirement.objects.filter(partnership=partnership).order_by("name", "id")),
            **paginate(request, expiring, PAGE_SIZE),
            "window": CHECK_EXPIRY_WARNING_DAYS,
            "definition": DEFINITIONS["checks_expiring"],
            "can_manage": can(request.user, partnership, PlacementPerm.MANAGE),
        },
    )


@login_required
@GET_POST
def requirement_create(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, PlacementPerm.MANAGE)
    form = CheckRequirementForm(request.POST or None, initial={"required": True})
    return form_flow(
        request,
        form,
        lambda data: add_requirement(request.user, partnership, data=pick(data, REQUIREMENT_FIELDS)),
        success=lambda requirement: f"{requirement.name} added to the checks",
        next_url=checks_url(partnership),
        title="Add a pre-placement check",
        caption=partnership.name,
        intro="A check every student needs before a placement is confirmed, such as an enhanced DBS check.",
        submit_label="Add check",
        cancel_url=checks_url(partnership),
    )


def _requirement_for(request, pk) -> CheckRequirement:
    return object_or_404(
        CheckRequirement.objects.select_related("partnership"), request.user, PlacementPerm.MANAGE, pk=pk
    )


@login_required
@GET_POST
def requirement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    requirement = _requirement_for(request, pk)
    form = CheckRequirementForm(
        request.POST or None, instance=copy.copy(requirement), initial={"revision": requirement.revision}
    )
    return form_flow(
        request,
        form,
        lambda data: update_requirement(
            request.user, requirement, data=pick(data, REQUIREMENT_FIELDS), base_revision=data.get("revision")
        ),
        success="Check saved",
        next_url=checks_url(requirement.partnership),
        stale_check=requirement,
        title="Change a pre-placement check",
        caption=requirement.partnership.name,
        intro="Expiry dates already recorded for students stay as they are.",
        submit_label="Save check",
        cancel_url=checks_url(requirement.partnership),
    )


@login_required
@GET_POST
def requirement_remove(request: HttpRequest, pk: int) -> HttpResponse:
    requirement = _requirement_for(request, pk)
    records = requirement.records.count()
    return confirm(
        request,
        lambda: remove_requirement(request.user, requirement),
        success=f"{requirement.name} removed from the checks",
        next_url=checks_url(requirement.partnership),
        title=f"Remove the check “{requirement.name}”?",
        warning=f"The {records} student record{'s' if records != 1 else ''} of it go too." if records else "",
        partnership=requirement.partnership,
        submit_label="Remove check",
        cancel_url=checks_url(requirement.partnership),
    )


@login_required
@GET_POST
def student_check_record(request: HttpRequest, pk: int, requirement_pk: int) -> HttpResponse:
    """Record a student's check, or change the record when there is one."""
    student = object_or_404(Student.objects.select_related("partnership"), request.user, PlacementPerm.MANAGE, pk=pk)
    requirement = object_or_404(
        CheckRequirement.objects.select_related("partnership"),
        request.user,
        PlacementPerm.MANAGE,
        pk=requirement_pk,
        partnership=student.partnership,
    )
    entry = StudentCheck.objects.filter(student=student, requirement=requirement).first()
    rule = (
        f"It lasts {requirement.valid_for_months} months: leave the expiry date empty to work it out."
        if requirement.valid_for_months
        else "It does not expire."
    )
    form = StudentCheckForm(
        request.POST or None,
        instance=copy.copy(entry) if entry else None,
        initial={"revision": entry.revision} if entry else {},
    )
    return form_flow(
        request,
        form,
        lambda data: record_check(
            request.user,
            student,
            requirement,
            data=pick(data, STUDENT_CHECK_FIELDS),
            today=timezone.localdate(),
            entry=entry,
            base_revision=data.get("revision"),
        ),
        success=f"{requirement.name} recorded",
        next_url=student.get_absolute_url() + "#checks",
        stale_check=entry,
        title=f"{'Change' if entry else 'Record'} {requirement.name}",
        caption=str(student),
        intro=f"{rule} Record only the date done and the expiry: no certificate numbers or health details.",
        submit_label="Save check",
        cancel_url=student.get_absolute_url() + "#checks",
    )


@login_required
@GET_POST
def student_check_remove(request: HttpRequest, pk: int) -> HttpResponse:
    entry = object_or_404(
        StudentCheck.objects.select_related("student", "student__partnership", "requirement"),
        request.user,
        PlacementPerm.MANAGE,
        partnership_attr="student.partnership_id",
        pk=pk,
    )
    student = entry.student
    return confirm(
        request,
        lambda: remove_check(request.user, entry),
        success=f"The record of {entry.requirement.name} is removed",
        next_url=student.get_absolute_url() + "#checks",
        title=f"Remove the record of {entry.requirement.name} for {student.reference}?",
        warning="",
        partnership=student.partnership,
        submit_label="Remove record",
        cancel_url=student.get_absolute_url() + "#checks",
    )
