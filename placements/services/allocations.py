"""Placing students on offers: the rules that refuse an allocation and the flags to confirm,
moving a placement along its workflow, and recording its quality reviews."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from placements.actions import Action
from placements.models import (
    HOLDS_PLACE,
    TRANSITIONS,
    OfferStage,
    Placement,
    PlacementOffer,
    PlacementStatus,
    QualityReview,
    ReviewPoint,
    Student,
)
from placements.rules import days_problems, required_days, review_problems, review_schedule, status_problems
from placements.services.checks import checks_problems
from placements.services.common import require_employer, student_subjects
from placements.services.educators import note_student_supported
from portal.audit import diff, record, snapshot
from portal.concurrency import refuse_stale
from portal.dates import long_date
from portal.exceptions import InvalidTransition


def allocation_problems(
    student: Student,
    offer: PlacementOffer,
    stage: str,
    starts_on: dt.date,
    ends_on: dt.date,
    *,
    exclude_pk: int | None = None,
) -> dict[str, str]:
    """The rules that refuse an allocation, as {field: message}. Called under a lock on the
    offer row so two coordinators cannot both take its last place."""
    problems: dict[str, str] = {}
    if ends_on < starts_on:
        problems["ends_on"] = "The placement must end on or after the day it starts"
        return problems
    if offer.partnership_id != student.partnership_id:
        problems["offer"] = "Choose an offer in the student's partnership"
    if offer.stage != OfferStage.EITHER and offer.stage != stage:
        problems["stage"] = f"This offer is for a {offer.get_stage_display().lower()}, not a {stage} placement"
    held = PlacementOffer.objects.with_places_held(exclude_pk).values_list("held", flat=True).get(pk=offer.pk)
    if held >= offer.places:
        problems["offer"] = (
            f"{offer.team} has no place left: all {offer.places} are taken. "
            "Ask the employer for another place or choose another offer"
        )
    # A placement that ended early keeps its real last day in ends_on, so plain date overlap
    # covers it too.
    overlapping = Placement.objects.filter(student=student, starts_on__lte=ends_on, ends_on__gte=starts_on)
    if exclude_pk is not None:
        overlapping = overlapping.exclude(pk=exclude_pk)
    clash = overlapping.select_related("offer").first()
    if clash:
        problems["starts_on"] = (
            f"{student.reference} already has a placement at {clash.offer.team} from {long_date(clash.starts_on)} "
            f"to {long_date(clash.ends_on)}: a student's placements cannot overlap"
        )
    return problems


def allocation_warnings(student: Student, offer: PlacementOffer, stage: str, starts_on, ends_on) -> list[str]:
    """Things to flag but not refuse: a final placement that leaves the student without a
    statutory placement, another university's students in the same team at the same time, and a
    practice educator who would support more students at once than they take."""
    warnings = []
    if stage == "final" and not offer.statutory:
        has_statutory = student.placements.filter(offer__statutory=True, status__in=HOLDS_PLACE).exists()
        if not has_statutory:
            warnings.append(
                f"{student.reference} has no statutory placement and this final placement is not statutory: "
                "they will finish without the statutory placement every student needs"
            )
    other_universities = (
        Placement.objects.filter(
            offer__employer_id=offer.employer_id,
            offer__team__iexact=offer.team,
            status__in=HOLDS_PLACE,
            starts_on__lte=ends_on,
            ends_on__gte=starts_on,
        )
        .exclude(student__university_id=student.university_id)
        .values_list("student__university__name", flat=True)
        # Without clearing the model's ordering, DISTINCT would also take the ordering columns and
        # name a university once per placement: the clash warning printed twice.
        .order_by("student__university__name")
        .distinct()
    )
    for name in other_universities:
        warnings.append(
            f"{offer.team} also hosts a {name} student at the same time: check that the two universities' "
            "blocks and teaching days fit together"
        )
    educator = offer.practice_educator
    if educator is not None:
        busy = Placement.objects.filter(
            offer__practice_educator=educator, status__in=HOLDS_PLACE, starts_on__lte=ends_on, ends_on__gte=starts_on
        ).count()
        if busy >= educator.max_students:
            warnings.append(
                f"{educator.full_name}, the practice educator for {offer.team}, already supports {busy} "
                f"student{'s' if busy != 1 else ''} at that time and takes at most {educator.max_students} at once: "
                "check with them or name another practice educator on the offer"
            )
    return warnings


@transaction.atomic
def allocate(
    actor,
    student: Student,
    *,
    offer: PlacementOffer,
    stage: str,
    starts_on,
    ends_on,
    planned_days: int,
    status: str = PlacementStatus.PROPOSED,
    days_reason: str = "",
    checks_reason: str = "",
) -> Placement:
    """Place a student on an offer, as proposed or straight away confirmed (a confirmed one needs
    the student's required pre-placement checks, or `checks_reason`)."""
    require_employer(actor, student.partnership, offer.employer_id)
    offer = PlacementOffer.objects.select_for_update().get(pk=offer.pk)
    problems = allocation_problems(student, offer, stage, starts_on, ends_on)
    problems.update(
        days_problems(
            stage=stage, planned_days=planned_days, required=required_days(student.programme, stage), reason=days_reason
        )
    )
    if status == PlacementStatus.CONFIRMED:
        problems.update(checks_problems(student, starts_on, checks_reason))
    if problems:
        raise ValidationError(problems)
    if status not in (PlacementStatus.PROPOSED, PlacementStatus.CONFIRMED):
        raise InvalidTransition("A new placement starts as proposed or confirmed")
    # A reason belongs to confirming: a proposed placement is checked again when it is confirmed.
    checks_reason = checks_reason.strip() if status == PlacementStatus.CONFIRMED else ""
    placement = Placement(
        partnership_id=student.partnership_id,
        academic_year_id=offer.academic_year_id,
        student=student,
        offer=offer,
        stage=stage,
        starts_on=starts_on,
        ends_on=ends_on,
        planned_days=planned_days,
        status=status,
        days_reason=days_reason.strip(),
        checks_reason=checks_reason,
    )
    placement.full_clean()
    placement.save()
    changes = {"status": [None, status], "offer": [None, str(offer)]}
    if checks_reason:
        changes["checks_reason"] = [None, checks_reason]
    record(
        actor,
        Action.PLACEMENT_CREATED,
        placement,
        changes=changes,
        summary=f"Placed {student.reference} at {offer.team}, {offer.employer.name} ({stage} placement)",
        partnership_id=student.partnership_id,
        organisation_id=offer.employer_id,
        subjects=student_subjects(student),
    )
    return placement


@transaction.atomic
def change_status(
    actor,
    placement: Placement,
    *,
    status: str,
    completed_days: int | None = None,
    end_reason: str = "",
    end_notes: str = "",
    ended_on: dt.date | None = None,
    days_reason: str = "",
    checks_reason: str = "",
    base_revision: int | None,
) -> Placement:
    """Move a placement along its workflow, refusing what the dates and days contradict
    (placements.rules.status_problems); ending early needs a reason and the real last day, and
    keeps the planned last day so the review points keep their dates. Confirming needs the
    student's required pre-placement checks done and valid on the first day, or `checks_reason`
    (kept on the placement and in the audit event)."""
    require_employer(actor, placement.partnership, placement.offer.employer_id)
    locked = (
        Placement.objects.select_for_update()
        .select_related("offer", "student", "student__programme")
        .get(pk=placement.pk)
    )
    refuse_stale(locked, base_revision)
    if status not in TRANSITIONS[locked.status]:
        raise InvalidTransition(
            f"A placement that is {locked.get_status_display().lower()} cannot become "
            f"{PlacementStatus(status).label.lower()}"
        )
    fields = [
        "status",
        "completed_days",
        "end_reason",
        "end_notes",
        "ends_on",
        "planned_ends_on",
        "days_reason",
        "checks_reason",
    ]
    before = snapshot(locked, fields)
    today = timezone.localdate()
    if completed_days is not None and completed_days > locked.planned_days + 30:
        raise ValidationError({"completed_days": "Completed days look too high for the planned days"})
    days = completed_days if completed_days is not None else locked.completed_days
    if status == PlacementStatus.COMPLETED and completed_days is None and not locked.completed_days:
        days = locked.planned_days
    reason = days_reason if days_reason.strip() else locked.days_reason
    if status == PlacementStatus.ENDED_EARLY and not end_reason:
        raise ValidationError({"end_reason": "Choose why the placement ended early"})
    never_started = status == PlacementStatus.ENDED_EARLY and locked.starts_on > today
    if never_started:
        # Withdrawn before its first day: no days done, its last day recorded as its first.
        if days:
            raise ValidationError({"completed_days": "It has not started yet: no days can have been done"})
        ended_on = locked.starts_on
    else:
        problems = status_problems(
            status=status,
            starts_on=locked.starts_on,
            ends_on=locked.ends_on,
            completed_days=days,
            planned_days=locked.planned_days,
            required=required_days(locked.student.programme, locked.stage),
            reason=reason,
            ended_on=ended_on,
            today=today,
        )
        if problems:
            raise ValidationError(problems)
    if status == PlacementStatus.ENDED_EARLY:
        assert ended_on is not None  # checked above
        # The reviews during the placement stay inside it: it cannot end before one of them.
        latest = (
            QualityReview.objects.filter(placement=locked, completed_on__gt=ended_on)
            .exclude(point=ReviewPoint.END)
            .order_by("-completed_on")
            .first()
        )
        if latest is not None:
            raise ValidationError(
                {
                    "ended_on": f"The {latest.get_point_display().lower()} review is dated "
                    f"{long_date(latest.completed_on)}: the last day cannot be before it"
                }
            )
        locked.end_reason, locked.end_notes = end_reason, end_notes
        locked.planned_ends_on = locked.planned_ends_on or locked.ends_on
        locked.ends_on = ended_on
    if status == PlacementStatus.CONFIRMED:
        # Confirming needs the place to be still free: a proposed placement already holds one,
        # so this only guards against an offer reduced since.
        held = PlacementOffer.objects.with_places_held(locked.pk).values_list("held", flat=True).get(pk=locked.offer_id)
        if held >= locked.offer.places:
            raise ValidationError("The offer has no place left for this student")
        gate = checks_problems(locked.student, locked.starts_on, checks_reason)
        if gate:
            raise ValidationError(gate)
        if checks_reason.strip():
            locked.checks_reason = checks_reason.strip()
    locked.completed_days = days
    locked.days_reason = reason.strip()
    locked.status = status
    locked.revision += 1
    locked.full_clean()
    locked.save()
    record(
        actor,
        Action.PLACEMENT_STATUS_CHANGED,
        locked,
        changes=diff(before, snapshot(locked, fields)),
        summary=f"{locked.student.reference}'s placement at {locked.offer.team} is now {locked.get_status_display().lower()}",
        partnership_id=locked.partnership_id,
        organisation_id=locked.offer.employer_id,
        subjects=student_subjects(locked.student),
    )
    if status == PlacementStatus.COMPLETED and locked.offer.practice_educator_id:
        note_student_supported(locked.offer.practice_educator_id, locked.ends_on)
    return locked


def refuse_review_problems(locked: Placement, data: dict) -> None:
    """The review rules (placements.rules.review_problems) for `data["point"]` done on
    `data["completed_on"]`, against the placement (locked by the caller) and its other reviews:
    a ValidationError naming each problem. Whoever records a review (the coordinator here, the
    practice educator in participants) calls this one check."""
    others = list(
        QualityReview.objects.filter(placement=locked).exclude(point=data["point"]).values_list("point", "completed_on")
    )
    problems = review_problems(
        point=data["point"],
        completed_on=data["completed_on"],
        starts_on=locked.starts_on,
        ends_on=locked.ends_on,
        schedule=review_schedule(
            locked.starts_on,
            locked.ends_on,
            planned_ends_on=locked.planned_ends_on,
            status=locked.status,
            completed_days=locked.completed_days,
        ),
        others=others,
        today=timezone.localdate(),
    )
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def record_review(actor, placement: Placement, *, data: dict) -> QualityReview:
    require_employer(actor, placement.partnership, placement.offer.employer_id)
    if placement.status == PlacementStatus.PROPOSED:
        raise InvalidTransition("Reviews can be recorded once the placement is confirmed")
    locked = Placement.objects.select_for_update().get(pk=placement.pk)
    refuse_review_problems(locked, data)
    review = QualityReview.objects.filter(placement=placement, point=data["point"], role=data["role"]).first()
    created = review is None
    review = review or QualityReview(placement=placement)
    before = {} if created else snapshot(review, data.keys())
    for key, value in data.items():
        setattr(review, key, value)
    review.recorded_by = actor
    review.full_clean()
    review.save()
    record(
        actor,
        Action.REVIEW_RECORDED if created else Action.REVIEW_UPDATED,
        review,
        changes=diff(before, snapshot(review, data.keys())),
        summary=f"Recorded the {review.get_point_display().lower()} review ({review.get_role_display().lower()}) "
        f"for {placement.student.reference}",
        partnership_id=placement.partnership_id,
        subjects=student_subjects(placement.student),
    )
    return review
