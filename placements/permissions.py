"""What people may do with placements, and who: registered with the one access mechanism
(partnerships.access)."""

from __future__ import annotations

from enum import StrEnum

from partnerships.access import register_permissions
from partnerships.models import Role


class PlacementPerm(StrEnum):
    MANAGE = "manage_placements"
    EXPORT_STUDENTS = "export_students"


register_permissions(
    {
        PlacementPerm.MANAGE: {Role.COORDINATOR, Role.LEAD},
        # Downloading students' rows (references, names) is for those who arrange placements; other
        # members, service user and carer representatives among them, read the lists and figures.
        PlacementPerm.EXPORT_STUDENTS: {Role.COORDINATOR, Role.LEAD},
    }
)
