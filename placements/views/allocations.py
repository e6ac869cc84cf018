"""Placements: the list, placing a student on an offer (with the rules and the flags to
confirm), one placement with its quality reviews, status changes and recording a review."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from partnerships.access import Perm, object_or_404, roles_label
from placements.export_jobs import RISKS, filtered_placements
from placements.forms import OfferChoiceField, PlacementForm, ReviewForm, StatusForm, offers_with_room
from placements.models import (
    TRANSITIONS,
    AcademicYear,
    Placement,
    PlacementStatus,
    ReviewPoint,
    Stage,
    Student,
)
from placements.permissions import PlacementPerm
from placements.rules import days_problems, required_days, review_state
from placements.selectors.figures import DEFINITIONS, FALLING_SHORT_TOLERANCE, days_expected_by, falls_short
from placements.selectors.years import current_year_from
from placements.services.allocations import (
    allocate,
    allocation_problems,
    allocation_warnings,
    change_status,
    record_review,
)
from placements.services.common import can_manage_employer, own_employer, require_employer
from placements.views.common import (
    PAGE_SIZE,
    all_years,
    export_format,
    filter_employers,
    form_flow,
    listed_partnerships,
    manage_context,
    pick,
    render_form,
    student_export_partnerships,
    visible_partnerships,
)
from portal.audit import history_for
from portal.flows import GET_POST
from portal.forms import add_service_errors
from portal.jobs.exports import start_export
from portal.paging import paginate, query_params


@login_required
def placement_list(request: HttpRequest) -> HttpResponse:
    partnerships = visible_partnerships(request.user)
    selected = query_params(request, "partnership", "year", "status", "stage", "q", "employer", "risk")
    qs = filtered_placements(request.user, partnerships, selected)
    fmt = export_format(request)
    if fmt:
        # A national list runs to hundreds of thousands of rows: built by a worker, not here.
        allowed = student_export_partnerships(request.user, listed_partnerships(partnerships, selected))
        if not allowed:
            raise PermissionDenied(f"Only {roles_label(PlacementPerm.EXPORT_STUDENTS)} can download students' details.")
        export = start_export(
            request.user,
            "placements",
            fmt,
            filename="placements",
            params={k: v for k, v in selected.items() if v},
            perm=PlacementPerm.EXPORT_STUDENTS.value,
            partnership_ids=[p.pk for p in allowed],
        )
        return redirect("export_detail", pk=export.pk)
    # The page shows a few columns of each joined row; the download above needs them all.
    qs = qs.only(
        "stage",
        "starts_on",
        "ends_on",
        "status",
        "academic_year__label",
        "student__reference",
        "student__university__name",
        "offer__team",
        "offer__statutory",
        "offer__employer__name",
        "partnership__slug",
    )
    paged = paginate(request, qs, PAGE_SIZE, ids_first=True)
    return render(
        request,
        "placements/placement_list.html",
        {
            **paged,
            "partnerships": partnerships,
            **manage_context(request.user, partnerships, selected["partnership"]),
            "can_export": bool(student_export_partnerships(request.user, listed_partnerships(partnerships, selected))),
            "years": all_years(),
            "employers": filter_employers(request.user),
            "statuses": PlacementStatus.choices,
            "stages": Stage.choices,
            "risks": RISKS,
            "selected": selected,
        },
    )


def _offer_filter(request, student: Student, years: list[AcademicYear]) -> dict:
    """The place-the-student page's filter (a GET query, so it works without JavaScript): the
    year (default: the current one, or the student's final year), the stage (default: final in
    the student's final year, else first) and words to search the team or employer for."""
    selected = query_params(request, "year", "stage", "q")
    year = next((y for y in years if y.label == selected["year"]), None)
    if year is None:
        current = current_year_from(years)
        year = current if current is not None and current.starts_on <= student.final_year.starts_on else None
        year = year or student.final_year
    # A posted stage is the one the form was shown for (its hidden field).
    stage = request.POST.get("stage") or selected["stage"]
    if stage not in Stage.values:
        stage = Stage.FINAL if year.pk == student.final_year_id else Stage.FIRST
    return {"year": year, "stage": stage, "q": selected["q"][:100], "years": years, "stages": Stage.choices}


@login_required
@GET_POST
def placement_create(request: HttpRequest, pk: int) -> HttpResponse:
    student = object_or_404(
        Student.objects.select_related("partnership", "programme", "final_year"),
        request.user,
        PlacementPerm.MANAGE,
        pk=pk,
    )
    own = own_employer(request.user, student.partnership)
    chosen = _offer_filter(request, student, all_years())
    with_room = offers_with_room(
        student.partnership, year=chosen["year"], stage=chosen["stage"], query=chosen["q"], own_employer=own
    )
    offers = list(with_room)  # read once: the count and the choices below (a posted one is checked again)
    form = PlacementForm(
        request.POST or None,
        offers=with_room,
        initial={
            "planned_days": required_days(student.programme, chosen["stage"]),
            "stage": chosen["stage"],
        },
    )
    field = cast(OfferChoiceField, form.fields["offer"])
    field.choices = [("", "Choose an offer")] + [(offer.pk, field.label_from_instance(offer)) for offer in offers]
    warnings: list[str] = []
    choice = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        where = (data["offer"], data["stage"], data["starts_on"], data["ends_on"])
        # Refusals first (checked again under a lock when saving), then the flags to confirm.
        problems = allocation_problems(student, *where) | days_problems(
            stage=data["stage"],
            planned_days=data["planned_days"],
            required=required_days(student.programme, data["stage"]),
            reason=data.get("days_reason", ""),
        )
        if problems:
            add_service_errors(form, ValidationError(problems))
        else:
            warnings = allocation_warnings(student, *where)
            # The flags are confirmed only for the exact choice they were shown for.
            choice = f"{data['offer'].pk}:{data['stage']}:{data['starts_on']}:{data['ends_on']}"
            if not warnings or request.POST.get("confirm_warnings") == choice:
                try:
                    placement = allocate(
                        request.user,
                        student,
                        **pick(
                            data,
                            [
                                "offer",
                                "stage",
                                "starts_on",
                                "ends_on",
                                "planned_days",
                                "status",
                                "days_reason",
                                "checks_reason",
                            ],
                        ),
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                    warnings = []
                except PermissionDenied:
                    form.add_error("offer", "You can only place students on your own organisation's offers")
                    warnings = []
                else:
                    for warning in warnings:
                        messages.warning(request, warning)
                    messages.success(request, f"{student.reference} placed at {placement.offer.team}")
                    return redirect(placement)
    return render_form(
        request,
        form,
        title="Place the student",
        caption=str(student),
        intro="Only offers with a place left for the stage and year are listed. The dates must not overlap the "
        "student's other placements.",
        submit_label="Save placement",
        cancel_url=student.get_absolute_url(),
        offer_filter=chosen,
        offers_found=len(offers),
        warnings=warnings,
        confirm_value=choice if warnings else "",
    )


def _placement_for(request, pk, perm=Perm.VIEW) -> Placement:
    return object_or_404(
        Placement.objects.select_related(
            "partnership",
            "student",
            "student__university",
            "offer",
            "offer__employer",
            "offer__practice_educator",
            "academic_year",
        ),
        request.user,
        perm,
        pk=pk,
    )


@login_required
def placement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    placement = _placement_for(request, pk)
    reviews = list(placement.reviews.order_by("completed_on"))
    today = timezone.localdate()
    # The one review-due rule (placements.rules): the same states the quality page and the
    # dashboard count, so a point is overdue here only when it is overdue there.
    first: dict[str, dt.date] = {}
    for review in reviews:
        first.setdefault(review.point, review.completed_on)
    points = [
        {
            "label": ReviewPoint(point).label,
            "due_on": due_on,
            "reviews": [r for r in reviews if r.point == point],
            "state": review_state(due_on, first.get(point), today),
        }
        for point, due_on in placement.review_due_dates().items()
    ]
    can_manage = can_manage_employer(request.user, placement.partnership, placement.offer.employer_id)
    at_risk = falls_short(
        status=placement.status,
        starts_on=placement.starts_on,
        ends_on=placement.ends_on,
        planned_days=placement.planned_days,
        completed_days=placement.completed_days,
        today=today,
    )
    return render(
        request,
        "placements/placement_detail.html",
        {
            "placement": placement,
            "at_risk": at_risk,
            "days_expected": days_expected_by(placement.starts_on, placement.ends_on, placement.planned_days, today),
            "tolerance": FALLING_SHORT_TOLERANCE,
            "falling_short": DEFINITIONS["placements_falling_short"],
            "points": points,
            "can_manage": can_manage,
            "events": history_for(target=placement, limit=10),
        },
    )


@login_required
@GET_POST
def placement_status(request: HttpRequest, pk: int) -> HttpResponse:
    placement = _placement_for(request, pk, PlacementPerm.MANAGE)
    require_employer(request.user, placement.partnership, placement.offer.employer_id)
    allowed = [(s, PlacementStatus(s).label) for s in PlacementStatus.values if s in TRANSITIONS[placement.status]]
    if not allowed:
        messages.info(request, f"This placement is {placement.get_status_display().lower()}: its status cannot change.")
        return redirect(placement)
    form = StatusForm(
        request.POST or None,
        allowed=allowed,
        initial={"revision": placement.revision, "completed_days": placement.completed_days},
    )
    return form_flow(
        request,
        form,
        lambda data: change_status(
            request.user,
            placement,
            status=data["status"],
            completed_days=data.get("completed_days"),
            end_reason=data.get("end_reason", ""),
            end_notes=data.get("end_notes", ""),
            ended_on=data.get("ended_on"),
            days_reason=data.get("days_reason", ""),
            checks_reason=data.get("checks_reason", ""),
            base_revision=data.get("revision"),
        ),
        success="Placement status updated",
        next_url=placement.get_absolute_url(),
        stale_check=placement,
        title="Update the placement's status",
        caption=str(placement),
        intro="The status must fit the dates: in progress from its first day, completed from its last day, and "
        "an ending early dated on its real last day (not in the future). Days done cannot run ahead of the days "
        "that have passed; fewer days than the stage requires need a reason.",
        submit_label="Update status",
        cancel_url=placement.get_absolute_url(),
    )


@login_required
@GET_POST
def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    placement = _placement_for(request, pk, PlacementPerm.MANAGE)
    require_employer(request.user, placement.partnership, placement.offer.employer_id)
    form = ReviewForm(request.POST or None, initial={"completed_on": timezone.localdate()})
    return form_flow(
        request,
        form,
        lambda data: record_review(request.user, placement, data=pick(data, ReviewForm.Meta.fields)),
        success="Review recorded",
        next_url=placement.get_absolute_url(),
        title="Record a quality review",
        caption=str(placement),
        intro="Reviews at four weeks, midway and at the end cover learning opportunities, support and "
        "the student's progress. Recording the same point and role again replaces it.",
        submit_label="Save review",
        cancel_url=placement.get_absolute_url(),
    )
