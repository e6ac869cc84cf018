"""What people may do with health checks, and who: registered with the one access mechanism
(partnerships.access)."""

from __future__ import annotations

from enum import StrEnum

from partnerships.access import register_permissions
from partnerships.models import Role


class HealthCheckPerm(StrEnum):
    RUN = "run_health_check"
    SIGN_OFF = "sign_off_health_check"


register_permissions(
    {
        HealthCheckPerm.RUN: {Role.COORDINATOR, Role.LEAD},
        HealthCheckPerm.SIGN_OFF: {Role.SIGNATORY},
    },
    # Signing off is personal: it needs a real signatory membership.
    personal={HealthCheckPerm.SIGN_OFF},
)
