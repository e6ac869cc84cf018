"""The audit actions health checks write are declared once (healthcheck/actions.py)."""

from healthcheck.actions import Action
from portal.scale_history import KINDS


def test_the_scale_history_uses_only_actions_health_checks_record():
    named = next(actions for _, app, _, actions in KINDS if app == "healthcheck")
    assert named and set(named) <= {a.value for a in Action}
