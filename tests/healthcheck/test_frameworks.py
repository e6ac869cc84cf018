"""Frameworks: the shipped default, versioning, browser authoring, JSON import and export."""

import json
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from healthcheck.frameworks import FrameworkProblems, export_framework, parse_framework
from healthcheck.models import Criterion, Framework, FrameworkStatus
from healthcheck.services import authoring
from portal.exceptions import InvalidTransition
from portal.models import AuditEvent
from tests.healthcheck import factories as hf

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "healthcheck" / "data" / "default_framework_v1.json"


@pytest.mark.django_db
def test_the_default_framework_ships_published_with_25_to_45_criteria_over_about_8_areas():
    framework = Framework.objects.get(family="default", version=1)
    assert framework.status == FrameworkStatus.PUBLISHED
    areas = list(framework.areas.all())
    criteria = Criterion.objects.filter(area__framework=framework)
    assert 7 <= len(areas) <= 10
    assert 25 <= criteria.count() <= 45
    for criterion in criteria:
        assert criterion.red_means and criterion.amber_means and criterion.green_means, criterion.code
        assert criterion.standard_list, f"{criterion.code} names no standard it evidences"
    # The memorandum criteria suggest ratings from live figures the memoranda app registers.
    keys = set(criteria.exclude(metric_key="").values_list("metric_key", flat=True))
    assert {"memorandum.signed_covering_all_partners", "memorandum.review_on_time"} <= keys


@pytest.mark.django_db
def test_the_shipped_file_passes_the_importers_checks():
    cleaned = parse_framework(DEFAULT_FILE.read_bytes())
    assert cleaned["family"] == "default"


@pytest.mark.django_db
def test_a_published_version_cannot_change(world):
    admin = world.user("admin")
    framework = hf.framework()
    area = framework.areas.first()
    with pytest.raises(InvalidTransition):
        authoring.save_area(
            admin, framework, area, data={"code": "A", "title": "New", "description": "", "position": 1}
        )
    with pytest.raises(InvalidTransition):
        authoring.delete_criterion(admin, area.criteria.first())
    assert framework.areas.first().title == "Area A"


@pytest.mark.django_db
def test_editing_makes_a_new_version_and_health_checks_keep_theirs(world):
    admin = world.user("admin")
    framework = hf.framework()
    hc = hf.health_check(world, fw=framework)
    draft = authoring.new_version(admin, framework)
    assert (draft.family, draft.version, draft.status) == (framework.family, 2, FrameworkStatus.DRAFT)
    area = draft.areas.get(code="A")
    authoring.save_area(
        admin,
        draft,
        area,
        data={"code": "A", "title": "Renamed", "description": "", "position": 1},
        base_revision=area.revision,
    )
    authoring.publish_framework(admin, draft)
    hc.refresh_from_db()
    assert hc.framework_id == framework.pk
    assert framework.areas.get(code="A").title == "Area A"
    assert draft.areas.get(code="A").title == "Renamed"
    assert authoring.latest_published("test") == [Framework.objects.get(pk=draft.pk)]
    # Only one draft at a time per framework.
    authoring.new_version(admin, draft)
    with pytest.raises(InvalidTransition):
        authoring.new_version(admin, draft)


@pytest.mark.django_db
def test_only_site_administrators_change_frameworks(world):
    with pytest.raises(PermissionDenied):
        authoring.new_version(world.user("lead"), hf.framework())


@pytest.mark.django_db
def test_an_administrator_authors_a_framework_in_the_browser(world, client_for):
    client = client_for("admin")
    response = client.post(
        reverse("healthcheck:framework_create"),
        {"family": "regional", "name": "Regional framework", "description": "For the region"},
    )
    framework = Framework.objects.get(family="regional")
    assert response.status_code == 302
    client.post(
        reverse("healthcheck:area_create", args=[framework.pk]),
        {"code": "A", "title": "Placements", "description": "", "position": 1},
    )
    area = framework.areas.get()
    criterion = {
        "area": area.pk,
        "code": "A1",
        "statement": "Enough placements",
        "green_means": "All students placed",
        "amber_means": "Most placed",
        "red_means": "Many not placed",
        "metric_key": "",
        "position": 1,
    }
    # Thresholds without a live figure are refused, with the form kept.
    response = client.post(reverse("healthcheck:criterion_create", args=[framework.pk]), {**criterion, "green_at": 90})
    assert response.status_code == 200
    assert "no live figure is chosen" in response.content.decode()
    assert "Enough placements" in response.content.decode()
    client.post(reverse("healthcheck:criterion_create", args=[framework.pk]), criterion)
    assert Criterion.objects.filter(area=area, code="A1").exists()
    response = client.post(reverse("healthcheck:framework_publish", args=[framework.pk]))
    framework.refresh_from_db()
    assert framework.status == FrameworkStatus.PUBLISHED
    assert AuditEvent.objects.filter(action="framework.published", target_id=str(framework.pk)).exists()
    # Published: the edit pages send the administrator back instead of changing it.
    response = client.post(
        reverse("healthcheck:area_edit", args=[framework.pk, area.pk]),
        {"code": "A", "title": "Changed", "description": "", "position": 1},
    )
    assert response.status_code == 302
    area.refresh_from_db()
    assert area.title == "Placements"


