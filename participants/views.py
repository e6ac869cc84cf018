"""The participants' pages: a student's and a practice educator's own page ("Your placements"),
one placement, recording days, confirming them, completing and signing a review; and the
coordinator's invitation of a student or practice educator to sign in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from participants import selectors, services
from participants.forms import DaysDecisionForm, DaysForm, EducatorReviewForm, InviteForm
from participants.models import DaysLog, DaysStatus
from partnerships.access import object_or_404
from partnerships.auth import AuthenticatedHttpRequest
from placements.models import PracticeEducator, ReviewPoint, Student
from placements.permissions import PlacementPerm
from placements.services.common import require_employer
from portal.flows import GET_ONLY, GET_POST, form_page


def _invited(invitation: services.Invitation) -> str:
    if invitation.resent:
        return f"The invitation to {invitation.user.email} is sent again."
    if invitation.new_account:
        return f"Invitation sent to {invitation.user.email}."
    return f"{invitation.user.email} already has a sign-in: they can now see their part of the portal."


@login_required
@GET_POST
def invite_student(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    student = object_or_404(Student.objects.select_related("partnership"), request.user, PlacementPerm.MANAGE, pk=pk)
    account = selectors.student_account(student)
    form = InviteForm(request.POST or None, initial={"full_name": student.name})
    return form_page(
        request,
        form,
        lambda data: services.invite_student(request.user, student, email=data["email"], full_name=data["full_name"]),
        template="form_page.html",
        success=_invited,
        next_url=student.get_absolute_url(),
        title="Invite the student to sign in",
        caption=f"Student {student.reference}",
        intro=(
            f"{account.user.email} was invited already. Enter the address again to send the invitation again."
            if account
            else "They will see only their own placements, the dates of their reviews, and record the days they "
            "complete for their practice educator to confirm. Their email address is kept on their sign-in only."
        ),
        submit_label="Send invitation",
        cancel_url=student.get_absolute_url(),
    )


@login_required
@GET_POST
def invite_educator(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    educator = object_or_404(
        PracticeEducator.objects.select_related("partnership"), request.user, PlacementPerm.MANAGE, pk=pk
    )
    require_employer(request.user, educator.partnership, educator.employer_id)
    account = selectors.educator_account(educator)
    form = InviteForm(request.POST or None, initial={"email": educator.email, "full_name": educator.full_name})
    return form_page(
        request,
        form,
        lambda data: services.invite_educator(request.user, educator, email=data["email"], full_name=data["full_name"]),
        template="form_page.html",
        success=_invited,
        next_url=educator.get_absolute_url(),
        title="Invite the practice educator to sign in",
        caption=educator.full_name,
        intro=(
            f"{account.user.email} was invited already. Enter the address again to send the invitation again."
            if account
            else "They will see the students they support, complete and sign their reviews, and confirm the days "
            "the students record. They do not become a partnership member."
        ),
        submit_label="Send invitation",
        cancel_url=educator.get_absolute_url(),
    )


# --- The narrow pages --------------------------------------------------------------------------


@login_required
@GET_ONLY
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    student = selectors.student_for_user(request.user)
    educator = selectors.educator_for_user(request.user)
    if student is None and educator is None:
        raise Http404("You have no placements to see here")
    today = timezone.localdate()
    context: dict = {
        "student": student,
        "educator": educator,
        "today": today,
        "sections": selectors.home_sections(request.user),
    }
    if student is not None:
        context["placements"] = selectors.student_placements(student, today)
        context["skills_done"] = selectors.skills_days_done(student)
    if educator is not None:
        context["supported"] = selectors.educator_placements(educator, today)
        context["outstanding_count"] = sum(len(v.outstanding) for v in context["supported"])
        context["waiting_count"] = sum(
            1 for v in context["supported"] for log in v.logs if log.status == DaysStatus.SUBMITTED
        )
    return render(request, "participants/home.html", context)


def _placement(request: AuthenticatedHttpRequest, pk: int):
    """The placement as the student's own, or as one the educator supports; else 404."""
    placement = selectors.placement_for_student(request.user, pk)
    as_student = placement is not None
    if placement is None:
        placement = selectors.placement_for_educator(request.user, pk)
    if placement is None:
        raise Http404("No such placement")
    return placement, as_student


