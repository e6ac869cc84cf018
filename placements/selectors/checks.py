"""Reads for pre-placement checks: one student's checks with their states (the student page).
The checks expiring soon are a figure (placements.selectors.figures.checks_expiring_soon)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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
    its state today (placements.rules.check_state): two queries."""
    entries = {e.requirement_id: e for e in StudentCheck.objects.filter(student=student).select_related("recorded_by")}
    lines = []
    for requirement in CheckRequirement.objects.filter(partnership_id=student.partnership_id).order_by("name", "id"):
        entry = entries.get(requirement.pk)
        lines.append(CheckLine(requirement, entry, check_state(entry is not None, entry and entry.expires_on, today)))
    return lines
