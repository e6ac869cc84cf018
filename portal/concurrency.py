"""Two people acting on the same record at once: the one way services refuse a stale edit and
re-read a row that may have gone.

Services lock the row (`select_for_update`) inside their transaction, then call these.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from portal.exceptions import StaleEdit


def refuse_stale(obj: Any, base_revision, message: str = "") -> None:
    """Refuse a change made from an older revision than the one saved, and a change that names no
    revision at all (a form that lost its hidden field, a hand-made POST): either could overwrite
    someone else's work without them knowing."""
    try:
        stale = base_revision is None or int(base_revision) != obj.revision
    except (TypeError, ValueError):
        stale = True
    if stale:
        raise StaleEdit(message, current_revision=obj.revision)


def fresh(queryset, obj: models.Model):
    """The object as it is now in the database (inside the transaction), or a refusal if someone
    removed it meanwhile: two people acting on the same thing at once must not cause an error page."""
    current = queryset.filter(pk=obj.pk).first()
    if current is None:
        raise ValidationError(f"This {obj._meta.verbose_name} was removed meanwhile by someone else.")
    return current
