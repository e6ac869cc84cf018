"""Who may open each participants page (see tests/access.py): a student's and a practice
educator's own pages open for them alone; a student opening another student's placement gets 404."""

from __future__ import annotations

import datetime as dt

from tests.access import Row, participants, roles


def _own_placement(w):
    """A placement of the world's student, on an offer whose practice educator is the world's."""
    from participants.models import EducatorAccount, StudentAccount
    from tests.placements import factories as pf

    student = StudentAccount.objects.get(user=w.user("student")).student
    educator = EducatorAccount.objects.get(user=w.user("educator")).educator
    offer = pf.OfferFactory(
        partnership=w.partnership,
        employer=w.employer,
        practice_educator=educator,
        starts_on=dt.date(2026, 9, 14),
        ends_on=dt.date(2027, 1, 29),
    )
    return pf.PlacementFactory(offer=offer, student=student, status="in-progress", planned_days=100)


def _own(w) -> dict:
    return {"pk": _own_placement(w).pk}


def _another_students(w) -> dict:
    """Another student of the same partnership, placed with another practice educator."""
    from tests.placements.factories import placements_world

    return {"pk": placements_world(w)["placement"].pk}


def _days(w) -> dict:
    from participants.models import DaysLog

    placement = _own_placement(w)
    log = DaysLog.objects.create(placement=placement, week_ending=dt.date(2026, 9, 18), days=5)
    return {"pk": log.pk}


def _student(w) -> dict:
    from participants.models import StudentAccount

    return {"pk": StudentAccount.objects.get(user=w.user("student")).student_id}


def _educator(w) -> dict:
    from tests.placements.factories import placements_world

    return {"pk": placements_world(w)["educator"].pk}


ROWS: list[Row] = [
    Row("participants:home", participants("student", "educator")),
    Row("participants:placement", participants("student", "educator"), kwargs=_own),
    Row(
        "participants:placement",
        participants(),
        kwargs=_another_students,
        note="another student's placement: 404 for the student",
    ),
    Row("participants:record_days", participants("student"), kwargs=_own),
    Row("participants:record_days", participants(), kwargs=_another_students, note="another student's"),
    Row("participants:complete_review", participants("educator"), kwargs=_own),
    Row("participants:complete_review", participants(), kwargs=_another_students, note="not their student"),
    Row("participants:days_decision", participants("educator"), kwargs=_days),
    Row("participants:invite_student", roles("coordinator", "lead"), kwargs=_student),
    Row("participants:invite_educator", roles("coordinator", "lead"), kwargs=_educator),
]
