"""Ship the default framework (version 1, published) so a partnership can start a health check
on a fresh install. The content lives in healthcheck/data/default_framework_v1.json, in the same
format as framework import and export. That file is frozen: a later version of the default
framework is a new file loaded by a new migration, never an edit of this one."""

import json
from pathlib import Path

from django.db import migrations
from django.utils import timezone

DATA = Path(__file__).resolve().parent.parent / "data" / "default_framework_v1.json"


def load_default(apps, schema_editor):
    Framework = apps.get_model("healthcheck", "Framework")
    Area = apps.get_model("healthcheck", "Area")
    Criterion = apps.get_model("healthcheck", "Criterion")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    if Framework.objects.filter(family=data["family"], version=1).exists():
        return
    now = timezone.now()
    framework = Framework.objects.create(
        family=data["family"],
        version=1,
        name=data["name"],
        description=data["description"],
        status="published",
        created_at=now,
        published_at=now,
    )
    for a_pos, area_data in enumerate(data["areas"], start=1):
        area = Area.objects.create(
            framework=framework,
            code=area_data["code"],
            title=area_data["title"],
            description=area_data.get("description", ""),
            position=a_pos,
        )
        for c_pos, c in enumerate(area_data["criteria"], start=1):
            metric = c.get("metric") or {}
            Criterion.objects.create(
                area=area,
                position=c_pos,
                code=c["code"],
                statement=c["statement"],
                guidance=c.get("guidance", ""),
                evidence_examples="\n".join(c.get("evidence_examples", [])),
                red_means=c["red"],
                amber_means=c["amber"],
                green_means=c["green"],
                standards="\n".join(c.get("standards", [])),
                metric_key=metric.get("key", ""),
                green_at=metric.get("green_at"),
                amber_at=metric.get("amber_at"),
            )


def remove_default(apps, schema_editor):
    Framework = apps.get_model("healthcheck", "Framework")
    HealthCheck = apps.get_model("healthcheck", "HealthCheck")
    framework = Framework.objects.filter(family="default", version=1).first()
    if framework is not None and not HealthCheck.objects.filter(framework=framework).exists():
        framework.delete()


class Migration(migrations.Migration):
    dependencies = [("healthcheck", "0001_initial")]

    operations = [migrations.RunPython(load_default, remove_default)]
