"""Every change participants make: inviting students and practice educators to sign in, a
practice educator completing and signing a review, a student recording days and their practice
educator confirming or querying them, and closing a student's sign-in when their data is purged.

The rules about reviews and days are placements' (placements.rules); these functions only add
who may act: the practice educator of the placement's offer, or the student themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from participants.actions import Action
from participants.models import DaysLog, DaysStatus, EducatorAccount, ReviewSignature, StudentAccount
from participants.selectors import educator_for_user, forget, student_for_user
from partnerships.access import require
from partnerships.services.common import one_line, save_or_refuse
from partnerships.services.people import _invitation_link
from placements.models import Placement, PlacementStatus, PracticeEducator, QualityReview, ReviewRole, Student
from placements.permissions import PlacementPerm
from placements.rules import days_between, required_days, status_problems
from placements.services.allocations import refuse_review_problems
from placements.services.common import require_employer, student_subjects
from portal.audit import diff, record, snapshot
from portal.concurrency import refuse_stale
from portal.dates import long_date
from portal.exceptions import InvalidTransition
from portal.links import absolute_url
from portal.mail import send_now
from portal.models import User

# --- Invitations --------------------------------------------------------------------------------


@dataclass
class Invitation:
    user: User
    new_account: bool  # an account was created and the invitation e-mail sent
    resent: bool = False  # invited before, no password set yet: the e-mail went again


def _account_for(email: str, full_name: str) -> tuple[User, bool]:
    """The account with this address, or a new one without a password (as invite_member makes)."""
    email = User.objects.normalize_email((email or "").strip()).lower()
    if not email:
        raise ValidationError({"email": "Enter their email address"})
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    full_name = one_line(full_name)
    if not full_name:
        raise ValidationError({"full_name": "Enter their full name: they do not have an account yet"})
    user = User(email=email, full_name=full_name)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    save_or_refuse(user, {"email": f"An account for {email} was created meanwhile. Try again."})
    return user, True


def _send(user: User, actor: User, *, who: str, partnership) -> None:
    """The member invitation's link (`invitation_accept`, Django's password-reset tokens: one
    use, PASSWORD_RESET_TIMEOUT), queued in the transaction so a refused e-mail adds nobody."""
    send_now(
        "participants/email/invitation",
        {
            "user": user,
            "who": who,
            "partnership": partnership,
            "inviter": actor,
            "link": _invitation_link(user),
            "days": settings.PASSWORD_RESET_TIMEOUT // (24 * 3600),
            "login_url": absolute_url(reverse("login")),
        },
        [user],
    )


def _invite(actor: User, link_model, existing, *, email: str, full_name: str, who: str, partnership, **link):
    if existing is not None:
        if existing.user.has_usable_password():
            raise ValidationError(f"{existing.user.email} already signs in for them.")
        _send(existing.user, actor, who=who, partnership=partnership)
        return Invitation(existing.user, new_account=False, resent=True), existing, True
    user, created = _account_for(email, full_name)
    if link_model.objects.filter(user=user).exists():
        raise ValidationError({"email": f"{user.email} already signs in for someone else."})
    row = link_model(user=user, invited_by=actor, **link)
    save_or_refuse(row, {"email": "They were invited meanwhile."})
    if created or not user.has_usable_password():
        _send(user, actor, who=who, partnership=partnership)
    forget(user)
    return Invitation(user, new_account=created), row, False


@transaction.atomic
def invite_student(actor: User, student: Student, *, email: str, full_name: str = "") -> Invitation:
    """Give a student a sign-in: their own placements, reviews and days. Their e-mail address is
    kept on the account only. They are not a partnership member."""
    require(actor, student.partnership, PlacementPerm.MANAGE)
    student = Student.objects.select_for_update().get(pk=student.pk)
    if student.purged_on:
        raise InvalidTransition("This student's personal data was removed: they cannot be invited")
    existing = StudentAccount.objects.select_related("user").filter(student=student).first()
    invitation, row, resent = _invite(
        actor,
        StudentAccount,
        existing,
        email=email,
        full_name=full_name or student.name,
        who="student",
        partnership=student.partnership,
        student=student,
    )
    record(
        actor,
        Action.STUDENT_INVITED,
        row,
        summary=f"{'Sent the invitation again to' if resent else 'Invited'} student {student.reference} to sign in",
        partnership_id=student.partnership_id,
        subjects=student_subjects(student),
    )
    return invitation


@transaction.atomic
def invite_educator(actor: User, educator: PracticeEducator, *, email: str = "", full_name: str = "") -> Invitation:
    """Give a practice educator a sign-in: the students they support and the reviews they owe."""
    require_employer(actor, educator.partnership, educator.employer_id)
    educator = PracticeEducator.objects.select_for_update().get(pk=educator.pk)
    existing = EducatorAccount.objects.select_related("user").filter(educator=educator).first()
    invitation, row, resent = _invite(
        actor,
        EducatorAccount,
        existing,
        email=email or educator.email,
        full_name=full_name or educator.full_name,
        who="practice educator",
        partnership=educator.partnership,
        educator=educator,
    )
    record(
        actor,
        Action.EDUCATOR_INVITED,
        row,
        summary=f"{'Sent the invitation again to' if resent else 'Invited'} practice educator "
        f"{educator.full_name} to sign in",
        partnership_id=educator.partnership_id,
        organisation_id=educator.employer_id,
    )
    return invitation


# --- Who may act on a placement ----------------------------------------------------------------


def require_educator_of(actor: User, placement: Placement) -> PracticeEducator:
    """The actor signs in as the practice educator of the placement's offer; anyone else gets
    404, as for a placement outside their partnerships."""
    educator = educator_for_user(actor)
    if educator is None or placement.offer.practice_educator_id != educator.pk:
        raise Http404("No such placement")
    if placement.status == PlacementStatus.PROPOSED:
        raise Http404("No such placement")
    return educator


def require_student_of(actor: User, placement: Placement) -> Student:
    student = student_for_user(actor)
    if student is None or placement.student_id != student.pk:
        raise Http404("No such placement")
    return student


# --- Reviews the practice educator completes and signs -----------------------------------------

REVIEW_FIELDS = ["point", "learning_opportunities", "support", "performance", "comments", "completed_on"]


@transaction.atomic
def complete_review(
    actor: User, placement: Placement, *, data: dict, typed_name: str, declared: bool, password_confirmed: bool
) -> QualityReview:
    """The practice educator's review at one point, signed: the view checks the password again
    (portal.reauth through portal.forms.ConfirmPasswordForm) and passes `password_confirmed`.
    The rules are placements' review rules (placements.rules.review_problems), the same the
    coordinator's "Record a quality review" checks. A signed review is final."""
    require_educator_of(actor, placement)
    if not password_confirmed:
        raise PermissionDenied("Enter your password again to sign the review.")
    if not declared:
        raise ValidationError({"declaration": "Confirm the declaration to sign the review"})
    if one_line(typed_name).casefold() != one_line(actor.full_name).casefold():
        raise ValidationError({"typed_name": f"Type your full name exactly as on your account: {actor.full_name}"})
    locked = Placement.objects.select_for_update().select_related("student", "offer").get(pk=placement.pk)
    refuse_review_problems(locked, data)
    review = QualityReview.objects.filter(placement=locked, point=data["point"], role=ReviewRole.EDUCATOR).first()
    if review is not None and ReviewSignature.objects.filter(review=review).exists():
        raise ValidationError({"point": "You have already signed this review: it cannot be changed"})
    created = review is None
    review = review or QualityReview(placement=locked, role=ReviewRole.EDUCATOR)
    fields = [f for f in REVIEW_FIELDS if f in data]
    before = {} if created else snapshot(review, fields)
    for key in fields:
        setattr(review, key, data[key])
    review.recorded_by = actor
    review.full_clean()
    review.save()
    ReviewSignature.objects.create(
        review=review, signed_by=actor, typed_name=one_line(typed_name), signed_at=timezone.now()
    )
    record(
        actor,
        Action.REVIEW_SIGNED,
        review,
        changes=diff(before, snapshot(review, fields)),
        summary=f"The practice educator completed and signed the {review.get_point_display().lower()} review "
        f"for {locked.student.reference}",
        partnership_id=locked.partnership_id,
        organisation_id=locked.offer.employer_id,
        subjects=student_subjects(locked.student),
    )
    return review


