"""Dashboard items when an employer's figures for the year are due: the lead hears of every
employer's missing service, a coordinator representing an employer of its own; the dashboard
and the workforce page give the same number."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import OrganisationFactory, PartnerFactory
from workforce.due import due_date, due_year, figures_due
from workforce.measures import Service
from workforce.services import save_figures

pytestmark = pytest.mark.django_db

DUE_TITLE = re.compile(r"Figures for (\d{4}/\d{2}) are due for ([^<(]+) \(([^)]+)\)")


def test_a_years_figures_are_due_from_the_first_of_october_after_it_ends():
    assert due_date("2025/26") == dt.date(2026, 10, 1)
    assert due_year(dt.date(2026, 10, 1)) == "2025/26"
    assert due_year(dt.date(2026, 9, 30)) == "2024/25"
    assert due_year(dt.date(2027, 3, 1)) == "2025/26"


def _record(world, employer, service, year, role="lead"):
    save_figures(
        world.user(role),
        world.partnership,
        employer,
        service,
        year,
        data={"inpost_fte": Decimal("50.0")},
        base_revision=0,
    )


def _titles(client) -> list[str]:
    return DUE_TITLE.findall(html.unescape(client.get(reverse("dashboard")).content.decode()))


def test_the_lead_is_told_of_every_missing_service_until_it_is_recorded(world, client_for):
    today = timezone.localdate()
    year = due_year(today)
    trust = OrganisationFactory(name="Matrix Health Trust", kind="nhs-trust")
    PartnerFactory(partnership=world.partnership, organisation=trust)
    client = client_for("lead")
    assert sorted(_titles(client)) == [
        (year, "Matrix Borough Council", "adults' services"),
        (year, "Matrix Borough Council", "children's services"),
        (year, "Matrix Health Trust", "all social work"),
    ]
    _record(world, world.employer, Service.CHILDREN, year)
    _record(world, trust, Service.OTHER, year)
    assert _titles(client) == [(year, "Matrix Borough Council", "adults' services")]
    # A figure for another year does not count for the year due.
    _record(world, world.employer, Service.ADULTS, academic_years_before(year))
    assert len(_titles(client)) == 1


def academic_years_before(year: str) -> str:
    from portal import academic_years

    return academic_years.shifted(year, -1)


def test_a_coordinator_hears_only_of_their_own_employer_and_a_member_of_nothing(world, client_for):
    trust = OrganisationFactory(name="Matrix Health Trust", kind="nhs-trust")
    PartnerFactory(partnership=world.partnership, organisation=trust)
    names = {name for _, name, _ in _titles(client_for("coordinator"))}
    assert names == {"Matrix Borough Council"}
    assert _titles(client_for("member")) == []
    assert _titles(client_for("admin")) == []


def test_the_dashboard_and_the_workforce_page_show_the_same_number(world, client_for):
    trust = OrganisationFactory(name="Matrix Health Trust", kind="nhs-trust")
    PartnerFactory(partnership=world.partnership, organisation=trust)
    _record(world, trust, Service.OTHER, due_year(timezone.localdate()))
    for role in ("lead", "coordinator"):
        client = client_for(role)
        on_dashboard = len(_titles(client))
        page = html.unescape(
            client.get(reverse("workforce:partnership", args=[world.partnership.slug])).content.decode()
        )
        shown = re.search(r"(\d+) employer services? (?:has|have) figures due for you to record", page)
        assert shown is not None and int(shown[1]) == on_dashboard == len(DUE_TITLE.findall(page)) == 2


def test_a_partner_that_has_left_is_not_asked(world):
    trust = OrganisationFactory(name="Matrix Health Trust", kind="nhs-trust")
    PartnerFactory(
        partnership=world.partnership, organisation=trust, left_on=timezone.localdate() - dt.timedelta(days=30)
    )
    names = {d.employer.name for d in figures_due(world.user("lead"), timezone.localdate())}
    assert names == {"Matrix Borough Council"}


def test_the_count_costs_the_same_queries_with_more_employers(world, django_assert_max_num_queries):
    lead = world.user("lead")
    today = timezone.localdate()
    lead.refresh_from_db()  # a fresh user: memberships are loaded once and cached

    with django_assert_max_num_queries(4):
        small = len(figures_due(lead, today))
    for n in range(12):
        PartnerFactory(
            partnership=world.partnership, organisation=OrganisationFactory(name=f"Trust {n}", kind="nhs-trust")
        )
    lead = type(lead).objects.get(pk=lead.pk)
    with django_assert_max_num_queries(4):
        large = len(figures_due(lead, today))
    assert large == small + 12
