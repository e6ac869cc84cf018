"""Last step of one practice educator record per partnership (see 0007): the owning partnership
is required, an email address is unique within a register (whatever its case), and the shared
register table goes."""

import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("placements", "0007_one_educator_record_per_partnership")]

    operations = [
        migrations.RemoveField(model_name="practiceeducator", name="partnerships"),
        migrations.DeleteModel(name="RegisterEntry"),
        migrations.AlterField(
            model_name="practiceeducator",
            name="partnership",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="practice_educators",
                to="partnerships.partnership",
            ),
        ),
        migrations.AddIndex(
            model_name="practiceeducator",
            index=models.Index(fields=["partnership", "full_name"], name="educator_partnership_name_idx"),
        ),
        migrations.AddConstraint(
            model_name="practiceeducator",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                models.F("partnership"),
                name="educator_email_once_per_register",
                violation_error_message="Someone with this email address is already on this partnership's register",
            ),
        ),
    ]
