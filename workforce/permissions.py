"""What people may do with workforce figures, and who (partnerships.access)."""

from __future__ import annotations

from enum import StrEnum

from partnerships.access import register_permissions
from partnerships.models import Role


class WorkforcePerm(StrEnum):
    # Keep an employer's figures (a coordinator who represents an employer: only that one's) and
    # import the DfE's file.
    KEEP_FIGURES = "keep_workforce_figures"
    # Save named forecast scenarios.
    PLAN = "plan_workforce"


register_permissions(
    {
        WorkforcePerm.KEEP_FIGURES: {Role.COORDINATOR, Role.LEAD},
        WorkforcePerm.PLAN: {Role.COORDINATOR, Role.LEAD},
    }
)
