"""In a real browser: the workforce pages pass the accessibility gate's checks (axe-core, focus
styles, structure) as the lead, with figures, a forecast, a scenario and a form with errors."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.browser.helpers import sign_in
from tests.browser.test_accessibility_gate import Gate
from tests.factories import PASSWORD
from tests.world import build_world
from workforce.forecast import Parameters
from workforce.measures import Service
from workforce.models import Benchmark, Scenario, WorkforceFigures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_workforce_pages_pass_the_gate(page):
    world = build_world()
    for year, size in (("2024/25", "96.0"), ("2025/26", "100.0")):
        WorkforceFigures.objects.create(
            partnership=world.partnership,
            employer=world.employer,
            service=Service.CHILDREN,
            year=year,
            inpost_fte=Decimal(size),
            vacancy_fte=Decimal("10.0"),
            leavers_fte=Decimal("15.0"),
            starters_fte=Decimal("12.0"),
            agency_fte=Decimal("10.0"),
            asye_headcount=Decimal("6"),
            caseload_fte_symbol="c",
        )
        Benchmark.objects.create(
            year=year, level="National", code="E92000001", name="England", turnover_rate_fte=Decimal("16.0")
        )
    scenario = Scenario.objects.create(
        partnership=world.partnership, name="Growth", parameters=Parameters(demand_growth=0.05).as_dict()
    )
    slug = world.partnership.slug
    sign_in(page, "lead@matrix.test", PASSWORD)
    gate = Gate()
    base = f"/workforce/partnership/{slug}/"
    gate.visit(page, "workforce index", "/workforce/", "Workforce planning")
    gate.visit(page, "partnership page", f"/partnerships/{slug}/", world.partnership.name, tabs=True)
    gate.visit(page, "workforce page", base, f"Workforce of {world.partnership.name}")
    gate.visit(page, "forecast", f"{base}forecast/", "Workforce forecast")
    gate.visit(page, "scenario", f"{base}scenarios/{scenario.pk}/", "Scenario Growth")
    gate.visit(page, "import", f"{base}import/", "Import DfE workforce data")
    figures = f"{base}figures/{world.employer.pk}/children/2025/"
    gate.visit(page, "figures form", figures, "Matrix Borough Council")
    page.goto(figures)
    page.fill("#id_inpost_fte", "lots")
    page.get_by_role("button", name="Save figures", exact=True).click()
    page.wait_for_load_state()
    gate.check(page, "figures form with errors", "Matrix Borough Council", errors_shown=True)
    assert gate.problems == [], "\n".join(gate.problems)


def test_the_imports_the_due_items_and_the_use_the_forecast_form_pass_the_gate(page, tmp_path):
    from tests.placements.factories import ProgrammeFactory

    world = build_world()
    WorkforceFigures.objects.create(
        partnership=world.partnership,
        employer=world.employer,
        service=Service.CHILDREN,
        year="2025/26",
        inpost_fte=Decimal("100.0"),
        vacancy_fte=Decimal("10.0"),
        leavers_fte=Decimal("15.0"),
        starters_fte=Decimal("12.0"),
        agency_fte=Decimal("10.0"),
        asye_headcount=Decimal("6"),
    )
    ProgrammeFactory(partnership=world.partnership, university=world.university, name="BA Social Work")
    slug = world.partnership.slug
    sign_in(page, "lead@matrix.test", PASSWORD)
    gate = Gate()
    base = f"/workforce/partnership/{slug}/"
    # The adults' services figures for 2025/26 are due (from 1 October 2026).
    gate.visit(page, "workforce page with figures due", base, f"Workforce of {world.partnership.name}")
    assert page.get_by_text("Figures for 2025/26 are due for Matrix Borough Council (adults' services)").count()
    gate.visit(page, "forecast with the use-the-forecast form", f"{base}forecast/", "Workforce forecast")
    assert page.get_by_role("button", name="as the final placements needed for 2027/28").count() == 1
    gate.visit(page, "figures template import", f"{base}import/figures/", "Import workforce figures")
    gate.visit(page, "staff list import", f"{base}import/staff-list/", "Work out figures from a staff list")
    staff = tmp_path / "staff.csv"
    staff.write_text(
        "pseudonym,start_date,leaving_date,fte,role,agency\n"
        "P1,2019-05-01,,1,experienced,no\nP2,2025-01-06,,0.5,newly qualified,no\n"
    )
    page.select_option("#id_employer_service", label="Matrix Borough Council: Adults' services")
    page.select_option("#id_year", "2025/26")
    page.set_input_files("#id_file", str(staff))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_load_state()
    gate.check(page, "staff list preview", "staff.csv")
    assert page.get_by_text("When you import, the staff list is deleted").count() == 1
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_load_state()
    gate.check(page, "staff list imported", "staff.csv")
    assert page.get_by_text("The staff list has been deleted").count() == 1
    assert WorkforceFigures.objects.get(service=Service.ADULTS, year="2025/26").inpost_fte == Decimal("1.5")
    assert gate.problems == [], "\n".join(gate.problems)
