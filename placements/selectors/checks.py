"""Reads for pre-placement checks: one student's checks with their states (the student page).
The checks expiring soon are a figure (placements.selectors.figures.checks_expiring_soon)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import FilteredRelation, Q

from placements.models import CheckRequirement, Student, StudentCheck
from placements.rules import CheckState, check_state


@dataclass
class CheckLine:
    requirement: CheckRequirement
    entry: StudentCheck | None
    state: str

    @property
    def label(self) -> str:
        return CheckState.LABELS[self.state]

    @property
    def colour(self) -> str:
        return CheckState.COLOURS[self.state]


def student_check_lines(student: Student, today: dt.date) -> list[CheckLine]:
    """Every check on the student's partnership's register, with the student's record of it and
    its state today (placements.rules.check_state), in one query (the register joined to this
    student's records)."""
    rows = (
        CheckRequirement.objects.filter(partnership_id=student.partnership_id)
        .annotate(mine=FilteredRelation("records", condition=Q(records__student=student)))
        .values_list(
            "id", "name", "valid_for_months", "required", "mine__id", "mine__done_on", "mine__expires_on", "mine__note"
        )
        .order_by("name", "id")
    )
    lines = []
    for pk, name, months, required, entry_pk, done_on, expires_on, note in rows:
        requirement = CheckRequirement(
            pk=pk, partnership_id=student.partnership_id, name=name, valid_for_months=months, required=required
        )
        entry = None
        if entry_pk is not None:
            entry = StudentCheck(
                pk=entry_pk, student=student, requirement=requirement, done_on=done_on, expires_on=expires_on, note=note
            )
        lines.append(CheckLine(requirement, entry, check_state(entry is not None, expires_on, today)))
    return lines
