"""Every state change of a memorandum: one function per user action.

Each function checks permission (partnerships.access.require), checks the state against the one
state table (states.py), runs in a transaction holding a row lock on the memorandum (so an edit
and a send for signature, or two signatures, are serialised), and writes an audit event
(actions.py names them). E-mails go out only when the transaction commits.

The modules follow the work: drafting.py (details, sections, parties, places), comments.py,
completeness.py (ready to send?), signing.py (send, sign, decline, withdraw, activation and the
signed PDF), lifecycle.py (review, amendment, ending, expiry); common.py holds the row lock and
other shared helpers. Callers use `from memoranda import services; services.sign(...)`.
"""

from memoranda.services.comments import add_comment, resolve_comment
from memoranda.services.common import add_months
from memoranda.services.completeness import completeness
from memoranda.services.drafting import (
    add_section,
    check_academic_year,
    create_memorandum,
    move_section,
    party_warnings,
    remove_section,
    set_places,
    signatory_choices,
    update_details,
    update_party,
    update_section,
)
from memoranda.services.lifecycle import end_memorandum, expire_due, record_review, start_amendment
from memoranda.services.signing import (
    decline,
    next_version_number,
    record_viewed,
    send_for_signature,
    sign,
    signer_party,
    withdraw,
)
from memoranda.services.states import TRANSITIONS, allowed, require_state

__all__ = [
    "TRANSITIONS",
    "add_comment",
    "add_months",
    "add_section",
    "allowed",
    "check_academic_year",
    "completeness",
    "create_memorandum",
    "decline",
    "end_memorandum",
    "expire_due",
    "move_section",
    "next_version_number",
    "party_warnings",
    "record_review",
    "record_viewed",
    "remove_section",
    "require_state",
    "resolve_comment",
    "send_for_signature",
    "set_places",
    "sign",
    "signatory_choices",
    "signer_party",
    "start_amendment",
    "update_details",
    "update_party",
    "update_section",
    "withdraw",
]
