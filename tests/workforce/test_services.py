"""Keeping figures: audited, refused for the wrong people and services, stale edits refused; the
live metric and the sufficiency suggestion."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.exceptions import StaleEdit
from portal.models import AuditEvent
from tests.factories import OrganisationFactory, PartnerFactory
from workforce.actions import Action
from workforce.forecast import Parameters
from workforce.measures import Service
from workforce.registrations import figures_current
from workforce.selectors import partnership_forecast, suggested_final_placements
from workforce.services import save_figures, save_scenario

pytestmark = pytest.mark.django_db


def _save(world, role="lead", base=0, **data):
    return save_figures(
        world.user(role), world.partnership, world.employer, Service.CHILDREN, "2025/26", data=data, base_revision=base
    )


def test_saving_figures_is_audited_and_a_stale_edit_refused(world):
    figures = _save(world, inpost_fte=Decimal("100.0"))
    assert figures.revision == 1
    event = AuditEvent.objects.get(action=Action.FIGURES_SAVED)
    assert "Added Matrix Borough Council's children's services figures for 2025/26" in event.summary
    _save(world, base=1, inpost_fte=Decimal("101.0"))
    with pytest.raises(StaleEdit):
        _save(world, base=1, inpost_fte=Decimal("102.0"))


def test_a_member_may_not_keep_figures(world):
    with pytest.raises(PermissionDenied):
        _save(world, role="member", inpost_fte=Decimal("1.0"))


def test_an_employer_outside_the_partnership_is_refused(world):
    outsider = OrganisationFactory()
    with pytest.raises(ValidationError, match="not an employer in this partnership"):
        save_figures(
            world.user("lead"), world.partnership, outsider, Service.CHILDREN, "2025/26", data={}, base_revision=0
        )


def test_a_councils_service_it_does_not_run_is_refused(world):
    world.employer.la_services = "children"
    world.employer.save()
    with pytest.raises(ValidationError, match="not counted for adults"):
        save_figures(
            world.user("lead"), world.partnership, world.employer, Service.ADULTS, "2025/26", data={}, base_revision=0
        )


def test_a_scenario_saves_only_its_parameters(world):
    _save(world, inpost_fte=Decimal("100.0"))
    before = partnership_forecast(world.partnership, Parameters())
    scenario = save_scenario(
        world.user("coordinator"), world.partnership, name=" Growth ", parameters=Parameters(demand_growth=0.05)
    )
    assert scenario.name == "Growth" and scenario.parameters["demand_growth"] == 0.05
    assert partnership_forecast(world.partnership, Parameters()).total == before.total
    with pytest.raises(ValidationError, match="between 1 and 10"):
        save_scenario(world.user("lead"), world.partnership, name="Too long", parameters=Parameters(years=20))


def test_the_metric_counts_employer_services_with_figures(world):
    other = OrganisationFactory(name="Second Council", la_services="adults")
    PartnerFactory(partnership=world.partnership, organisation=other)
    _save(world, inpost_fte=Decimal("100.0"))
    value = figures_current(world.partnership, academic_year="2026/27")
    # Matrix's children's (recorded last year) of Matrix's two services and Second's one.
    assert value.value == 33 and value.display == "1 of 3 employer services"


def test_the_suggested_final_placements_for_the_sufficiency_page(world):
    _save(
        world,
        inpost_fte=Decimal("100.0"),
        vacancy_fte=Decimal("10.0"),
        leavers_fte=Decimal("15.0"),
        starters_fte=Decimal("12.0"),
        agency_fte=Decimal("10.0"),
        asye_headcount=Decimal("6"),
    )
    # The hand-worked case: 20.2 newly qualified needed in 2026/27, / 0.6 retention / 0.9 completion.
    assert suggested_final_placements(world.partnership, "2026/27") == 38
    assert suggested_final_placements(world.partnership, "2040/41") is None
