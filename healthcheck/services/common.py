"""What the services that run a health check share: the row lock and the in-progress check."""

from __future__ import annotations

from healthcheck.models import HealthCheck, Status
from portal.exceptions import InvalidTransition


def lock_health_check(health_check: HealthCheck) -> HealthCheck:
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to organisation.
    return (
        HealthCheck.objects.select_for_update(of=("self",))
        .select_related("partnership", "organisation", "framework", "signatory")
        .get(pk=health_check.pk)
    )


def require_in_progress(health_check: HealthCheck) -> None:
    if health_check.status != Status.IN_PROGRESS:
        raise InvalidTransition(
            f"This health check is {health_check.get_status_display().lower()}, so it is locked. "
            "Reopen it (with a reason) to change it."
        )
