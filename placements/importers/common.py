"""What every kind of import shares: a column's description, the result of checking a file, the
partnership's employers by name, and the writers' helpers that change only what differs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import F

from partnerships.models import EMPLOYER_KINDS, Organisation
from placements.models import AcademicYear
from placements.services.planning import ensure_academic_year


class Column(NamedTuple):
    name: str
    required: bool
    example: str
    meaning: str


@dataclass
class CheckResult:
    rows: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    creates: int = 0
    updates: int = 0
    seconds: float = 0.0
    # Filled by the checker for the writer: one named row per good row of the file.
    plan: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and self.rows > 0


def employers(partnership) -> dict[str, Organisation]:
    """The partnership's employers by lower-case name (files name them as people write them)."""
    return {
        o.name.lower(): o
        for o in Organisation.objects.filter(partner_roles__partnership=partnership, kind__in=EMPLOYER_KINDS)
    }


def ensure_years(labels: Iterable[str]) -> dict[str, AcademicYear]:
    return {label: ensure_academic_year(label) for label in set(labels)}


# Writers create new rows in bulk and update only the rows (and fields) whose values differ, so
# re-importing an unchanged file writes nothing; each returns how many existing records changed.


def assign_changed(obj, values: dict) -> set[str]:
    """Set the values that differ on `obj`; the names of the fields changed. Foreign keys are
    compared by id, so nothing is loaded from the database to compare."""
    changed = set()
    for name, value in values.items():
        field = obj._meta.get_field(name)
        if field.is_relation and name != field.attname:
            current, new = getattr(obj, field.attname), getattr(value, "pk", value)
        else:
            current, new = getattr(obj, name), value
        if current != new:
            setattr(obj, name, value)
            changed.add(name)
    return changed


def update_changed(model, pairs: list[tuple]) -> list:
    """Write the objects whose values changed (pairs of object and values) and bump their
    revision, so an edit form opened before the import notices; returns the changed objects.

    Django's bulk_update builds a CASE per column per row, which is slow for thousands of rows;
    but a file's rows mostly share their new values (a status, a block's dates), so rows with the
    same changes go in one plain UPDATE each, and only rows whose changes are their own (a new
    name) go through bulk_update, for just the columns that changed."""
    changed = []
    groups: dict[tuple, list] = defaultdict(list)
    for obj, values in pairs:
        names = assign_changed(obj, values)
        if names:
            changed.append(obj)
            obj.revision += 1
            groups[tuple(sorted((name, getattr(values[name], "pk", values[name])) for name in names))].append(obj)
    singles, single_fields = [], {"revision"}
    for key, objs in groups.items():
        if len(objs) == 1:
            singles.extend(objs)
            single_fields |= {name for name, _ in key}
            continue
        ids = [obj.pk for obj in objs]
        for start in range(0, len(ids), 900):
            model.objects.filter(pk__in=ids[start : start + 900]).update(**dict(key), revision=F("revision") + 1)
    if singles:
        model.objects.bulk_update(singles, sorted(single_fields), batch_size=500)
    return changed