@login_required
@GET_ONLY
def placement(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    placement, as_student = _placement(request, pk)
    today = timezone.localdate()
    view = selectors._view(placement, today)
    return render(
        request,
        "participants/placement.html",
        {
            "view": view,
            "placement": placement,
            "as_student": as_student,
            "as_educator": not as_student,
            "can_record": as_student and placement.status in services.RECORDABLE,
            "skills_done": selectors.skills_days_done(placement.student) if as_student else None,
        },
    )


@login_required
@GET_POST
def record_days(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    placement = selectors.placement_for_student(request.user, pk)
    if placement is None:
        raise Http404("No such placement")
    form = DaysForm(request.POST or None)
    url = reverse("participants:placement", args=[placement.pk])
    return form_page(
        request,
        form,
        lambda data: services.record_days(
            request.user, placement, week_ending=data["week_ending"], days=data["days"], note=data["note"]
        ),
        template="form_page.html",
        success=lambda log: f"Recorded {log}: your practice educator will confirm them.",
        next_url=url,
        title="Record days completed",
        caption=f"{placement.offer.team}, {placement.offer.employer.name}",
        intro="Record the practice days you completed in one week. Your practice educator confirms them; "
        "then they count towards the placement's days.",
        submit_label="Record days",
        cancel_url=url,
    )


@login_required
@GET_POST
def days_decision(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    log = DaysLog.objects.select_related("placement__offer", "placement__student").filter(pk=pk).first()
    if log is None or selectors.placement_for_educator(request.user, log.placement_id) is None:
        raise Http404("No such days")
    url = reverse("participants:placement", args=[log.placement_id])
    if log.status != DaysStatus.SUBMITTED and request.method != "POST":
        messages.info(request, f"These days are already {log.get_status_display().lower()}.")
        return redirect(url)
    form = DaysDecisionForm(request.POST or None, initial={"revision": log.revision})

    def decide(data):
        if data["decision"] == "confirm":
            return services.confirm_days(request.user, log, base_revision=data.get("revision"))
        return services.query_days(request.user, log, query=data["query"], base_revision=data.get("revision"))

    return form_page(
        request,
        form,
        decide,
        template="form_page.html",
        success=lambda done: f"{'Confirmed' if done.status == DaysStatus.CONFIRMED else 'Queried'} {done}.",
        next_url=url,
        title="Confirm days completed",
        caption=f"{log.placement.student.reference}: {log}",
        intro=f"{log.placement.student.reference} recorded {log}"
        + (f" ({log.note})" if log.note else "")
        + ". Confirmed days count towards the placement's completed days.",
        submit_label="Save",
        cancel_url=url,
    )


@login_required
@GET_POST
def complete_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    placement = selectors.placement_for_educator(request.user, pk)
    if placement is None:
        raise Http404("No such placement")
    view = selectors._view(placement, timezone.localdate())
    signed = {r.point for r in placement.reviews.all() if r.role == "educator" and hasattr(r, "signature")}
    points = [(p["point"], ReviewPoint(p["point"]).label) for p in view.points if p["point"] not in signed]
    url = reverse("participants:placement", args=[placement.pk])
    if not points:
        messages.info(request, "You have signed every review of this placement.")
        return redirect(url)
    first_due = next((p for p, _ in points), None)
    form = EducatorReviewForm(
        request.POST or None,
        user=request.user,
        request=request,
        points=points,
        initial={"completed_on": timezone.localdate(), "point": first_due},
    )
    return form_page(
        request,
        form,
        lambda data: services.complete_review(
            request.user,
            placement,
            data={k: data[k] for k in services.REVIEW_FIELDS},
            typed_name=data["typed_name"],
            declared=data["declaration"],
            password_confirmed=True,  # the form checked it (ConfirmPasswordForm)
        ),
        template="form_page.html",
        success=lambda review: f"The {review.get_point_display().lower()} review is signed.",
        next_url=url,
        title="Complete and sign a review",
        caption=f"{placement.student.reference}: {placement.offer.team}",
        intro="Your review of the placement at this point: the learning opportunities, the support and the "
        "student's progress. Once signed it cannot be changed.",
        submit_label="Sign the review",
        cancel_url=url,
    )
