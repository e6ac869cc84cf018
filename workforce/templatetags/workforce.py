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