# --- Days: the student records, the practice educator confirms ----------------------------------

RECORDABLE = (PlacementStatus.CONFIRMED, PlacementStatus.IN_PROGRESS, PlacementStatus.COMPLETED)


@transaction.atomic
def record_days(actor: User, placement: Placement, *, week_ending: dt.date, days: int, note: str = "") -> DaysLog:
    """The student records practice days done in a week (1 to 7), dated within the placement
    and not in the future; they wait for the practice educator."""
    require_student_of(actor, placement)
    locked = Placement.objects.select_for_update().select_related("student").get(pk=placement.pk)
    if locked.status not in RECORDABLE:
        raise InvalidTransition("Days can be recorded once the placement is confirmed")
    today = timezone.localdate()
    if week_ending > today:
        raise ValidationError({"week_ending": "The week ending date cannot be in the future"})
    if week_ending < locked.starts_on:
        raise ValidationError(
            {"week_ending": f"The placement started on {long_date(locked.starts_on)}: no days before then"}
        )
    last = locked.planned_ends_on or locked.ends_on
    if week_ending > last + dt.timedelta(days=6):
        raise ValidationError({"week_ending": f"The placement ends on {long_date(last)}: no days after that week"})
    if not 1 <= days <= 7:
        raise ValidationError({"days": "Enter between 1 and 7 days for one week"})
    log = DaysLog(placement=locked, week_ending=week_ending, days=days, note=one_line(note), recorded_by=actor)
    log.full_clean()
    log.save()
    record(
        actor,
        Action.DAYS_RECORDED,
        log,
        changes={"days": [None, days], "week_ending": [None, str(week_ending)]},
        summary=f"{locked.student.reference} recorded {log} for the placement at {placement.offer.team}",
        partnership_id=locked.partnership_id,
        subjects=student_subjects(locked.student),
    )
    return log


