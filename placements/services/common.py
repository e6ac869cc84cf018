"""What the placement services share: who may maintain an employer's data, saving one revision
on, applying a form's values, and the student references an audit event names."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from partnerships.access import can, membership_of, require
from partnerships.models import Organisation
from placements.models import Student
from placements.permissions import PlacementPerm
from portal.audit import snapshot
from portal.exceptions import StaleEdit

# --- Who may maintain what ---------------------------------------------------------------------


def own_employer(user, partnership) -> Organisation | None:
    """The one employer whose data this user may maintain, or None when they may maintain all.

    The rule: a coordinator who represents an employer maintains only that employer's offers,
    allocations and practice educators; a coordinator representing a university (or nobody), a
    partnership lead and a site administrator maintain everyone's."""
    membership = membership_of(user, partnership)
    if membership and membership.role == "coordinator" and membership.organisation_id:
        organisation = membership.organisation
        if organisation is not None and organisation.is_employer:
            return organisation
    return None


def can_manage_employer(user, partnership, employer_id: int | None) -> bool:
    if not can(user, partnership, PlacementPerm.MANAGE):
        return False
    own = own_employer(user, partnership)
    return own is None or own.pk == employer_id


def require_employer(user, partnership, employer_id: int | None) -> None:
    require(user, partnership, PlacementPerm.MANAGE)
    if not can_manage_employer(user, partnership, employer_id):
        raise PermissionDenied("You can only maintain your own organisation's placement offers and educators.")


def save_next_revision(obj) -> None:
    """Save `obj` one revision on. A record that is one per something (a year's demand, an offer's
    audit, an employer's commitment) may be created by two people at the same moment: the second
    meets the unique constraint, which is a stale edit like any other."""
    obj.revision += 1
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise StaleEdit(current_revision=1) from None


def assign(obj, data: dict) -> None:
    for key, value in data.items():
        setattr(obj, key, value)


def apply_changes(obj, data: dict) -> dict:
    """Assign the form's values to a saved `obj`; returns the values before, for the audit diff."""
    before = snapshot(obj, data.keys())
    assign(obj, data)
    return before


def student_subjects(student: Student, *earlier: str) -> list[tuple[Student, str]]:
    """The student's references for an audit event (`earlier`: a reference it had before), so
    purging their data can pseudonymise the trail too (portal.audit.pseudonymise)."""
    return [(student, text) for text in (student.reference, *earlier) if text]
