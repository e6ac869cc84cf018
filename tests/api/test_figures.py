"""Each figure the API gives is the number the page shows: the same selector answers both, and
these tests hold the two side by side (the page as a signed-in person sees it, the API with that
person's token)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from healthcheck.models import Rag
from portal.registry import get_metric
from tests.api.helpers import token_for
from tests.healthcheck import factories as hf
from tests.placements.factories import EducatorFactory, OfferFactory, PlacementFactory, ReviewFactory
from tests.placements.test_sufficiency import example  # noqa: F401 (the hand-worked sufficiency example)

pytestmark = pytest.mark.django_db


def _api(user, path: str) -> dict:
    response = Client().get(path, headers={"Authorization": f"Bearer {token_for(user)}"})
    assert response.status_code == 200, response.content
    return response.json()


def _page(user, path: str):
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response


def test_sufficiency_per_stage_and_employer_is_the_pages(world, example):  # noqa: F811
    lead = world.user("lead")
    query = "?partnership=matrix-tp&year=2026/27"
    page = _page(lead, "/placements/sufficiency/" + query)
    report = page.context["report"]
    html = page.content.decode()
    api = _api(lead, "/api/v1/partnerships/matrix-tp/sufficiency?year=2026/27")
    lines = {line.key: line for line in [*report.stages, report.total, report.statutory, report.non_statutory]}
    for stage in [*api["stages"], api["total"], api["statutory"], api["non_statutory"]]:
        line = lines[stage["key"]]
        assert (stage["needed"], stage["offered"], stage["filled"], stage["shortfall"], stage["rag"]) == (
            line.needed,
            line.offered,
            line.filled,
            line.shortfall,
            line.rag,
        )
    for line in report.stages:
        assert line.words in html  # what the page says, in words, from the same lines
    assert api["overall_shortfall"] == report.overall_shortfall
    assert [(e["name"], e["committed"], e["offered"], e["filled"]) for e in api["employers"]] == [
        (e.name, e.committed, e.offered, e.filled) for e in report.employers
    ]
    # The hand-worked example (tests/placements/test_sufficiency.py): 15 first + 12 final needed.
    assert api["total"]["needed"] == 27


def test_reviews_on_time_is_the_quality_pages(world):
    lead = world.user("lead")
    offer = OfferFactory(
        partnership=world.partnership,
        employer=world.employer,
        starts_on=dt.date(2026, 9, 7),
        ends_on=dt.date(2027, 3, 1),
    )
    on_time = PlacementFactory(offer=offer, status="in-progress")
    PlacementFactory(offer=offer, status="in-progress")
    ReviewFactory(placement=on_time, point="four-weeks", completed_on=dt.date(2026, 10, 6))
    page = _page(lead, "/placements/partnership/matrix-tp/quality/?year=2026/27")
    api = _api(lead, "/api/v1/partnerships/matrix-tp/placement-figures?year=2026/27")
    figure = api["reviews_on_time"]
    assert (figure["part"], figure["whole"]) == (page.context["on_time"], page.context["due"]) == (1, 2)
    assert f"{figure['part']} of {figure['whole']}" in page.content.decode()


def test_fill_rate_coverage_and_currency_are_the_live_figures_health_checks_show(world):
    lead = world.user("lead")
    offer = OfferFactory(partnership=world.partnership, employer=world.employer, places=4)
    PlacementFactory(offer=offer, status="confirmed")
    EducatorFactory(partnership=world.partnership, employer=world.employer)
    EducatorFactory(partnership=world.partnership, employer=world.employer, last_cpd_on=dt.date(2024, 1, 1))
    api = _api(lead, "/api/v1/partnerships/matrix-tp/placement-figures?year=2026/27")
    for key, name in [
        ("placements.fill_rate", "fill_rate"),
        ("placements.statutory_coverage", "statutory_coverage"),
        ("placements.educator_currency", "educator_currency"),
    ]:
        metric = get_metric(key)
        assert metric is not None
        shown = metric.compute(world.partnership, None, "2026/27")
        assert api[name]["percent"] == shown.value, (key, api[name], shown)
    assert api["fill_rate"]["part"] == 1 and api["fill_rate"]["whole"] == 4


def test_educator_currency_is_the_registers_counts(world):
    lead = world.user("lead")
    EducatorFactory(partnership=world.partnership, employer=world.employer)
    EducatorFactory(partnership=world.partnership, employer=world.employer, last_cpd_on=dt.date(2024, 1, 1))
    EducatorFactory(partnership=world.partnership, employer=world.employer, last_cpd_on=dt.date(2025, 12, 1))
    EducatorFactory(partnership=world.other_partnership)
    page = _page(lead, "/practice-educators/?partnership=matrix-tp")
    counts = page.context["counts"]
    api = _api(lead, "/api/v1/practice-educators/currency?partnership=matrix-tp")
    assert {k: api[k] for k in ("total", "current", "lapsing", "lapsed")} == {
        k: counts[k] for k in ("total", "current", "lapsing", "lapsed")
    }
    assert api["total"] == 3 and api["lapsed"] == 1 and api["lapsing"] == 1
    everywhere = _api(lead, "/api/v1/practice-educators/currency")
    assert everywhere["total"] == 3, "only the registers the lead sees"


def test_health_check_overall_and_counts_are_the_pages(world):
    lead = world.user("lead")
    hc = hf.health_check(world)
    hf.rate(world, hc, "A1", Rag.RED)
    hf.rate(world, hc, "A2", Rag.GREEN)
    hf.rate(world, hc, "B1", Rag.AMBER)
    hf.rate(world, hc, "B2", Rag.GREEN)
    page = _page(lead, f"/health-checks/{hc.pk}/").context["page"]
    detail = _api(lead, f"/api/v1/health-checks/{hc.pk}")
    assert detail["overall"] == page.overall == Rag.RED
    assert detail["counts"] == {"red": 1, "amber": 1, "green": 2, "not_applicable": 0, "not_rated": 0}
    assert [(r["code"], r["rating"]) for r in detail["ratings"]] == [
        (row.criterion.code, row.rating.rating) for row in page.rows
    ]
    listed = _page(lead, "/health-checks/").context["page_obj"].object_list[0]
    item = _api(lead, "/api/v1/health-checks")["items"][0]
    assert item["overall"] == listed.overall
    assert item["counts"]["red"] == listed.counts.red


def test_a_signed_off_health_check_shows_its_sign_off(world):
    hc = hf.signed_off(world)
    detail = _api(world.user("member"), f"/api/v1/health-checks/{hc.pk}")
    assert detail["state"] == "signed_off"
    assert [s["name"] for s in detail["sign_offs"]] == ["Sam Signatory"]
    assert detail["sign_offs"][0]["overall_rating"] == detail["overall"] == Rag.GREEN


def test_workforce_totals_and_the_forecast_are_the_pages(world):
    from decimal import Decimal

    from workforce.measures import Service
    from workforce.services import save_figures

    lead = world.user("lead")
    for year, in_post, leavers in (("2024/25", "120.0", "18.0"), ("2025/26", "126.0", "20.0")):
        save_figures(
            lead,
            world.partnership,
            world.employer,
            Service.CHILDREN,
            year,
            data={"inpost_fte": Decimal(in_post), "leavers_fte": Decimal(leavers), "vacancy_fte": Decimal("14.0")},
            base_revision=0,
        )
    api = _api(world.user("member"), "/api/v1/partnerships/matrix-tp/workforce")
    assert [y["year"] for y in api["years"]] == ["2024/25", "2025/26"]
    latest = {t["measure"]: t["shown"] for t in api["years"][-1]["totals"]}
    page = _page(world.user("member"), "/workforce/partnership/matrix-tp/").content.decode()
    assert latest["inpost_fte"] in page and latest["inpost_fte"].replace(",", "").startswith("126")
    forecast_page = _page(world.user("member"), "/workforce/partnership/matrix-tp/forecast/").content.decode()
    first = api["forecast"][0]
    assert api["forecast_employer_services"] == 1 and len(api["forecast"]) == 5
    # The forecast page's table prints the same gap for the first forecast year.
    assert first["year"] in forecast_page
    assert f"{first['gap']:,.1f}" in forecast_page or f"{round(first['gap']):,}" in forecast_page
