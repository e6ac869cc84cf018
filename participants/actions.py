"""The audit-trail action names participants writes, declared once (see placements/actions.py)."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    STUDENT_INVITED = "student_account.invited"
    EDUCATOR_INVITED = "educator_account.invited"
    STUDENT_ACCOUNT_CLOSED = "student_account.closed"
    REVIEW_SIGNED = "educator_review.signed"
    DAYS_RECORDED = "days_log.recorded"
    DAYS_CONFIRMED = "days_log.confirmed"
    DAYS_QUERIED = "days_log.queried"
