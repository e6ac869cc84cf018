"""Step 1 of 3: lineage and per-part revisions on memoranda, section history, reviews, signatures tied to the
frozen organisation, keyed reminders and the 100,000-character section limit.

Existing rows are carried over: each memorandum chain gets one lineage, each signature takes the
organisation of the party it was made for, each reminder gets a key from its date and stage.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("memoranda", "0001_initial"),
        ("partnerships", "0002_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(name="memorandum", options={"ordering": ["-created_at"], "verbose_name_plural": "memoranda"}),
        migrations.AlterModelOptions(name="party", options={"ordering": ["organisation__name"], "verbose_name_plural": "parties"}),
        migrations.AlterModelOptions(name="placecommitment", options={"ordering": ["academic_year", "organisation__name"]}),
        migrations.AlterModelOptions(name="signature", options={"ordering": ["signed_at", "id"]}),
        migrations.AlterModelOptions(name="comment", options={"ordering": ["created_at", "id"]}),
        migrations.AddField(model_name="memorandum", name="details_revision", field=models.PositiveIntegerField(default=1)),
        migrations.AddField(model_name="memorandum", name="places_revision", field=models.PositiveIntegerField(default=1)),
        migrations.AddField(model_name="memorandum", name="ended_on", field=models.DateField(blank=True, null=True)),
        migrations.AddField(model_name="memorandum", name="lineage", field=models.UUIDField(null=True, editable=False)),
        migrations.AlterField(
            model_name="memorandum",
            name="status",
            field=models.CharField(
                choices=[("draft", "Draft"), ("awaiting_signature", "Awaiting signatures"), ("active", "Active"),
                         ("superseded", "Superseded"), ("expired", "Expired"), ("ended", "Ended")],
                db_index=True, default="draft", max_length=20,
            ),
        ),
        migrations.AlterField(model_name="memorandum", name="review_date", field=models.DateField(blank=True, db_index=True, null=True)),
        migrations.AlterField(
            model_name="memorandum",
            name="replaces",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="replaced_by", to="memoranda.memorandum"),
        ),
        migrations.AddField(model_name="section", name="revision", field=models.PositiveIntegerField(default=1)),
        migrations.AlterField(model_name="section", name="body", field=models.TextField(blank=True, max_length=100000)),
        migrations.AddField(model_name="party", name="revision", field=models.PositiveIntegerField(default=1)),
        migrations.AlterField(
            model_name="party",
            name="commitments",
            field=models.TextField(blank=True, max_length=10000, verbose_name="responsibilities"),
        ),
        migrations.AlterField(
            model_name="party",
            name="seniority",
            field=models.CharField(
                blank=True, max_length=30,
                choices=[("assistant_director", "Assistant Director or above"),
                         ("head_of_faculty", "Head of Faculty or above"),
                         ("organisation_head", "Chief executive, director or chair of the organisation"),
                         ("other", "Below the usual signing level")],
            ),
        ),
        migrations.AddField(
            model_name="memorandumversion",
            name="declined_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name="memorandumversion",
            name="status",
            field=models.CharField(
                choices=[("awaiting_signature", "Awaiting signatures"), ("signed", "Signed"),
                         ("declined", "Declined"), ("withdrawn", "Withdrawn")],
                default="awaiting_signature", max_length=20,
            ),
        ),
        migrations.AddField(model_name="comment", name="section_heading", field=models.CharField(blank=True, max_length=200)),
        migrations.CreateModel(
            name="SectionRevision",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField()),
                ("heading", models.CharField(max_length=200)),
                ("body", models.TextField(blank=True)),
                ("saved_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("saved_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL,
                                               related_name="+", to=settings.AUTH_USER_MODEL)),
                ("section", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                              related_name="revisions", to="memoranda.section")),
            ],
            options={"ordering": ["section", "number"]},
        ),
        migrations.AddConstraint(
            model_name="sectionrevision",
            constraint=models.UniqueConstraint(fields=("section", "number"), name="section_revision_once"),
        ),
        migrations.CreateModel(
            name="Review",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("reviewed_on", models.DateField()),
                ("outcome", models.CharField(max_length=20, choices=[
                    ("unchanged", "Continue unchanged"), ("amend", "Amend it (start a new draft)"), ("end", "End it")])),
                ("note", models.TextField(blank=True, max_length=2000)),
                ("due_date", models.DateField(blank=True, null=True, help_text="The review date this review answered.")),
                ("next_review_date", models.DateField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("memorandum", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                 related_name="reviews", to="memoranda.memorandum")),
                ("recorded_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL,
                                                  related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={"ordering": ["-reviewed_on", "-id"]},
        ),
        # Signatures point at the organisation in the frozen text instead of the editable party row.
        migrations.AddField(
            model_name="signature",
            name="organisation",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="partnerships.organisation"),
        ),
        migrations.AlterField(model_name="signature", name="method", field=models.CharField(max_length=100)),
        migrations.AddField(model_name="remindersent", name="key", field=models.CharField(max_length=80, default="")),
        migrations.AddField(model_name="remindersent", name="recipients", field=models.TextField(blank=True)),
    ]
