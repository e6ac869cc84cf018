"""The audit-trail action names health checks and frameworks write, declared once.

Services record them (`portal.audit.record(actor, AuditAction.RATED, ...)`); history panels and
portal.scale_history query by them. A StrEnum member is the plain string, so stored events and
queries by string keep working. Modules that also use the action-plan model
(`healthcheck.models.Action`) import this as `AuditAction`, so the two never get mixed up.
"""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    # Frameworks (site administrators)
    FRAMEWORK_CREATED = "framework.created"
    FRAMEWORK_UPDATED = "framework.updated"
    FRAMEWORK_VERSION_CREATED = "framework.version_created"
    FRAMEWORK_PUBLISHED = "framework.published"
    FRAMEWORK_DELETED = "framework.deleted"
    FRAMEWORK_IMPORTED = "framework.imported"
    AREA_SAVED = "framework.area_saved"
    AREA_DELETED = "framework.area_deleted"
    CRITERION_SAVED = "framework.criterion_saved"
    CRITERION_DELETED = "framework.criterion_deleted"
    # Running a health check (partnerships)
    STARTED = "healthcheck.started"
    FIGURES_REFRESHED = "healthcheck.figures_refreshed"
    RATED = "healthcheck.rated"
    EVIDENCE_ADDED = "healthcheck.evidence_added"
    EVIDENCE_REMOVED = "healthcheck.evidence_removed"
    ACTION_ADDED = "healthcheck.action_added"
    ACTION_UPDATED = "healthcheck.action_updated"
    SUBMITTED = "healthcheck.submitted"
    SIGNATORY_CHANGED = "healthcheck.signatory_changed"
    SIGNED_OFF = "healthcheck.signed_off"
    REOPENED = "healthcheck.reopened"
