"""The demo seed gives each demo partnership several years of figures, idempotently, and a forecast."""

import io

import pytest

from tests import factories as f
from workforce import demo
from workforce.forecast import Forecast, Parameters
from workforce.models import Benchmark, WorkforceFigures
from workforce.selectors import partnership_forecast

pytestmark = pytest.mark.django_db


def test_demo_figures_for_every_employer_service_over_four_years_and_idempotent():
    west = f.PartnershipFactory(slug="west-london-alliance")
    council = f.OrganisationFactory(name="Council of the demo", la_services="both")
    f.PartnerFactory(partnership=west, organisation=council)
    stranger = f.PartnershipFactory(slug="not-in-the-demo")
    f.PartnerFactory(partnership=stranger, organisation=f.OrganisationFactory())
    demo.seed(io.StringIO())
    figures = WorkforceFigures.objects.filter(partnership=west)
    assert figures.count() == 8  # children's and adults' services, four years each
    assert not WorkforceFigures.objects.filter(partnership=stranger).exists()
    assert Benchmark.objects.filter(level="National").count() == 4
    demo.seed(io.StringIO())
    assert WorkforceFigures.objects.filter(partnership=west).count() == 8
    result = partnership_forecast(west, Parameters())
    assert all(isinstance(e.result, Forecast) for e in result.employers)
    assert len(result.total.years) == 5
