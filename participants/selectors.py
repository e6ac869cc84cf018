"""Reads for the participants' pages: who a signed-in person is (a student, a practice
educator) and their own placements, reviews and days. Every read starts from the person's link,
so a student can only ever reach their own records."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Sum
from django.utils import timezone

from participants.models import DaysLog, DaysStatus, EducatorAccount, ReviewSignature, StudentAccount
from partnerships.access import memberships
from placements.models import HOLDS_PLACE, Placement, PracticeEducator, QualityReview, ReviewPoint, ReviewRole, Student
from placements.rules import review_state

_STUDENT = "_participant_student"
_EDUCATOR = "_participant_educator"
_MISSING = object()


def _cached(user, attr: str, load):
    value = getattr(user, attr, _MISSING)
    if value is _MISSING:
        value = load()
        setattr(user, attr, value)
    return value


def student_for_user(user) -> Student | None:
    """The student this account signs in for, or None (cached on the user object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return _cached(
        user,
        _STUDENT,
        lambda: (
            Student.objects.select_related("partnership", "programme", "university")
            .filter(account__user=user, purged_on__isnull=True)
            .first()
        ),
    )


def educator_for_user(user) -> PracticeEducator | None:
    """The practice educator record this account signs in for, or None (cached on the user)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return _cached(
        user,
        _EDUCATOR,
        lambda: PracticeEducator.objects.select_related("partnership").filter(account__user=user).first(),
    )


# Sections other apps add to a participant's home page (matching: a student's preference rounds).
# A provider is `fn(user) -> (template name, context) or None`; participants imports none of them.
HomeSection = tuple[str, dict]
_home_sections: list = []


def register_home_section(provider) -> None:
    if provider not in _home_sections:
        _home_sections.append(provider)


def home_sections(user) -> list[HomeSection]:
    return [section for provider in _home_sections if (section := provider(user)) is not None]


def forget(user) -> None:
    for attr in (_STUDENT, _EDUCATOR):
        if hasattr(user, attr):
            delattr(user, attr)


def is_participant_only(user) -> bool:
    """A student or practice educator who is not a partnership member nor a site administrator:
    their home is their own page, and their menu lists only it. Members are answered from the
    cached memberships without a query."""
    if not getattr(user, "is_authenticated", False) or user.is_site_admin or memberships(user):
        return False
    return student_for_user(user) is not None or educator_for_user(user) is not None


def own_placement_events(user, start, end, filters):
    """Calendar events (calendars.selectors) of a participant's own placements: a student's, and
    those of the students a practice educator supports, with the students' references (both see
    them on their own pages); nothing for anyone else."""
    from django.db.models import Q

    from calendars.selectors import events_of, within

    student, educator = student_for_user(user), educator_for_user(user)
    if student is None and educator is None:
        return []
    own = Q(student=student) if student is not None else Q()
    if educator is not None:
        supported = Q(offer__practice_educator=educator, status__in=SUPPORTED_STATUSES)
        own = own | supported if student is not None else supported
    return events_of(
        within(Placement.objects.filter(own), start, end, filters),
        start,
        end,
        filters,
        lambda _: True,
        url_name="participants:placement",  # their own page of it (the placements pages are 404 to them)
    )


def student_account(student: Student) -> StudentAccount | None:
    return StudentAccount.objects.select_related("user").filter(student=student).first()


def educator_account(educator: PracticeEducator) -> EducatorAccount | None:
    return EducatorAccount.objects.select_related("user").filter(educator=educator).first()


# --- The pages ---------------------------------------------------------------------------------


@dataclass
class PlacementView:
    placement: Placement
    points: list[dict]
    logs: list[DaysLog]
    confirmed_days: int
    waiting_days: int
    required_days: int
    outstanding: list[dict] = field(default_factory=list)  # review points the educator still owes

    @property
    def percent_done(self) -> int:
        if not self.required_days:
            return 0
        return min(100, round(100 * self.placement.completed_days / self.required_days))


def _placements():
    return Placement.objects.select_related(
        "offer", "offer__employer", "offer__practice_educator", "student", "student__programme", "academic_year"
    ).prefetch_related(
        Prefetch(
            "reviews",
            queryset=QualityReview.objects.select_related("signature").order_by("completed_on", "id"),
        ),
        Prefetch("days_logs", queryset=DaysLog.objects.order_by("-week_ending", "-id")),
    )


def _view(placement: Placement, today) -> PlacementView:
    from placements.rules import required_days

    reviews = list(placement.reviews.all())
    first: dict[str, object] = {}
    for review in reviews:
        first.setdefault(review.point, review.completed_on)
    educator_done = {r.point for r in reviews if r.role == ReviewRole.EDUCATOR}
    points = []
    for point, due_on in placement.review_due_dates().items():
        points.append(
            {
                "point": point,
                "label": ReviewPoint(point).label,
                "due_on": due_on,
                "reviews": [r for r in reviews if r.point == point],
                "state": review_state(due_on, first.get(point), today),  # type: ignore[arg-type]
                "educator_done": point in educator_done,
            }
        )
    logs = list(placement.days_logs.all())
    outstanding = [p for p in points if not p["educator_done"] and p["due_on"] <= today]
    return PlacementView(
        placement=placement,
        points=points,
        logs=logs,
        confirmed_days=sum(log.days for log in logs if log.status == DaysStatus.CONFIRMED),
        waiting_days=sum(log.days for log in logs if log.status == DaysStatus.SUBMITTED),
        required_days=required_days(placement.student.programme, placement.stage),
        outstanding=outstanding,
    )


def student_placements(student: Student, today=None) -> list[PlacementView]:
    """The student's own placements, newest first, with review points and days."""
    today = today or timezone.localdate()
    return [_view(p, today) for p in _placements().filter(student=student)]


def skills_days_done(student: Student) -> int:
    return student.skills_days.aggregate(total=Sum("days"))["total"] or 0


# The placements a practice educator supports: on their offers and agreed (not the proposed ones:
# nothing is agreed yet). Their page and their calendar link both read it.
SUPPORTED_STATUSES = [s for s in HOLDS_PLACE if s != "proposed"]


def educator_placements(educator: PracticeEducator, today=None) -> list[PlacementView]:
    """The placements this person supports as practice educator, newest first."""
    today = today or timezone.localdate()
    return [
        _view(p, today) for p in _placements().filter(offer__practice_educator=educator, status__in=SUPPORTED_STATUSES)
    ]


def placement_for_student(user, pk: int) -> Placement | None:
    student = student_for_user(user)
    if student is None:
        return None
    return _placements().filter(student=student, pk=pk).first()


def placement_for_educator(user, pk: int) -> Placement | None:
    educator = educator_for_user(user)
    if educator is None:
        return None
    return _placements().filter(offer__practice_educator=educator, pk=pk).exclude(status="proposed").first()


def signature_of(review: QualityReview) -> ReviewSignature | None:
    return ReviewSignature.objects.filter(review=review).first()
