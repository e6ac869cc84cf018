"""The audit-trail action names placements writes, declared once.

Services record them (`portal.audit.record(actor, Action.OFFER_CREATED, ...)`) and audit queries
filter by them. A StrEnum member is the plain string, so stored events and queries by string
(tests, portal.scale_history) keep working.
"""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    PROGRAMME_CREATED = "programme.created"
    PROGRAMME_UPDATED = "programme.updated"
    DEMAND_SET = "demand.set"
    COMMITMENT_SET = "commitment.set"
    OFFER_CREATED = "offer.created"
    OFFER_UPDATED = "offer.updated"
    SETTING_AUDIT_SAVED = "setting_audit.saved"
    STUDENT_CREATED = "student.created"
    STUDENT_UPDATED = "student.updated"
    PLACEMENT_CREATED = "placement.created"
    PLACEMENT_STATUS_CHANGED = "placement.status_changed"
    REVIEW_RECORDED = "review.recorded"
    REVIEW_UPDATED = "review.updated"
    SKILLS_DAYS_RECORDED = "skills_days.recorded"
    CHECK_REQUIREMENT_ADDED = "check_requirement.added"
    CHECK_REQUIREMENT_UPDATED = "check_requirement.updated"
    CHECK_REQUIREMENT_REMOVED = "check_requirement.removed"
    STUDENT_CHECK_RECORDED = "student_check.recorded"
    STUDENT_CHECK_UPDATED = "student_check.updated"
    STUDENT_CHECK_REMOVED = "student_check.removed"
    EDUCATOR_ADDED = "educator.added"
    EDUCATOR_UPDATED = "educator.updated"
    POLICY_UPDATED = "placement_policy.updated"
    STUDENTS_PURGED = "students.purged"
    STUDENT_DATA_EXPORTED = "student.data_exported"
    EDUCATOR_DATA_EXPORTED = "educator.data_exported"
    IMPORT_FILES_DELETED = "imports.files_deleted"
    IMPORT_CHECKED = "import.checked"
    IMPORT_COMPLETED = "import.completed"
