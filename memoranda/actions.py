"""The audit-trail action names memoranda writes, declared once.

Services record them (`portal.audit.record(actor, Action.SIGNED, ...)`); the PDF evidence
certificate, the integrity checks and the history panels query by them. A StrEnum member is the
plain string, so stored events and queries by string (portal.scale_history) keep working.
"""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    CREATED = "memorandum.created"
    DETAILS_UPDATED = "memorandum.details_updated"
    SECTION_ADDED = "memorandum.section_added"
    SECTION_UPDATED = "memorandum.section_updated"
    SECTION_REMOVED = "memorandum.section_removed"
    SECTION_MOVED = "memorandum.section_moved"
    PARTY_UPDATED = "memorandum.party_updated"
    PLACES_SET = "memorandum.places_set"
    COMMENTED = "memorandum.commented"
    COMMENT_RESOLVED = "memorandum.comment_resolved"
    SENT_FOR_SIGNATURE = "memorandum.sent_for_signature"
    SIGNING_VIEWED = "memorandum.signing_viewed"
    SIGNED = "memorandum.signed"
    ACTIVATED = "memorandum.activated"
    PDF_SEALED = "memorandum.pdf_sealed"
    SUPERSEDED = "memorandum.superseded"
    DECLINED = "memorandum.declined"
    WITHDRAWN = "memorandum.withdrawn"
    AMENDMENT_STARTED = "memorandum.amendment_started"
    REVIEWED = "memorandum.reviewed"
    ENDED = "memorandum.ended"
    EXPIRED = "memorandum.expired"
