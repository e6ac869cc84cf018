"""First step of keeping one practice educator record per partnership: each record gets the
partnership that owns it (filled in by 0007) and the email address stops being unique across
the whole portal, so the same person can have a record on each register they are on."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0001_initial"),
        ("placements", "0005_commitment_revision"),
    ]

    operations = [
        migrations.AddField(
            model_name="practiceeducator",
            name="partnership",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="owned_practice_educators",
                to="partnerships.partnership",
            ),
        ),
        migrations.AddField(
            model_name="practiceeducator",
            name="added_on",
            field=models.DateField(default=django.utils.timezone.localdate, verbose_name="added to the register"),
        ),
        migrations.AlterField(
            model_name="practiceeducator",
            name="email",
            field=models.EmailField(
                help_text="Used to recognise the same person on this register.",
                max_length=254,
                verbose_name="email address",
            ),
        ),
    ]
