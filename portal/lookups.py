"""`in` on integer columns leaves out numbers no column can hold.

Django (since 5.0) turns `id=99999999999999999999` into "no match" instead of an error, but not
`id__in=[...]`: on SQLite such a number is an OverflowError, so a tampered choice in a form with
several checkboxes (ModelMultipleChoiceField) was an error page, and PostgreSQL compares every
row's id as a numeric. Registered for every IntegerField (ids included) in PortalConfig.ready().
"""

from __future__ import annotations

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            # Such numbers cannot match; In itself answers "no rows" if none are left.
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int) or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
