from django import template

from memoranda.text import render_text

register = template.Library()


@register.filter
def moc_text(value: str):
    """Render memorandum text (paragraphs and bullets), escaping any HTML."""
    return render_text(value)
