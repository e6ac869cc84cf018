"""Named forecast scenarios: only parameters are saved, never a change to the figures."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from partnerships.access import require
from partnerships.services.common import one_line, save_or_refuse
from portal.audit import record
from workforce.actions import Action
from workforce.forecast import Parameters
from workforce.models import Scenario
from workforce.permissions import WorkforcePerm


@transaction.atomic
def save_scenario(actor, partnership, *, name: str, parameters: Parameters) -> Scenario:
    """Save the parameters under a name; saving under a name in use replaces that scenario's."""
    require(actor, partnership, WorkforcePerm.PLAN)
    name = one_line(name)
    if not name:
        raise ValidationError({"name": "Enter a name for the scenario"})
    if problems := parameters.problems():
        raise ValidationError("; ".join(problems))
    scenario = Scenario.objects.select_for_update().filter(partnership=partnership, name__iexact=name).first()
    created = scenario is None
    if scenario is None:
        scenario = Scenario(partnership=partnership, name=name, created_by=actor)
    else:
        scenario.revision += 1
    before = dict(scenario.parameters)
    scenario.parameters = parameters.as_dict()
    save_or_refuse(scenario, {"name": "A scenario with this name was saved meanwhile: choose another name."})
    record(
        actor,
        Action.SCENARIO_SAVED,
        scenario,
        changes={k: [before.get(k), v] for k, v in scenario.parameters.items() if before.get(k) != v},
        summary=f"{'Saved' if created else 'Changed'} the workforce scenario {scenario.name}",
        partnership_id=partnership.pk,
    )
    return scenario


@transaction.atomic
def delete_scenario(actor, scenario: Scenario) -> None:
    require(actor, scenario.partnership, WorkforcePerm.PLAN)
    record(
        actor,
        Action.SCENARIO_DELETED,
        scenario,
        summary=f"Deleted the workforce scenario {scenario.name}",
        partnership_id=scenario.partnership_id,
    )
    scenario.delete()