def _lock_log(log: DaysLog, base_revision: int | None) -> DaysLog:
    locked = DaysLog.objects.select_for_update().get(pk=log.pk)
    refuse_stale(locked, base_revision)
    if locked.status != DaysStatus.SUBMITTED:
        raise InvalidTransition(f"These days are already {locked.get_status_display().lower()}")
    return locked


@transaction.atomic
def confirm_days(actor: User, log: DaysLog, *, base_revision: int | None) -> DaysLog:
    """The practice educator confirms a week's days: they join the placement's completed days.
    Placements' rules about days hold (placements.rules.status_problems for its status: never
    more than the days passed since the start), and never more than planned without the reason
    the coordinator records on the placement."""
    require_educator_of(actor, log.placement)
    locked = _lock_log(log, base_revision)
    placement = (
        Placement.objects.select_for_update()
        .select_related("student", "student__programme", "offer")
        .get(pk=locked.placement_id)
    )
    total = placement.completed_days + locked.days
    today = timezone.localdate()
    problems = status_problems(
        status=placement.status,
        starts_on=placement.starts_on,
        ends_on=placement.ends_on,
        completed_days=total,
        planned_days=placement.planned_days,
        required=required_days(placement.student.programme, placement.stage),
        reason=placement.days_reason or "-",  # falling short is judged when it is completed
        ended_on=placement.ends_on if placement.status == PlacementStatus.ENDED_EARLY else None,
        today=today,
    )
    if placement.status == PlacementStatus.COMPLETED and total > days_between(placement.starts_on, placement.ends_on):
        problems.setdefault("completed_days", "Days done cannot be more than the days between its start and end")
    if not problems and total > placement.planned_days and not placement.days_reason.strip():
        problems["completed_days"] = (
            f"That makes {total} days, more than the {placement.planned_days} planned: ask the placement's "
            "coordinator to record why on the placement first"
        )
    if problems:
        raise ValidationError(
            "These days cannot count: " + " ".join(problems.values()).rstrip(".") + ". Query them instead."
        )
    before = snapshot(placement, ["completed_days"])
    placement.completed_days = total
    placement.revision += 1
    placement.save(update_fields=["completed_days", "revision"])
    locked.status = DaysStatus.CONFIRMED
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.revision += 1
    locked.save()
    record(
        actor,
        Action.DAYS_CONFIRMED,
        locked,
        changes={"status": [DaysStatus.SUBMITTED, DaysStatus.CONFIRMED], **diff(before, {"completed_days": total})},
        summary=f"The practice educator confirmed {locked} for {placement.student.reference}: "
        f"{total} of {placement.planned_days} days done",
        partnership_id=placement.partnership_id,
        organisation_id=placement.offer.employer_id,
        subjects=student_subjects(placement.student),
    )
    return locked


