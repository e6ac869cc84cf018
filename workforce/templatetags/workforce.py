"""Number formats for the workforce pages, quicker than floatformat's localisation on pages with
thousands of figures: one decimal place for FTE, whole numbers for counts and pounds."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def fte(value) -> str:
    return "" if value is None or value == "" else f"{float(value):,.1f}"


@register.filter
def whole(value) -> str:
    return "" if value is None or value == "" else f"{float(value):,.0f}"


@register.filter
def percent(value) -> str:
    return "" if value is None or value == "" else f"{100 * float(value):.0f}%"


@register.inclusion_tag("workforce/_sufficiency_suggestion.html")
def sufficiency_suggestion(partnership, year_label: str) -> dict:
    """Beside the sufficiency page's typed "needed": the final placements the baseline workforce
    forecast implies for the year (a template tag, so placements' code names nothing of
    workforce's). One query."""
    from workforce.selectors import suggested_final_placements

    return {
        "partnership": partnership,
        "year": year_label,
        "suggested": suggested_final_placements(partnership, year_label),
    }
