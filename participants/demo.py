"""Demo sign-ins for a student and a practice educator (`manage.py seed_demo`): student@ and
educator@example.org (password demo-password, as the other demo users), linked to a student with
a placement under way in the first demo partnership and to that placement's practice educator.
Judged on the day the demo is built (portal.demo_clock); safe to run twice."""

from __future__ import annotations

import datetime as dt

from participants.models import DaysLog, EducatorAccount, StudentAccount
from partnerships.demo import DEMO_PARTNERSHIP_SLUGS, demo_password_hash
from placements.models import Placement, PlacementStatus
from portal import demo_clock
from portal.models import User

STUDENT_EMAIL = "student@example.org"
EDUCATOR_EMAIL = "educator@example.org"


def _user(email: str, full_name: str) -> User:
    user, _ = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "password": demo_password_hash()}
    )
    return user


def _placement() -> Placement | None:
    """The first demo partnership's placement under way today with a practice educator (or, on a
    day none is, the next confirmed one), in a stable order."""
    placements = Placement.objects.filter(
        partnership__slug=DEMO_PARTNERSHIP_SLUGS[0], offer__practice_educator__isnull=False
    ).select_related("offer__practice_educator", "student")
    # The demo's statuses are judged on the day it is built: in progress means under way today.
    for status in (PlacementStatus.IN_PROGRESS, PlacementStatus.CONFIRMED):
        found = placements.filter(status=status).order_by("starts_on", "id").first()
        if found:
            return found
    return None


def seed(stdout) -> None:
    existing = StudentAccount.objects.filter(user__email=STUDENT_EMAIL).select_related("student").first()
    placement = None
    if existing is not None:
        placement = (
            Placement.objects.filter(student=existing.student, offer__practice_educator__isnull=False)
            .select_related("offer__practice_educator", "student")
            .order_by("-starts_on")
            .first()
        )
    placement = placement or _placement()
    if placement is None:
        stdout.write("participants: no placement with a practice educator in the demo yet; no sign-ins added")
        return
    educator = placement.offer.practice_educator
    assert educator is not None  # filtered above
    student_user = _user(STUDENT_EMAIL, "Riley Carter")
    educator_user = _user(EDUCATOR_EMAIL, educator.full_name)
    if existing is None and not StudentAccount.objects.filter(student=placement.student).exists():
        StudentAccount.objects.get_or_create(user=student_user, defaults={"student": placement.student})
    if not EducatorAccount.objects.filter(user=educator_user).exists():
        if not EducatorAccount.objects.filter(educator=educator).exists():
            EducatorAccount.objects.create(user=educator_user, educator=educator)
    # A week of days waiting for the educator, when the placement has run a week.
    today = demo_clock.demo_today()
    friday = today - dt.timedelta(days=(today.weekday() - 4) % 7 or 7)
    if placement.status == PlacementStatus.IN_PROGRESS and placement.starts_on <= friday <= placement.ends_on:
        DaysLog.objects.get_or_create(
            placement=placement,
            week_ending=friday,
            defaults={"days": 4, "note": "Duty visits and supervision", "recorded_by": student_user},
        )
    stdout.write(
        f"participants: {STUDENT_EMAIL} signs in as student {placement.student.reference}, "
        f"{EDUCATOR_EMAIL} as their practice educator"
    )