@transaction.atomic
def query_days(actor: User, log: DaysLog, *, query: str, base_revision: int | None) -> DaysLog:
    """The practice educator queries a week's days: they do not count; the student sees why."""
    require_educator_of(actor, log.placement)
    query = one_line(query)
    if not query:
        raise ValidationError({"query": "Say what is wrong with these days"})
    locked = _lock_log(log, base_revision)
    locked.status = DaysStatus.QUERIED
    locked.query = query[:500]
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.revision += 1
    locked.save()
    student = log.placement.student
    record(
        actor,
        Action.DAYS_QUERIED,
        locked,
        changes={"status": [DaysStatus.SUBMITTED, DaysStatus.QUERIED]},
        summary=f"The practice educator queried {locked} for {student.reference}",
        partnership_id=log.placement.partnership_id,
        subjects=student_subjects(student),
    )
    return locked


# --- Retention -------------------------------------------------------------------------------


@transaction.atomic
def close_student_accounts(student_ids, *, actor=None) -> int:
    """Students whose personal data is purged lose their sign-in: the link goes and their account
    is deactivated, its e-mail address replaced (the address was their only contact data). Called
    for purged students (placements' purge, through the audit listener in registrations.py)."""
    accounts = list(StudentAccount.objects.select_related("student").filter(student_id__in=list(student_ids)))
    for account in accounts:
        user = account.user
        # An account that is also a partnership member or educator keeps its sign-in, only the link goes.
        keeps = user.memberships.exists() or EducatorAccount.objects.filter(user=user).exists()
        record(
            actor,
            Action.STUDENT_ACCOUNT_CLOSED,
            account,
            summary=f"Closed the sign-in of student {account.student.reference}",
            partnership_id=account.student.partnership_id,
            subjects=student_subjects(account.student),
        )
        account.delete()
        if not keeps:
            User.objects.filter(pk=user.pk).update(
                is_active=False, email=f"removed-{user.pk}@invalid", full_name="Removed", password="!"
            )
    return len(accounts)


def close_purged_accounts(partnership_id: int | None) -> int:
    """The sign-ins of every purged student in a partnership (after placements' purge)."""
    if partnership_id is None:
        return 0
    ids = StudentAccount.objects.filter(
        student__partnership_id=partnership_id, student__purged_on__isnull=False
    ).values_list("student_id", flat=True)
    return close_student_accounts(list(ids))
