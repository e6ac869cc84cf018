"""The lead takes the forecast's suggested final placements as the year's "needed", through
placements' demand service, and the sufficiency page shows the suggestion beside the typed
figures."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from placements.actions import Action as PlacementAction
from placements.models import ProgrammeDemand
from portal.models import AuditEvent
from tests.placements.factories import AcademicYearFactory, DemandFactory, ProgrammeFactory
from workforce.actions import Action
from workforce.measures import Service
from workforce.selectors import suggested_final_placements
from workforce.services import save_figures

pytestmark = pytest.mark.django_db
YEAR = "2027/28"  # the academic year after the frozen today's (2026/27)


@pytest.fixture
def planned(world):
    save_figures(
        world.user("lead"),
        world.partnership,
        world.employer,
        Service.CHILDREN,
        "2025/26",
        data={
            "inpost_fte": Decimal("100.0"),
            "vacancy_fte": Decimal("10.0"),
            "leavers_fte": Decimal("15.0"),
            "starters_fte": Decimal("12.0"),
            "agency_fte": Decimal("10.0"),
            "asye_headcount": Decimal("6"),
        },
        base_revision=0,
    )
    ba = ProgrammeFactory(partnership=world.partnership, university=world.university, name="BA Social Work")
    ma = ProgrammeFactory(partnership=world.partnership, university=world.university, name="MA Social Work")
    year = AcademicYearFactory(label=YEAR)
    DemandFactory(programme=ma, academic_year=year, first_placements=4, final_placements=5)
    return ba, ma


def _post(client, world, programme, final):
    return client.post(
        reverse("workforce:forecast", args=[world.partnership.slug]),
        {"need-year": YEAR, "need-final": final, "need-programme": programme.pk},
    )


def test_the_lead_uses_the_forecasts_figure_as_the_years_final_placements(world, client_for, planned):
    ba, ma = planned
    suggested = suggested_final_placements(world.partnership, YEAR)
    assert suggested and suggested > 5
    client = client_for("lead")
    page = html.unescape(client.get(reverse("workforce:forecast", args=[world.partnership.slug])).content.decode())
    assert f"Use {suggested} as the final placements needed for {YEAR}" in page
    assert "now add up to 5" in page
    response = _post(client, world, ba, suggested)
    assert response.status_code == 302
    # The MA's 5 stay; the BA's become the rest, so the year's total is the forecast's.
    assert ProgrammeDemand.objects.get(programme=ba).final_placements == suggested - 5
    assert ProgrammeDemand.objects.get(programme=ma).final_placements == 5
    assert AuditEvent.objects.filter(action=PlacementAction.DEMAND_SET).count() == 1
    event = AuditEvent.objects.get(action=Action.NEED_CONFIRMED)
    assert event.summary.startswith(f"Used the workforce forecast's {suggested} final placements needed for {YEAR}")
    assert "the other programmes' 5 stay" in event.summary


def test_a_figure_the_forecast_no_longer_gives_is_refused_and_nothing_changes(world, client_for, planned):
    ba, _ = planned
    suggested = suggested_final_placements(world.partnership, YEAR)
    response = _post(client_for("lead"), world, ba, suggested + 3)
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert f"The forecast now suggests {suggested} final placements for {YEAR}" in text
    assert "<title>Error: " in text
    assert not ProgrammeDemand.objects.filter(programme=ba).exists()
    assert not AuditEvent.objects.filter(action=Action.NEED_CONFIRMED).exists()


def test_only_the_lead_may_confirm(world, client_for, planned):
    ba, _ = planned
    client = client_for("coordinator")
    page = client.get(reverse("workforce:forecast", args=[world.partnership.slug])).content.decode()
    assert "as the final placements needed" not in page
    assert _post(client, world, ba, suggested_final_placements(world.partnership, YEAR)).status_code == 403
    assert not ProgrammeDemand.objects.filter(programme=ba).exists()


def test_the_sufficiency_page_shows_the_suggestion_beside_the_typed_figure(world, client_for, planned):
    suggested = suggested_final_placements(world.partnership, YEAR)
    page = client_for("member").get(
        reverse("placements:sufficiency"), {"partnership": world.partnership.slug, "year": YEAR}
    )
    text = re.sub(r"<[^>]+>", "", html.unescape(page.content.decode()))
    assert f"The workforce forecast suggests {suggested} final placements needed in {YEAR}" in text
