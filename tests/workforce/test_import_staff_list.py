"""A pseudonymised staff list turned into a year's aggregates on import, then discarded; and the
portal's figures template. Totals here are worked by hand from the rows."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from portal.models import AuditEvent
from portal.storage import private_storage
from tests.factories import OrganisationFactory, PartnerFactory
from workforce.actions import Action
from workforce.importers.batch import discard_staff_lists, run_import, upload
from workforce.measures import Service
from workforce.models import FigureSource, ImportKind, ImportStatus, WorkforceFigures, WorkforceImport
from workforce.services import save_figures

pytestmark = pytest.mark.django_db

HEADER = "pseudonym,start_date,leaving_date,fte,role,agency"
# 2025/26 is counted at 30 September 2025; starters and leavers from 1 October 2024 to then.
ROWS = [
    "P1,2019-05-01,,1,experienced,no",  # in post all year: 1.0 experienced
    "P2,2024-11-04,2025-06-30,1,early career,no",  # started and left in the year: a starter and a leaver
    "P3,2025-01-06,,0.5,newly qualified,no",  # a half-time starter in their ASYE, in post
    "P4,2023-02-01,,1,senior,yes",  # agency: counted only as agency FTE
    "P5,2018-01-01,2025-09-30,0.8,senior,no",  # left on the count date: a leaver, not in post
    "P6,2025-10-01,,1,experienced,no",  # starts after the count date: not counted in 2025/26
]


def _csv(lines: list[str], name="staff.csv"):
    return SimpleUploadedFile(name, "\n".join([HEADER, *lines]).encode(), content_type="text/csv")


def _upload(world, lines=ROWS, role="lead", year="2025/26", service=Service.CHILDREN):
    return upload(
        world.user(role),
        world.partnership,
        file=_csv(lines),
        kind=ImportKind.STAFF_LIST,
        employer=world.employer,
        service=service,
        year=year,
    )


def test_a_staff_list_becomes_the_years_totals_by_hand(world):
    batch = _upload(world)
    assert batch.status == ImportStatus.CHECKED, batch.errors
    assert not WorkforceFigures.objects.exists()  # the preview writes nothing
    assert batch.totals == {
        "inpost_fte": "1.5",  # P1 1.0 + P3 0.5
        "inpost_headcount": "2",
        "starters_fte": "1.5",  # P2 1.0 + P3 0.5
        "leavers_fte": "1.8",  # P2 1.0 + P5 0.8
        "agency_fte": "1.0",  # P4
        "asye_headcount": "1",  # P3
        "stage_nq_fte": "0.5",
        "stage_early_fte": "0.0",
        "stage_experienced_fte": "1.0",
        "stage_senior_fte": "0.0",
    }
    result = run_import(world.user("lead"), batch)
    assert result.ok
    figures = WorkforceFigures.objects.get(employer=world.employer, service=Service.CHILDREN, year="2025/26")
    assert figures.source == FigureSource.STAFF_LIST
    assert (figures.inpost_fte, figures.inpost_headcount, figures.leavers_fte) == (Decimal("1.5"), 2, Decimal("1.8"))
    assert figures.agency_fte == Decimal("1.0") and figures.stage_nq_fte == Decimal("0.5")


def test_the_list_is_deleted_after_the_import_and_only_totals_are_kept(world, django_capture_on_commit_callbacks):
    batch = _upload(world)
    stored = batch.file.name
    assert private_storage().exists(stored)  # kept only between the check and the import
    with django_capture_on_commit_callbacks(execute=True):
        run_import(world.user("lead"), batch)
    batch.refresh_from_db()
    assert not batch.file and not private_storage().exists(stored)
    assert batch.status == ImportStatus.IMPORTED and batch.totals["inpost_fte"] == "1.5"
    event = AuditEvent.objects.get(action=Action.IMPORT_COMPLETED)
    assert "from a staff list of 6 posts" in event.summary and "the list was deleted" in event.summary
    assert "P1" not in str(event.changes) and "P1" not in event.summary


def test_the_import_keeps_the_years_other_figures(world):
    save_figures(
        world.user("lead"),
        world.partnership,
        world.employer,
        Service.CHILDREN,
        "2025/26",
        data={"vacancy_fte": Decimal("4.0"), "caseload_fte": Decimal("17.5")},
        base_revision=0,
    )
    run_import(world.user("lead"), _upload(world))
    figures = WorkforceFigures.objects.get(employer=world.employer, year="2025/26")
    assert figures.vacancy_fte == Decimal("4.0") and figures.caseload_fte == Decimal("17.5")
    assert figures.inpost_fte == Decimal("1.5") and figures.revision == 2


def test_every_bad_row_is_reported_by_line_and_the_file_is_not_kept(world):
    lines = [
        "P1,2019-05-01,,1,experienced,no",  # line 2: good
        "P1,2020-01-01,,1,senior,no",  # line 3: the same pseudonym
        "P3,2025-03-01,2025-01-01,1,senior,no",  # line 4: leaves before starting
        "P4,2024-01-01,,1.2,senior,no",  # line 5: FTE over 1
        "P5,2024-01-01,,0,senior,no",  # line 6: FTE 0
        "P6,2024-01-01,,1,manager,no",  # line 7: unknown role
        "P7,2024-01-01,,1,senior,perhaps",  # line 8: agency neither yes nor no
    ]
    batch = _upload(world, lines)
    assert batch.status == ImportStatus.HAS_ERRORS
    errors = dict((line, message) for line, message in batch.errors)
    assert sorted(errors) == [3, 4, 5, 6, 7, 8]
    assert errors[3] == "the same pseudonym as line 2 (one row per post)"
    assert errors[4] == "leaving_date is before start_date"
    assert errors[5] == errors[6] == "fte must be more than 0 and at most 1"
    assert errors[7] == "role 'manager' is not newly qualified, early career, experienced or senior"
    assert errors[8] == "agency 'perhaps' must be yes or no"
    assert not batch.file  # a list with errors is never imported, so it is not kept at all
    assert not WorkforceFigures.objects.exists()


def test_all_or_nothing_when_the_stored_list_is_checked_again(world):
    batch = _upload(world)
    # Someone else's change since the preview does not matter to a staff list, but an import that
    # is refused writes nothing: here the coordinator may not import for another employer.
    other = OrganisationFactory(name="Elsewhere Trust", kind="nhs-trust")
    PartnerFactory(partnership=world.partnership, organisation=other)
    with pytest.raises(PermissionDenied):
        upload(
            world.user("coordinator"),
            world.partnership,
            file=_csv(ROWS),
            kind=ImportKind.STAFF_LIST,
            employer=other,
            service=Service.OTHER,
            year="2025/26",
        )
    assert run_import(world.user("lead"), batch).ok
    with pytest.raises(Exception, match="already been imported"):
        run_import(world.user("lead"), batch)
    assert WorkforceFigures.objects.count() == 1


def test_an_unimported_list_is_deleted_within_a_day(world, frozen_clock, django_capture_on_commit_callbacks):
    import datetime as dt

    batch = _upload(world)
    stored = batch.file.name
    frozen_clock.shift(dt.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert discard_staff_lists(dt.date.today()) == 1
    batch.refresh_from_db()
    assert not batch.file and not private_storage().exists(stored)
    assert "no longer kept" in _refusal(world, batch)


def _refusal(world, batch) -> str:
    try:
        run_import(world.user("lead"), batch)
    except Exception as exc:
        return str(exc)
    return ""


def test_the_upload_page_says_the_list_is_not_kept(world, client_for):
    client = client_for("coordinator")
    page = client.get(reverse("workforce:import_staff_list", args=[world.partnership.slug]))
    assert "We do not keep the list" in page.content.decode()
    response = client.post(
        reverse("workforce:import_staff_list", args=[world.partnership.slug]),
        {"employer_service": f"{world.employer.pk}:{Service.CHILDREN}", "year": "2025/26", "file": _csv(ROWS)},
    )
    batch = WorkforceImport.objects.get()
    assert response.status_code == 302
    preview = client.get(reverse("workforce:import_detail", args=[batch.pk])).content.decode()
    assert "When you import, the staff list is deleted and only these totals are kept" in preview
    assert "30 September 2025" in preview
    client.post(reverse("workforce:import_detail", args=[batch.pk]))
    done = client.get(reverse("workforce:import_detail", args=[batch.pk])).content.decode()
    assert "The staff list has been deleted" in done


# --- The figures template ---------------------------------------------------------------------


def _xlsx(rows: list[list]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.create_sheet("Figures", 0)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(
        "figures.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def test_the_template_downloads_with_a_row_per_service_and_imports_back(world, client_for):
    client = client_for("lead")
    response = client.get(reverse("workforce:figures_template", args=[world.partnership.slug]), {"year": "2025/26"})
    book = load_workbook(io.BytesIO(response.content))
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert rows[0][:4] == ["employer", "service", "year", "inpost_fte"]
    services = {(r[0], r[1]) for r in rows[1:]}
    assert (world.employer.name, Service.ADULTS.value) in services
    header = rows[0]
    adults = next(r for r in rows[1:] if r[1] == Service.ADULTS.value)
    adults[header.index("inpost_fte")] = 84.5
    adults[header.index("vacancy_fte")] = "c"
    batch = upload(world.user("lead"), world.partnership, file=_xlsx([header, adults]), kind=ImportKind.TEMPLATE)
    assert batch.status == ImportStatus.CHECKED, batch.errors
    assert run_import(world.user("lead"), batch).ok
    figures = WorkforceFigures.objects.get(employer=world.employer, service=Service.ADULTS, year="2025/26")
    assert figures.inpost_fte == Decimal("84.5") and figures.vacancy_fte_symbol == "c"
    assert figures.source == FigureSource.TEMPLATE
    assert AuditEvent.objects.filter(action=Action.IMPORT_COMPLETED).count() == 1


def test_template_rows_are_checked_all_or_nothing(world):
    header = ["employer", "service", "year", "inpost_fte", "inpost_headcount"]
    rows = [
        header,
        [world.employer.name, "adults", "2025/26", 10, 11],  # line 2: good
        ["Nowhere Council", "adults", "2025/26", 10, 11],  # line 3
        [world.employer.name, "adults", "2025/26", 12, 12],  # line 4: the same as line 2
        [world.employer.name, "youth", "2025/26", "lots", 2.5],  # line 5
    ]
    batch = upload(world.user("lead"), world.partnership, file=_xlsx(rows), kind=ImportKind.TEMPLATE)
    errors = dict((line, message) for line, message in batch.errors)
    assert sorted(errors) == [3, 4, 5]
    assert "employer 'Nowhere Council' is not an employer in this partnership" in errors[3]
    assert "the same employer, service and year as line 2" in errors[4]
    assert "service 'youth' is not children, adults or other" in errors[5]
    assert "inpost_fte 'lots' is not a number" in errors[5] and "inpost_headcount must be a whole number" in errors[5]
    assert not run_import(world.user("lead"), batch).ok
    assert not WorkforceFigures.objects.exists()


def test_a_coordinator_imports_only_their_own_employers_rows(world):
    other = OrganisationFactory(name="Elsewhere Trust", kind="nhs-trust")
    PartnerFactory(partnership=world.partnership, organisation=other)
    rows = [["employer", "service", "year", "inpost_fte"], ["Elsewhere Trust", "other", "2025/26", 30]]
    batch = upload(world.user("coordinator"), world.partnership, file=_xlsx(rows), kind=ImportKind.TEMPLATE)
    assert batch.errors == [[2, "you can only import your own organisation's figures, not Elsewhere Trust's"]]
