"""Small template helpers for health check pages."""

from django import template

from healthcheck.models import rag_label

register = template.Library()


@register.filter
def hc_percent(counts, part: str) -> str:
    """A segment's width in a RAG bar, as a CSS number (a dot, whatever the locale)."""
    return f"{counts.percent(part):.1f}"


@register.filter
def rag_word(value: str) -> str:
    return rag_label(value)
