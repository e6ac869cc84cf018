"""Helpers every partnerships service uses: put submitted values on an object and say what
changed, save turning a lost race into a refusal, lock a partnership."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import dateformat, timezone

from partnerships.models import Organisation, Partner, Partnership
from portal.audit import diff, snapshot


def assign(obj: models.Model, data: dict, fields: list[str]) -> None:
    for name in fields:
        if name in data:
            value = data[name]
            setattr(obj, name, value.strip() if isinstance(value, str) else value)


def apply(obj: models.Model, data: dict, fields: list[str], check=None) -> dict:
    """Put the submitted values on `obj`, check them (the model's own rules, then `check(obj)`
    for the business rules) and return what changed, as {field: [old, new]} for the audit."""
    before = snapshot(obj, fields)
    assign(obj, data, fields)
    if check is not None:
        check(obj)
    obj.full_clean(validate_constraints=False)
    return diff(before, snapshot(obj, fields))


def as_new(obj: models.Model, fields: list[str]) -> dict:
    """A new object's values, as changes from nothing."""
    return diff({}, snapshot(obj, fields))


def one_line(text: str) -> str:
    """Names are compared and stored with single spaces, so "Leeds  City Council" is a duplicate."""
    return " ".join((text or "").split())


def _field(model: type[models.Model], name: str) -> models.Field:
    """A model's own field by name; the names services change are never relations' reverse sides."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a field of its own")
    return field


def labels(model: type[models.Model], names) -> str:
    """The changed fields in words: "region, website and address"."""
    words = [str(_field(model, name).verbose_name) for name in names]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def save_or_refuse(obj: models.Model, message: dict | str) -> None:
    """Save, turning a database constraint failure (another request won a race) into a refusal."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise ValidationError(message) from None


def day(value: date) -> str:
    return dateformat.format(value, "j F Y")


def lock(partnership: Partnership) -> Partnership:
    """Serialise changes inside one partnership (one lead partner, at least one lead...)."""
    return Partnership.objects.select_for_update().get(pk=partnership.pk)


def is_current_partner(partnership: Partnership, organisation: Organisation) -> bool:
    today = timezone.localdate()
    return Partner.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gt=today), partnership=partnership, organisation=organisation
    ).exists()
