"""Which action a memorandum's status allows: the one state table, and the refusals in words.

Services call `require_state` after taking the row lock; views and templates ask `allowed` to
decide whether to offer a button.
"""

from __future__ import annotations

from memoranda.models import Memorandum, Status
from portal.exceptions import InvalidTransition

# Which memorandum states allow each action. Everything not listed is refused with a message.
TRANSITIONS: dict[str, frozenset[str]] = {
    "edit": frozenset({Status.DRAFT}),
    "comment": frozenset({Status.DRAFT}),
    "send": frozenset({Status.DRAFT}),
    "withdraw": frozenset({Status.AWAITING}),
    "sign": frozenset({Status.AWAITING}),
    "decline": frozenset({Status.AWAITING}),
    "review": frozenset({Status.ACTIVE}),
    "amend": frozenset({Status.ACTIVE, Status.EXPIRED}),
    # Not while awaiting signatures: signatories are reading a frozen version, and withdrawing it
    # from signing (which tells them) is the way back to a draft that can then be abandoned.
    "end": frozenset({Status.DRAFT, Status.ACTIVE, Status.EXPIRED}),
    "expire": frozenset({Status.ACTIVE}),
}
_REFUSALS = {
    "edit": "Only a draft can be changed. This memorandum is {status}{hint}.",
    "comment": "Comments are open only while the memorandum is a draft. It is {status}.",
    "send": "Only a draft can be sent for signature. This memorandum is {status}.",
    "withdraw": "Only a memorandum awaiting signatures can be withdrawn from signing. It is {status}.",
    "sign": "This memorandum is not awaiting signatures (it is {status}), so it cannot be signed.",
    "decline": "This memorandum is not awaiting signatures (it is {status}), so there is nothing to decline.",
    "review": "Only an active memorandum can be reviewed. It is {status}.",
    "amend": "Only an active or expired memorandum can be amended. It is {status}.",
    "end": "This memorandum is {status} already, so it cannot be ended.",
    "expire": "Only an active memorandum can expire. It is {status}.",
}


def allowed(memorandum: Memorandum, action: str) -> bool:
    return memorandum.status in TRANSITIONS[action]


def require_state(memorandum: Memorandum, action: str) -> None:
    if not allowed(memorandum, action):
        if action == "end" and memorandum.status == Status.AWAITING:
            raise InvalidTransition(
                "A memorandum awaiting signatures cannot be abandoned: withdraw it from signing first "
                "(the signatories are told), then abandon the draft."
            )
        hint = ": to change an active memorandum, amend it" if memorandum.status == Status.ACTIVE else ""
        raise InvalidTransition(_REFUSALS[action].format(status=memorandum.get_status_display().lower(), hint=hint))
