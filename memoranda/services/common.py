"""Helpers every memoranda service shares: the row lock, the draft's revision counters, text
checks, dates and who the partnership's leads are."""

from __future__ import annotations

import calendar
from datetime import date

from django.core.exceptions import ValidationError

from memoranda.models import Memorandum
from partnerships.models import Membership, Role


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def lock(memorandum: Memorandum | int) -> Memorandum:
    pk = memorandum if isinstance(memorandum, int) else memorandum.pk
    # Lock only the memorandum row ("self"): the partnership is read alongside, not locked, so
    # partnership edits are never held up by a signature rendering its PDF.
    return Memorandum.objects.select_for_update(of=("self",)).select_related("partnership").get(pk=pk)


def bump(memorandum: Memorandum, *also: str, status: str | None = None) -> None:
    """Record that the draft changed (and which part, e.g. "details_revision"), optionally with
    a new status."""
    fields = ["revision", *also]
    for name in fields:
        setattr(memorandum, name, getattr(memorandum, name) + 1)
    if status is not None:
        memorandum.status = status
        fields.append("status")
    memorandum.save(update_fields=[*fields, "updated_at"])


def clean_text(value: str, *, field: str, label: str, limit: int, required: bool = False) -> str:
    value = (value or "").replace("\r\n", "\n")
    if "\x00" in value:
        raise ValidationError({field: f"Remove the invalid control character from the {label}"})
    if required and not value.strip():
        raise ValidationError({field: f"Enter the {label}"})
    if len(value) > limit:
        raise ValidationError(
            {
                field: f"The {label} is {len(value):,} characters long. It can be at most {limit:,} characters: "
                "shorten it or split it into two sections."
                if field == "body"
                else f"The {label} is {len(value):,} characters long. It can be at most {limit:,} characters."
            }
        )
    return value


def clean_heading(value: str) -> str:
    return clean_text(value, field="heading", label="heading", limit=200, required=True).strip()


def leads(partnership_id: int) -> list:
    return [
        m.user
        for m in Membership.objects.filter(partnership_id=partnership_id, role=Role.LEAD, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name")
    ]
