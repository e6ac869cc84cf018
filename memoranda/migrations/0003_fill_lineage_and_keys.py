"""Step 2 of 3: carry existing rows over (one lineage per memorandum chain, each signature's
organisation from its party, reminder keys from date and stage, a first revision per section)."""

import uuid

from django.db import migrations


def fill_lineage_and_keys(apps, schema_editor):
    Memorandum = apps.get_model("memoranda", "Memorandum")
    Signature = apps.get_model("memoranda", "Signature")
    ReminderSent = apps.get_model("memoranda", "ReminderSent")
    SectionRevision = apps.get_model("memoranda", "SectionRevision")
    Section = apps.get_model("memoranda", "Section")
    lineage = {}
    for memorandum in Memorandum.objects.order_by("id"):
        lineage[memorandum.pk] = lineage.get(memorandum.replaces_id) or uuid.uuid4()
        memorandum.lineage = lineage[memorandum.pk]
        memorandum.save(update_fields=["lineage"])
    for signature in Signature.objects.select_related("party"):
        signature.organisation_id = signature.party.organisation_id
        signature.save(update_fields=["organisation"])
    for reminder in ReminderSent.objects.all():
        reminder.key = f"review:{reminder.review_date.isoformat()}:{reminder.kind}"
        reminder.save(update_fields=["key"])
    SectionRevision.objects.bulk_create(
        SectionRevision(section_id=s.pk, number=1, heading=s.heading, body=s.body) for s in Section.objects.all()
    )


class Migration(migrations.Migration):
    dependencies = [("memoranda", "0002_lineage_revisions_reviews")]

    operations = [migrations.RunPython(fill_lineage_and_keys, migrations.RunPython.noop)]
