"""The workforce pages as people use them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, OrganisationFactory, PartnerFactory, UserFactory
from workforce.measures import Service
from workforce.models import Scenario, WorkforceFigures, WorkforceSharing

pytestmark = pytest.mark.django_db


def _url(world, year=2025, service=Service.CHILDREN, employer=None):
    return reverse(
        "workforce:figures_edit",
        kwargs={
            "slug": world.partnership.slug,
            "employer_id": (employer or world.employer).pk,
            "service": service,
            "year": year,
        },
    )


def _figures(world, employer=None, year="2025/26", **values):
    return WorkforceFigures.objects.create(
        partnership=world.partnership,
        employer=employer or world.employer,
        service=Service.CHILDREN,
        year=year,
        **values,
    )


def test_a_coordinator_enters_their_employers_figures_with_a_symbol(world, client_for):
    client = client_for("coordinator")
    response = client.post(
        _url(world),
        {"revision": "0", "inpost_fte": "120.5", "vacancy_fte": "c", "leavers_fte": "18", "asye_headcount": "7"},
    )
    assert response.status_code == 302, response.content.decode()
    figures = WorkforceFigures.objects.get()
    assert figures.inpost_fte == Decimal("120.5") and figures.year == "2025/26"
    assert figures.vacancy_fte is None and figures.vacancy_fte_symbol == "c"
    page = client.get(reverse("workforce:partnership", args=[world.partnership.slug]) + "?year=2025/26")
    html = page.content.decode()
    assert "120.5" in html


def test_a_word_that_is_not_a_number_or_symbol_is_refused_beside_its_field(world, client_for):
    response = client_for("lead").post(_url(world), {"revision": "0", "inpost_fte": "lots"})
    assert response.status_code == 200
    assert "Enter a number, or one of c, x, z, low, u" in response.content.decode()
    assert not WorkforceFigures.objects.exists()


def test_small_numbers_are_suppressed_outside_the_employer(world, client_for):
    _figures(world, inpost_fte=Decimal("3.0"), leavers_fte=Decimal("1.0"))
    url = reverse("workforce:partnership", args=[world.partnership.slug]) + "?year=2025/26"
    inside = client_for("coordinator").get(url).content.decode()  # represents the employer
    outside = client_for("member").get(url).content.decode()
    assert ">3.0<" in inside
    assert ">3.0<" not in outside and ">c<" in outside


def test_an_employer_shown_only_inside_the_totals(world, client_for):
    other = OrganisationFactory(name="Other Borough Council")
    PartnerFactory(partnership=world.partnership, organisation=other)
    _figures(world, inpost_fte=Decimal("100.0"))
    _figures(world, employer=other, inpost_fte=Decimal("50.0"))
    WorkforceSharing.objects.create(partnership=world.partnership, employer=other, only_in_totals=True)
    html = client_for("member").get(reverse("workforce:partnership", args=[world.partnership.slug])).content.decode()
    assert "150.0" in html  # the total counts both
    assert "Other Borough Council" not in html
    assert "chose to be shown only inside the totals" in html


def test_a_coordinator_of_another_employer_may_not_keep_this_ones_figures(world):
    other = OrganisationFactory(name="Other Borough Council")
    PartnerFactory(partnership=world.partnership, organisation=other)
    user = UserFactory()
    MembershipFactory(user=user, partnership=world.partnership, role="coordinator", organisation=other)
    from django.test import Client

    client = Client()
    client.force_login(user)
    assert client.get(_url(world)).status_code == 403
    assert client.get(_url(world, employer=other)).status_code == 200


def test_the_forecast_recalculates_from_the_parameters_and_changes_no_figures(world, client_for):
    _figures(
        world,
        inpost_fte=Decimal("100.0"),
        vacancy_fte=Decimal("10.0"),
        leavers_fte=Decimal("15.0"),
        starters_fte=Decimal("12.0"),
        agency_fte=Decimal("10.0"),
        asye_headcount=Decimal("6"),
    )
    url = reverse("workforce:forecast", args=[world.partnership.slug])
    base = client_for("member").get(url).content.decode()
    assert "2026/27" in base and "112.2" in base  # demand in the first year: 110 x 1.02
    params = {
        "years": "5",
        "basis_years": "1",
        "demand_growth": "0",
        "agency_conversion_rate": "10",
        "local_retention": "60",
        "intake_multiplier": "1",
        "completion_rate": "90",
        "agency_premium": "20000",
    }
    flat = client_for("member").get(url, params).content.decode()
    assert "110.0" in flat and "112.2" not in flat
    before = list(WorkforceFigures.objects.values())
    saved = client_for("lead").post(url, {**params, "name": "No growth"})
    assert saved.status_code == 302
    scenario = Scenario.objects.get()
    assert scenario.parameters["demand_growth"] == 0
    assert list(WorkforceFigures.objects.values()) == before
    compare = client_for("member").get(saved.url).content.decode()
    assert "The scenario beside the baseline" in compare and "Demand growth" in compare


def test_a_member_may_not_save_a_scenario(world, client_for):
    url = reverse("workforce:forecast", args=[world.partnership.slug])
    assert client_for("member").post(url, {"name": "Mine"}).status_code == 403


def test_the_export_is_a_spreadsheet(world, client_for):
    _figures(world, inpost_fte=Decimal("100.0"))
    response = client_for("member").get(reverse("workforce:forecast_export", args=[world.partnership.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
