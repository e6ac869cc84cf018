"""Small template helpers for health check pages."""

from django import template

from healthcheck.models import Rating, rag_label
from healthcheck.rules import suggestion_in_words, why_confirmation_needed

register = template.Library()


@register.filter
def hc_percent(counts, part: str) -> str:
    """A segment's width in a RAG bar, as a CSS number (a dot, whatever the locale)."""
    return f"{counts.percent(part):.1f}"


@register.filter
def rag_word(value: str) -> str:
    return rag_label(value)


@register.filter
def suggestion_words(rating: Rating) -> str:
    """The live figure, its suggestion and what became of it (healthcheck.rules.suggestion_in_words)."""
    return suggestion_in_words(rating)


@register.filter
def confirmation_reason(rating: Rating) -> str:
    return why_confirmation_needed(rating)
