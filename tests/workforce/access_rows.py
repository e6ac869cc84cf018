"""Who may open each workforce page. The world's coordinator represents the world's employer, so
they keep that employer's figures; members read the partnership's figures and forecast."""

from __future__ import annotations

from django.core.files.base import ContentFile

from tests.access import Row, members, roles, signed_in
from workforce.forecast import Parameters
from workforce.measures import Service
from workforce.models import ImportStatus, Scenario, WorkforceImport

KEEP = roles("coordinator", "lead")


def _slug(w):
    return {"slug": w.partnership.slug}


def _figures(w):
    return {"slug": w.partnership.slug, "employer_id": w.employer.pk, "service": Service.CHILDREN, "year": 2025}


def _sharing(w):
    return {"slug": w.partnership.slug, "employer_id": w.employer.pk}


def _scenario(w):
    scenario = Scenario.objects.create(
        partnership=w.partnership, name="Retention up", parameters=Parameters().as_dict()
    )
    return {"slug": w.partnership.slug, "pk": scenario.pk}


def _batch(w):
    batch = WorkforceImport(
        partnership=w.partnership,
        original_name="dfe.csv",
        status=ImportStatus.HAS_ERRORS,
        row_count=1,
        errors=[[2, "time_period is missing"]],
    )
    batch.file.save("dfe.csv", ContentFile(b"time_period\n\n"), save=True)
    return {"pk": batch.pk}


ROWS: list[Row] = [
    Row("workforce:index", signed_in()),
    Row("workforce:partnership", members(), kwargs=_slug),
    Row("workforce:figures_edit", KEEP, kwargs=_figures),
    Row("workforce:sharing_edit", KEEP, kwargs=_sharing),
    Row("workforce:forecast", members(), kwargs=_slug),
    Row("workforce:forecast_export", members(), kwargs=_slug),
    Row("workforce:scenario_detail", members(), kwargs=_scenario),
    Row("workforce:import_start", KEEP, kwargs=_slug),
    Row("workforce:import_detail", KEEP, kwargs=_batch),
    Row("workforce:import_figures", KEEP, kwargs=_slug),
    Row("workforce:figures_template", KEEP, kwargs=_slug),
    Row("workforce:import_staff_list", KEEP, kwargs=_slug),
    Row("workforce:staff_list_template", signed_in()),
]
