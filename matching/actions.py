"""The audit-trail action names the preference rounds write, declared once."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    ROUND_CREATED = "preference_round.created"
    ROUND_UPDATED = "preference_round.updated"
    ROUND_OPENED = "preference_round.opened"
    ROUND_CLOSED = "preference_round.closed"
    ROUND_REOPENED = "preference_round.reopened"
    ROUND_CONFIRMED = "preference_round.confirmed"
    ROUND_STUDENT_REMOVED = "preference_round.student_removed"
    PREFERENCES_SAVED = "preferences.saved"
    PROPOSAL_RUN = "proposal.run"
    PIN_SET = "proposal.pin_set"
    PIN_REMOVED = "proposal.pin_removed"
