"""Importing practice educators onto the partnership's register, matched on email address."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils import timezone

from partnerships.models import Partnership
from placements.importers.common import CheckResult, Column, employers, update_changed
from placements.importers.parsing import parse_date, parse_int
from placements.models import PracticeEducator

COLUMNS = [
    Column("email", True, "pe.example@matrix.test", "Email address (recognises the same person)"),
    Column("full_name", True, "Alex Example", "Full name"),
    Column("employer", False, "Matrix Borough Council", "Employer's name; empty for independent"),
    Column("peps_stage", True, "2", "PEPS stage: 1 or 2"),
    Column("qualified_on", True, "2021-06-30", "Date qualified"),
    Column("last_student_on", False, "2025-05-30", "Last day of their most recent student's placement"),
    Column("last_cpd_on", False, "2026-03-12", "Date of their most recent CPD"),
    Column("max_students", False, "1", "Students at once (default 1)"),
]


class EducatorRow(NamedTuple):
    """A good row: the record it updates (None: a new one), the email that recognises them, the values."""

    current: PracticeEducator | None
    email: str
    values: dict


def check(partnership, rows, result: CheckResult, own, lock: bool) -> None:
    by_name = employers(partnership)
    if lock:
        # The same lock as adding one educator, so nobody adds an email this file also adds.
        list(Partnership.objects.select_for_update().filter(pk=partnership.pk).values_list("pk"))
    emails = {row.get("email", "").strip().lower() for _, row in rows} - {""}
    # Only this partnership's own records: someone on another register gets a record of this
    # partnership's when imported here, and the other partnership's record is never read.
    existing = {
        e.email.lower(): e
        for e in PracticeEducator.objects.on_register_of(partnership)
        .annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
    }
    seen: dict[str, int] = {}
    for line, row in rows:
        problems: list[str] = []
        email = row.get("email", "").strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            problems.append(
                f"Email '{row.get('email', '')}' is not a valid email address" if email else "Email is missing"
            )
        name = row.get("full_name", "")
        if not name:
            problems.append("Full name is missing")
        employer = None
        if row.get("employer"):
            employer = by_name.get(row["employer"].lower())
            if employer is None:
                problems.append(f"Employer '{row['employer']}' is not an employer in this partnership")
        if own is not None and (employer is None or employer.pk != own.pk):
            problems.append(f"You can only import practice educators employed by {own.name}")
        stage = parse_int(row.get("peps_stage", ""), "PEPS stage", problems, minimum=1, maximum=2)
        qualified = parse_date(row.get("qualified_on", ""), "Date qualified", problems, required=True)
        last_student = parse_date(row.get("last_student_on", ""), "Last student", problems)
        last_cpd = parse_date(row.get("last_cpd_on", ""), "Last CPD", problems)
        most = parse_int(row.get("max_students", ""), "Students at once", problems, minimum=1, maximum=10, default=1)
        today = timezone.localdate()
        for value, what in [(qualified, "Date qualified"), (last_student, "Last student"), (last_cpd, "Last CPD")]:
            if value and value > today + dt.timedelta(days=366):
                problems.append(f"{what} is too far in the future")
        if email and email in seen and not problems:
            problems.append(f"Repeats the practice educator on line {seen[email]} (same email)")
        seen.setdefault(email, line)
        if problems:
            result.errors.append((line, "; ".join(problems)))
            continue
        current = existing.get(email)
        if current is not None and own is not None and current.employer_id not in (None, own.pk):
            result.errors.append((line, f"{email} is employed by another organisation: only they can update it"))
            continue
        values = {
            "full_name": name[:150],
            "employer": employer,
            "peps_stage": stage,
            "qualified_on": qualified,
            "last_student_on": last_student,
            "last_cpd_on": last_cpd,
            "max_students": most,
        }
        if current is not None:
            result.updates += 1
        else:
            result.creates += 1
        result.plan.append(EducatorRow(current, email, values))


def write(partnership, plan: list[EducatorRow]) -> int:
    new, existing = [], []
    for row in plan:
        if row.current is None:
            new.append(PracticeEducator(partnership=partnership, email=row.email, **row.values))
        else:
            existing.append((row.current, row.values))
    PracticeEducator.objects.bulk_create(new, batch_size=1000)
    return len(update_changed(PracticeEducator, existing))
