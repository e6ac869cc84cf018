"""The audit-trail action names partnerships writes, declared once.

Services record them (`portal.audit.record(actor, Action.PARTNER_ADDED, ...)`); history panels and
the scale history query by them. A StrEnum member is the plain string, so stored events and
queries by string keep working.
"""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    ORGANISATION_CREATED = "organisation.created"
    ORGANISATION_UPDATED = "organisation.updated"
    PARTNERSHIP_CREATED = "partnership.created"
    PARTNERSHIP_UPDATED = "partnership.updated"
    PARTNER_ADDED = "partner.added"
    PARTNER_UPDATED = "partner.updated"
    PARTNER_ENDED = "partner.ended"
    AIM_ADDED = "aim.added"
    AIM_UPDATED = "aim.updated"
    AIM_DELETED = "aim.deleted"
    OUTCOME_ADDED = "outcome.added"
    OUTCOME_UPDATED = "outcome.updated"
    OUTCOME_DELETED = "outcome.deleted"
    OUTCOME_MEASURED = "outcome.measured"
    GROUP_ADDED = "group.added"
    GROUP_UPDATED = "group.updated"
    MEETING_RECORDED = "meeting.recorded"
    MEETING_UPDATED = "meeting.updated"
    DECISION_ACTION_ADDED = "meeting.action_added"
    DECISION_ACTION_UPDATED = "meeting.action_updated"
    MEMBERSHIP_ADDED = "membership.added"
    MEMBERSHIP_INVITATION_RESENT = "membership.invitation_resent"
    MEMBERSHIP_CHANGED = "membership.changed"
    MEMBERSHIP_REMOVED = "membership.removed"
