"""Step 3 of 3: make lineage required, drop the signature's party link and the old reminder fields."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("memoranda", "0003_fill_lineage_and_keys")]

    operations = [
        migrations.AlterField(
            model_name="memorandum",
            name="lineage",
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.RemoveConstraint(model_name="signature", name="one_signature_per_party"),
        migrations.RemoveField(model_name="signature", name="party"),
        migrations.AlterField(
            model_name="signature",
            name="organisation",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="partnerships.organisation"),
        ),
        migrations.AddConstraint(
            model_name="signature",
            constraint=models.UniqueConstraint(fields=("version", "organisation"), name="one_signature_per_party"),
        ),
        migrations.RemoveConstraint(model_name="remindersent", name="reminder_once"),
        migrations.RemoveField(model_name="remindersent", name="review_date"),
        migrations.RemoveField(model_name="remindersent", name="kind"),
        migrations.AlterField(model_name="remindersent", name="key", field=models.CharField(max_length=80)),
        migrations.AddConstraint(
            model_name="remindersent",
            constraint=models.UniqueConstraint(fields=("memorandum", "key"), name="reminder_once"),
        ),
    ]
