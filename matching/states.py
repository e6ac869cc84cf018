"""Which action a preference round's status allows: the one state table, and the refusals in
words. A round moves draft -> open -> closed -> confirmed (a closed round may be opened again
until it is confirmed). Services call `require_state` after taking the row lock; views ask
`allowed` whether to offer a button."""

from __future__ import annotations

from matching.models import PreferenceRound, RoundStatus
from portal.exceptions import InvalidTransition

TRANSITIONS: dict[str, frozenset[str]] = {
    "edit": frozenset({RoundStatus.DRAFT, RoundStatus.OPEN}),
    "remove_student": frozenset({RoundStatus.DRAFT, RoundStatus.OPEN}),
    "open": frozenset({RoundStatus.DRAFT}),
    "close": frozenset({RoundStatus.OPEN}),
    "reopen": frozenset({RoundStatus.CLOSED}),
    # A coordinator may still enter a late answer on a student's behalf once it has closed.
    "answer": frozenset({RoundStatus.OPEN, RoundStatus.CLOSED}),
    "propose": frozenset({RoundStatus.OPEN, RoundStatus.CLOSED}),
    "pin": frozenset({RoundStatus.OPEN, RoundStatus.CLOSED}),
    "confirm": frozenset({RoundStatus.CLOSED}),
}
# The status each moving action leads to.
MOVES: dict[str, str] = {
    "open": RoundStatus.OPEN,
    "close": RoundStatus.CLOSED,
    "reopen": RoundStatus.OPEN,
    "confirm": RoundStatus.CONFIRMED,
}
_REFUSALS = {
    "edit": "Only a draft or open round can be changed. This round is {status}.",
    "remove_student": "Students can be taken out of a draft or open round only. This round is {status}.",
    "open": "Only a draft round can be opened. This round is {status}.",
    "close": "Only an open round can be closed. This round is {status}.",
    "reopen": "Only a closed round can be opened again. This round is {status}.",
    "answer": "Preferences can be entered while the round is open or closed, not while it is {status}.",
    "propose": "An allocation can be proposed while the round is open or closed, not while it is {status}.",
    "pin": "Students can be pinned while the round is open or closed, not while it is {status}.",
    "confirm": "Close the round before confirming the allocation. This round is {status}.",
}


def allowed(round_: PreferenceRound, action: str) -> bool:
    return round_.status in TRANSITIONS[action]


def require_state(round_: PreferenceRound, action: str) -> None:
    if not allowed(round_, action):
        raise InvalidTransition(_REFUSALS[action].format(status=round_.get_status_display().lower()))
