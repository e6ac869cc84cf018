"""Split practice educator records shared by several registers into one record per partnership.

Until now a person on two partnerships' registers had one record, so a lead who added a known
email to their own register could open and change what another partnership had recorded. Each
partnership that holds someone (on its register, or naming them on one of its placement offers)
now gets its own copy of the record, and that partnership's offers point at its copy. The
partnership that put the person on a register first keeps the original record (and its
history); the others start from a copy of the details as they stand today. A record on no
register and named on no offer was visible to nobody but site administrators and is removed.
"""

from django.db import migrations

COPIED = [
    "full_name",
    "email",
    "employer_id",
    "peps_stage",
    "qualified_on",
    "last_student_on",
    "last_cpd_on",
    "max_students",
]


def _holders(apps) -> dict[int, dict[int, object]]:
    """{educator id: {partnership id: date added, in the order they joined}}."""
    RegisterEntry = apps.get_model("placements", "RegisterEntry")
    PlacementOffer = apps.get_model("placements", "PlacementOffer")
    holders: dict[int, dict[int, object]] = {}
    entries = RegisterEntry.objects.order_by("added_on", "id").values_list("educator_id", "partnership_id", "added_on")
    for educator_id, partnership_id, added_on in entries:
        holders.setdefault(educator_id, {}).setdefault(partnership_id, added_on)
    named = (
        PlacementOffer.objects.filter(practice_educator__isnull=False)
        .order_by("id")
        .values_list("practice_educator_id", "partnership_id")
    )
    for educator_id, partnership_id in named:
        holders.setdefault(educator_id, {}).setdefault(partnership_id, None)
    return holders


def split_shared_educators(apps, schema_editor):
    """Safe to run again: a record that already has its partnership keeps it, and a partnership
    that already has its copy (same email) gets no second one."""
    PracticeEducator = apps.get_model("placements", "PracticeEducator")
    PlacementOffer = apps.get_model("placements", "PlacementOffer")
    holders = _holders(apps)
    for educator in PracticeEducator.objects.filter(pk__in=list(holders)).order_by("id").iterator():
        held_by = holders[educator.pk]
        if educator.partnership_id is None:
            educator.partnership_id = next(iter(held_by))
            educator.added_on = held_by[educator.partnership_id] or educator.added_on
            educator.save(update_fields=["partnership", "added_on"])
        for partnership_id, added_on in held_by.items():
            if partnership_id == educator.partnership_id:
                continue
            copy = PracticeEducator.objects.filter(partnership_id=partnership_id, email__iexact=educator.email).first()
            if copy is None:
                copy = PracticeEducator.objects.create(
                    partnership_id=partnership_id,
                    added_on=added_on or educator.added_on,
                    **{name: getattr(educator, name) for name in COPIED},
                )
            PlacementOffer.objects.filter(partnership_id=partnership_id, practice_educator_id=educator.pk).update(
                practice_educator_id=copy.pk
            )
    PracticeEducator.objects.filter(partnership__isnull=True).delete()


def merge_records_by_email(apps, schema_editor):
    """Going back: one record per email address again (the oldest), on every register that had one."""
    PracticeEducator = apps.get_model("placements", "PracticeEducator")
    RegisterEntry = apps.get_model("placements", "RegisterEntry")
    PlacementOffer = apps.get_model("placements", "PlacementOffer")
    kept: dict[str, object] = {}
    for educator in PracticeEducator.objects.order_by("id").iterator():
        keeper = kept.setdefault(educator.email.lower(), educator)
        RegisterEntry.objects.get_or_create(
            partnership_id=educator.partnership_id, educator_id=keeper.pk, defaults={"added_on": educator.added_on}
        )
        if keeper.pk != educator.pk:
            PlacementOffer.objects.filter(practice_educator_id=educator.pk).update(practice_educator_id=keeper.pk)
            educator.delete()


class Migration(migrations.Migration):
    dependencies = [("placements", "0006_educator_owning_partnership")]

    operations = [migrations.RunPython(split_shared_educators, merge_records_by_email)]
