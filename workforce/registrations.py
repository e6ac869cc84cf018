"""What workforce planning contributes to the core: the menu item, a live metric for the health
check, the privacy notice's facts and the app's share of the scale dataset's history."""

from __future__ import annotations

from django.utils import timezone

from portal import academic_years
from portal.registry import (
    AttentionItem,
    HistoryKind,
    Metric,
    MetricValue,
    NavItem,
    PartnershipPanel,
    ScaleBuilder,
    register_attention,
    register_history_kind,
    register_metric,
    register_nav_item,
    register_partnership_panel,
    register_privacy_facts,
    register_reminder_sender,
    register_scale_builder,
)
from workforce import permissions  # noqa: F401 (registers the app's permissions)
from workforce.actions import Action
from workforce.measures import SMALL_NUMBER
from workforce.models import WorkforceFigures
from workforce.services.figures import employers_of, services_of


def figures_current(partnership, organisation=None, academic_year=None) -> MetricValue:
    """Share of the partnership's employer services (or one employer's) with social workers in
    post recorded for the year (default: the current one) or the year before."""
    year = academic_year or academic_years.label_of(timezone.localdate())
    if academic_years.problem(year):
        return MetricValue(None, f"No workforce figures for {year}", "Not a year the portal accepts.")
    recent = {year, academic_years.shifted(year, -1)}
    expected = [
        (e.pk, s)
        for e in employers_of(partnership)
        if organisation is None or e.pk == organisation.pk
        for s in services_of(e)
    ]
    if not expected:
        return MetricValue(None, "No employers", "The partnership has no employers to count.")
    recorded = set(
        WorkforceFigures.objects.filter(partnership=partnership, year__in=recent, inpost_fte__isnull=False).values_list(
            "employer_id", "service"
        )
    )
    have = sum(1 for key in expected if key in recorded)
    return MetricValue(
        round(100 * have / len(expected)),
        f"{have} of {len(expected)} employer services",
        f"Employer services with social workers in post recorded for {year} or the year before.",
    )


register_metric(
    Metric(
        "workforce.figures_current",
        "Workforce figures current",
        "Share of employer services whose workforce figures are recorded for this year or last.",
        "percent",
        figures_current,
    )
)

register_privacy_facts(lambda: {"workforce_small_number": SMALL_NUMBER})

register_nav_item(NavItem("Workforce", "workforce:index", 70, lambda namespace, url_name: namespace == "workforce"))
register_scale_builder(
    ScaleBuilder(
        "workforce",
        "workforce.scale.build",
        counts={"workforce_years": 5},
        unscaled=frozenset({"workforce_years"}),
        breadth=frozenset({"workforce_years"}),
    )
)
register_history_kind(HistoryKind(2, "workforce.WorkforceFigures", (Action.FIGURES_SAVED,)))


def partnership_panel(user, partnership) -> dict:
    """The Workforce section of the partnership page: the latest year's totals and the links."""
    from workforce.selectors import summary

    result = summary(user, partnership)
    latest = result.totals[-1] if result.totals else None
    return {
        "year": latest.year if latest else None,
        "in_post": latest.cells[0].text if latest else None,
        "vacancies": latest.cells[-1].text if latest else None,
    }


register_partnership_panel(
    PartnershipPanel(
        key="workforce",
        title="Workforce",
        template="workforce/_partnership_panel.html",
        context=partnership_panel,
        order=50,
    )
)


def _discard_staff_lists(today) -> int:
    from workforce.importers.batch import discard_staff_lists

    return discard_staff_lists(today)


register_reminder_sender("workforce_staff_lists", _discard_staff_lists)


def figures_due_attention(user) -> list[AttentionItem]:
    """ "Figures for 2025/26 are due for <employer> (<service>)": for a lead, every employer's
    missing service; for a coordinator representing an employer, its own (workforce.due)."""
    from django.urls import reverse

    from workforce.due import figures_due

    return [
        AttentionItem(
            title=d.title,
            url=reverse(
                "workforce:figures_edit",
                args=[d.partnership.slug, d.employer.pk, d.service, academic_years.first_year_of(d.year)],
            ),
            kind="Workforce figures",
            partnership=d.partnership.name,
            due=d.due_on,
        )
        for d in figures_due(user, timezone.localdate())
    ]


register_attention(figures_due_attention)
