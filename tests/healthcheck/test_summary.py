"""The summary: comparison with last year, heatmaps, and the partnership page's section."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from healthcheck import selectors
from healthcheck.models import Rag
from healthcheck.services import action_plans, running
from portal.registry import partnership_panels_for
from tests.healthcheck import factories as hf

pytestmark = pytest.mark.django_db


def _two_years(world):
    fw = hf.framework()
    last = hf.health_check(world, fw=fw, year="2025/26")
    for code, value in {"A1": Rag.RED, "A2": Rag.AMBER, "B1": Rag.GREEN, "B2": Rag.GREEN}.items():
        hf.rate(world, last, code, value)
    now = hf.health_check(world, fw=fw, year="2026/27")
    for code, value in {"A1": Rag.AMBER, "A2": Rag.AMBER, "B1": Rag.RED}.items():
        hf.rate(world, now, code, value)
    return last, now


def test_each_criterion_is_compared_with_last_years_health_check(world, client_for):
    last, now = _two_years(world)
    page = selectors.health_check_page(now, today=timezone.localdate())
    trends = {row.criterion.code: row.trend for row in page.rows}
    assert trends == {"A1": "better", "A2": "same", "B1": "worse", "B2": ""}
    assert page.previous == last
    assert page.trends == {"better": 1, "same": 1, "worse": 1}
    html = client_for("member").get(reverse("healthcheck:detail", args=[now.pk])).content.decode()
    assert "Compared with 2025/26" in html
    assert "Better 1 &middot; Same 1 &middot; Worse 1" in html
    assert "Criteria rated Not applicable are left out." in html  # the rule, in words


def test_area_counts_and_bars_say_their_numbers(world, client_for):
    _, now = _two_years(world)
    html = client_for("member").get(reverse("healthcheck:detail", args=[now.pk])).content.decode()
    assert 'aria-label="Amber 2"' in html
    assert 'aria-label="Red 1, Not rated 1"' in html
    assert "3 of 4" in html


def test_the_list_writes_each_bars_counts_out_for_everyone(world, client_for):
    _two_years(world)
    html = client_for("member").get(reverse("healthcheck:list")).content.decode()
    assert '<span class="govuk-body-s hc-bar__words">Red 1, Amber 2, Not rated 1</span>' in html
    assert '<span class="govuk-body-s hc-bar__words">Red 1, Amber 1, Green 2</span>' in html
    assert 'class="portal-bar hc-bar" aria-hidden="true"' in html  # the words say it; the bar is not read twice


def test_the_partners_heatmap_shows_each_partners_area_ratings(world, client_for):
    fw = hf.framework()
    whole = hf.health_check(world, fw=fw)
    employer = hf.health_check(world, fw=fw, organisation=world.employer)
    for code in ("A1", "A2", "B1", "B2"):
        hf.rate(world, whole, code, Rag.GREEN)
        hf.rate(world, employer, code, Rag.RED if code.startswith("A") else Rag.GREEN)
    heatmap = selectors.partners_heatmap(world.partnership, "2026/27")
    assert heatmap.columns == [("A", "Area A"), ("B", "Area B")]
    rows = {row.label: row for row in heatmap.rows}
    assert rows["The whole partnership"].cells == ["green", "green"]
    assert rows["Matrix Borough Council"].cells == ["red", "green"]
    assert rows["University of Matrix"].health_check is None
    html = (
        client_for("member")
        .get(reverse("healthcheck:partnership_heatmap", args=[world.partnership.slug]))
        .content.decode()
    )
    assert "hc-cell--red" in html and ">Red</td>" in html
    assert "No health check for 2026/27" in html


def test_site_administrators_compare_partnerships(world, client_for):
    fw = hf.framework()
    hc = hf.health_check(world, fw=fw)
    hf.rate(world, hc, "A1", Rag.AMBER)
    theirs = running.start_health_check(
        world.user("non_member"), world.other_partnership, academic_year="2026/27", framework=fw, organisation=None
    )
    running.save_rating(
        world.user("non_member"),
        theirs.ratings.get(criterion__code="B1"),
        value="green",
        commentary="",
        base_revision=1,
    )
    heatmap = selectors.partnerships_heatmap("2026/27")
    assert [row.label for row in heatmap.rows] == ["Elsewhere Partnership", "Matrix Teaching Partnership"]
    html = client_for("admin").get(reverse("healthcheck:heatmap")).content.decode()
    assert "Elsewhere Partnership" in html and "Matrix Teaching Partnership" in html
    assert client_for("lead").get(reverse("healthcheck:heatmap")).status_code == 403


def test_the_partnership_page_section_lists_health_checks_with_a_trend(world):
    fw = hf.framework()
    for year, value in (("2024/25", Rag.RED), ("2025/26", Rag.GREEN)):
        hc = hf.health_check(world, fw=fw, year=year)
        for code in ("A1", "A2", "B1", "B2"):
            hf.rate(world, hc, code, value)
            if value == Rag.RED:
                action_plans.add_action(
                    world.user("coordinator"),
                    hc.ratings.get(criterion__code=code),
                    description="x",
                    owner=world.user("lead"),
                    due_on=timezone.localdate(),
                )
    panels = dict((p.key, (p, ctx)) for p, ctx in partnership_panels_for(world.user("coordinator"), world.partnership))
    panel, ctx = panels["health-checks"]
    assert [p["rating"] for p in ctx["trend"]] == ["red", "green"]
    assert ctx["open_actions"] == 4 and ctx["can_run"]
    html = render_to_string(panel.template, {"panel": ctx, "partnership": world.partnership})
    assert "Overall rating by year: 2024/25 Red, 2025/26 Green" in html
    assert "Start a health check" in html
    assert selectors.partnership_panel(world.user("non_member"), world.partnership) is None