@pytest.mark.django_db
def test_export_and_import_round_trip_as_a_new_version(world):
    admin = world.user("admin")
    framework = Framework.objects.get(family="default", version=1)
    data = export_framework(framework)
    imported = authoring.import_framework(admin, json.dumps(data).encode())
    assert (imported.family, imported.version, imported.status) == ("default", 2, FrameworkStatus.DRAFT)
    again = export_framework(imported)
    assert again["areas"] == data["areas"]


@pytest.mark.django_db
def test_import_reports_every_problem_and_imports_nothing(world, client_for):
    bad = {
        "format": "partnership-portal/health-check-framework",
        "format_version": 1,
        "family": "Bad Family!",
        "name": "",
        "areas": [
            {
                "code": "A",
                "title": "One",
                "criteria": [
                    {"code": "A1", "statement": "Fine", "red": "r", "amber": "a", "green": "g"},
                    {"code": "A1", "statement": "", "red": "r", "amber": "a"},
                ],
            },
            {
                "code": "a",
                "title": "Two",
                "criteria": [
                    {
                        "code": "B1",
                        "statement": "s",
                        "red": "r",
                        "amber": "a",
                        "green": "g",
                        "metric": {"key": "no.such.figure", "green_at": 1},
                    },
                ],
            },
            {"code": "C", "title": "", "criteria": []},
        ],
    }
    before = Framework.objects.count()
    upload = SimpleUploadedFile("framework.json", json.dumps(bad).encode(), content_type="application/json")
    response = client_for("admin").post(reverse("healthcheck:framework_import"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    for expected in [
        "family must be a short name",
        "Framework: name is missing",
        "Area 1 (A), criterion 2 (A1): another criterion already has the code A1",
        "Area 1 (A), criterion 2 (A1): statement is missing",
        "what Green means is missing",
        "Area 2 (a): another area already has the code a",
        "there is no live figure called “no.such.figure”",
        "Area 3 (C): title is missing",
        "Area 3 (C): it needs at least one criterion",
    ]:
        assert expected in page, expected
    assert Framework.objects.count() == before


@pytest.mark.django_db
def test_a_file_that_is_not_json_says_where(world):
    with pytest.raises(FrameworkProblems) as exc:
        parse_framework(b'{"format": \n  oops}')
    assert exc.value.problems[0].startswith("Line 2, column")


@pytest.mark.django_db
def test_an_administrator_removes_criteria_and_areas_from_a_draft_only(world, client_for):
    client = client_for("admin")
    draft = hf.framework(family="drafty", status=FrameworkStatus.DRAFT)
    area = draft.areas.get(code="A")
    criterion = area.criteria.get(code="A1")
    assert (
        "Remove criterion A1?"
        in client.get(reverse("healthcheck:criterion_delete", args=[draft.pk, criterion.pk])).content.decode()
    )
    client.post(reverse("healthcheck:criterion_delete", args=[draft.pk, criterion.pk]))
    assert not Criterion.objects.filter(pk=criterion.pk).exists()
    client.post(reverse("healthcheck:area_delete", args=[draft.pk, area.pk]))
    assert list(draft.areas.values_list("code", flat=True)) == ["B"]
    published = hf.framework(family="fixed")
    fixed = published.areas.get(code="A")
    response = client.post(reverse("healthcheck:area_delete", args=[published.pk, fixed.pk]))
    assert response.status_code == 302
    assert published.areas.filter(pk=fixed.pk).exists()
    response = client.get(reverse("healthcheck:framework_export", args=[published.pk]))
    assert json.loads(response.content)["family"] == "fixed"
