"""Imports (preview, every bad row with its line number, all or nothing, re-import updates,
CSV and XLSX) and exports."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from placements.importers.batch import COLUMNS
from placements.models import ImportBatch, Placement, PlacementOffer, PracticeEducator, Student
from tests.access import through_export
from tests.placements.factories import AcademicYearFactory, EducatorFactory, OfferFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

OFFER_HEADER = (
    "employer,team,service_area,statutory,stage,academic_year,places,practice_educator_email,starts_on,ends_on\n"
)


def _csv(text: str, name="offers.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def _xlsx(rows: list[list], name="offers.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook opens on its one worksheet
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def _upload(client, kind, upload):
    return client.post("/placements/partnership/matrix-tp/import/", {"kind": kind, "file": upload}, follow=True)


def test_a_good_file_is_previewed_then_imported(world, client_for):
    client = client_for("lead")
    text = OFFER_HEADER + (
        "Matrix Borough Council,Children's Assessment,children,yes,final,2026/27,3,,2027-01-11,2027-06-04\n"
        "Matrix Borough Council,Adults Duty,adults,no,first,2026/27,2,,11/01/2027,04/06/2027\n"
    )
    response = _upload(client, "offers", _csv(text))
    html = response.content.decode()
    assert "Every row is good" in html
    assert PlacementOffer.objects.count() == 0  # nothing written at the preview
    batch = ImportBatch.objects.get()
    assert (batch.row_count, batch.to_create, batch.to_update) == (2, 2, 0)
    response = client.post(f"/placements/imports/{batch.pk}/", follow=True)
    assert "2 added, 0 updated" in response.content.decode()
    assert PlacementOffer.objects.count() == 2
    # The year did not exist: importing created it.
    assert PlacementOffer.objects.get(team="Adults Duty").academic_year.label == "2026/27"


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(world, client_for):
    client = client_for("lead")
    text = OFFER_HEADER + (
        "Matrix Borough Council,Good Team,children,yes,final,2026/27,3,,,\n"
        "Nowhere Council,Team B,children,yes,final,2026/27,3,,,\n"
        "\n"
        "Matrix Borough Council,Team C,space,maybe,final,2026/28,0,,,\n"
        "Matrix Borough Council,Good Team,children,yes,final,2026/27,3,,,\n"
        "Matrix Borough Council,Team D,children,yes,final,2026/27,2,nobody@example.org,2027-02-01,2027-01-01\n"
    )
    response = _upload(client, "offers", _csv(text))
    html = response.content.decode()
    batch = ImportBatch.objects.get()
    lines = {line: message for line, message in batch.errors}
    assert set(lines) == {3, 5, 6, 7}
    assert "Employer 'Nowhere Council' is not an employer in this partnership" in lines[3]
    assert "Service area 'space' is not one of" in lines[5]
    assert "Statutory 'maybe' must be yes or no" in lines[5]
    assert "Academic year '2026/28' must look like 2026/27" in lines[5]
    assert "Places must be between 1 and 500" in lines[5]
    assert "Repeats the offer on line 2" in lines[6]
    assert "No practice educator with email nobody@example.org" in lines[7]
    assert "The block must end on or after it starts" in lines[7]
    assert "Line 3" in html and "nothing has been imported" in html
    problems = client.get(f"/placements/imports/{batch.pk}/?export=csv").content.decode("utf-8-sig").splitlines()
    assert problems[0] == "line,problem" and problems[1].startswith("3,Employer 'Nowhere Council'")
    # Importing a checked file with errors is refused; nothing is written.
    client.post(f"/placements/imports/{batch.pk}/")
    assert PlacementOffer.objects.count() == 0


def test_reimporting_updates_instead_of_duplicating(world, client_for):
    client = client_for("lead")
    first = OFFER_HEADER + "Matrix Borough Council,Children's Assessment,children,yes,final,2026/27,3,,,\n"
    _upload(client, "offers", _csv(first))
    client.post(f"/placements/imports/{ImportBatch.objects.latest('id').pk}/")
    again = OFFER_HEADER + "matrix borough council,CHILDREN'S ASSESSMENT,children,yes,final,2026/27,5,,,\n"
    _upload(client, "offers", _csv(again))
    batch = ImportBatch.objects.latest("id")
    assert (batch.to_create, batch.to_update) == (0, 1)
    client.post(f"/placements/imports/{batch.pk}/")
    offer = PlacementOffer.objects.get()
    assert offer.places == 5


def test_xlsx_import_with_real_dates(world, client_for):
    import datetime as dt

    client = client_for("lead")
    rows = [
        ["email", "full_name", "employer", "peps_stage", "qualified_on", "last_student_on", "last_cpd_on"],
        [
            "pe.one@matrix.test",
            "Pat One",
            "Matrix Borough Council",
            2,
            dt.datetime(2021, 6, 30),
            dt.date(2025, 5, 30),
            "2026-03-12",
        ],
        ["pe.two@matrix.test", "Pat Two", "", 1.0, "30/06/2022", None, None],
    ]
    response = _upload(client, "educators", _xlsx(rows, "educators.xlsx"))
    assert "Every row is good" in response.content.decode()
    client.post(f"/placements/imports/{ImportBatch.objects.get().pk}/")
    one = PracticeEducator.objects.get(email="pe.one@matrix.test")
    assert (one.peps_stage, one.qualified_on, one.last_student_on) == (2, dt.date(2021, 6, 30), dt.date(2025, 5, 30))
    assert PracticeEducator.objects.get(email="pe.two@matrix.test").employer is None
    assert set(world.partnership.practice_educators.values_list("email", flat=True)) == {
        "pe.one@matrix.test",
        "pe.two@matrix.test",
    }


def test_xlsx_errors_carry_the_spreadsheet_row_number(world, client_for):
    rows = [
        ["email", "full_name", "employer", "peps_stage", "qualified_on"],
        ["ok@matrix.test", "Ok", "", 1, "2021-01-01"],
        ["not-an-email", "Bad", "", 3, "yesterday"],
    ]
    _upload(client_for("lead"), "educators", _xlsx(rows, "educators.xlsx"))
    ((line, message),) = ImportBatch.objects.get().errors
    assert line == 3
    assert "Email 'not-an-email' is not a valid email address" in message
    assert "PEPS stage must be between 1 and 2" in message
    assert "Date qualified 'yesterday' is not a date" in message


def test_students_with_placements_respect_capacity_and_overlap(world, client_for):
    year = AcademicYearFactory(label="2026/27")
    ProgrammeFactory(partnership=world.partnership, university=world.university, name="BA Social Work")
    OfferFactory(partnership=world.partnership, employer=world.employer, academic_year=year, team="Duty", places=1)
    header = (
        "reference,university,programme,final_year,placement_employer,placement_team,placement_year,"
        "placement_stage,placement_starts_on,placement_ends_on,status\n"
    )
    row = "{ref},University of Matrix,BA Social Work,2026/27,Matrix Borough Council,Duty,2026/27,final,{s},{e},confirmed\n"
    text = (
        header
        + row.format(ref="S1", s="2027-01-11", e="2027-06-04")
        + row.format(ref="S2", s="2027-01-11", e="2027-06-04")
    )
    _upload(client_for("lead"), "students", _csv(text, "students.csv"))
    batch = ImportBatch.objects.get()
    assert batch.errors == [[3, "Duty has no place left: 1 places, 0 already taken and 2 more in this file"]]
    assert Student.objects.count() == 0
    good = (
        header
        + row.format(ref="S1", s="2027-01-11", e="2027-06-04")
        + "S2,University of Matrix,BA Social Work,2026/27,,,,,,,\n"
    )
    client = client_for("lead")
    _upload(client, "students", _csv(good, "students.csv"))
    batch = ImportBatch.objects.latest("id")
    assert batch.errors == []
    client.post(f"/placements/imports/{batch.pk}/")
    assert Student.objects.count() == 2
    placement = Placement.objects.get()
    assert (placement.student.reference, placement.status) == ("S1", "confirmed")
    # Re-importing the same file updates: no duplicate students or placements, no over-allocation error.
    _upload(client, "students", _csv(good, "students.csv"))
    again = ImportBatch.objects.latest("id")
    assert again.errors == [] and (again.to_create, again.to_update) == (0, 2)
    client.post(f"/placements/imports/{again.pk}/")
    assert Student.objects.count() == 2 and Placement.objects.count() == 1


def test_a_file_changed_between_check_and_import_writes_nothing(world, client_for):
    """The import re-checks under lock: if data changed since the preview, nothing is written."""
    year = AcademicYearFactory(label="2026/27")
    ProgrammeFactory(partnership=world.partnership, university=world.university, name="BA Social Work")
    offer = OfferFactory(
        partnership=world.partnership, employer=world.employer, academic_year=year, team="Duty", places=1
    )
    text = (
        "reference,university,programme,final_year,placement_employer,placement_team,placement_year,placement_stage,"
        "placement_starts_on,placement_ends_on\n"
        "S9,University of Matrix,BA Social Work,2026/27,,,,,,\n"
        "S1,University of Matrix,BA Social Work,2026/27,Matrix Borough Council,Duty,2026/27,final,2027-01-11,2027-06-04\n"
    )
    client = client_for("lead")
    _upload(client, "students", _csv(text, "students.csv"))
    batch = ImportBatch.objects.get()
    assert batch.status == "checked"
    from tests.placements.factories import PlacementFactory

    PlacementFactory(offer=offer)  # someone takes the last place meanwhile
    response = client.post(f"/placements/imports/{batch.pk}/", follow=True)
    assert "nothing was imported" in response.content.decode()
    assert not Student.objects.filter(reference__in=["S1", "S9"]).exists()


def test_wrong_file_types_and_missing_columns_are_refused(world, client_for):
    client = client_for("lead")
    response = _upload(client, "offers", SimpleUploadedFile("offers.pdf", b"%PDF-1.4 hello"))
    assert "must be a CSV or Excel (.xlsx) file" in response.content.decode()
    response = _upload(client, "offers", SimpleUploadedFile("offers.xlsx", b"not really a spreadsheet"))
    assert "There is a problem" in response.content.decode()
    response = _upload(client, "offers", _csv("employer,team\nX,Y\n"))
    assert "Missing: service_area, statutory, stage, academic_year, places" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_an_employers_coordinator_imports_only_their_own_offers(world, client_for):
    from tests import factories as f

    f.PartnerFactory(partnership=world.partnership, organisation=f.OrganisationFactory(name="Other Council"))
    text = OFFER_HEADER + "Other Council,Team,children,yes,final,2026/27,1,,,\n"
    _upload(client_for("coordinator"), "offers", _csv(text))
    assert ImportBatch.objects.get().errors == [[2, "You can only import offers for Matrix Borough Council"]]


def test_ten_thousand_rows_check_and_import_in_one_request(world, client_for):
    client = client_for("lead")
    rows = "".join(f"Matrix Borough Council,Team {i},children,yes,final,2026/27,1,,,\n" for i in range(10_000))
    response = _upload(client, "offers", _csv(OFFER_HEADER + rows))
    assert "Every row is good" in response.content.decode()
    client.post(f"/placements/imports/{ImportBatch.objects.get().pk}/")
    assert PlacementOffer.objects.count() == 10_000


def test_templates_download_in_both_formats(world, client_for):
    client = client_for("member")
    response = client.get("/placements/import-templates/offers.csv")
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header[:3] == ["employer", "team", "service_area"]
    response = client.get("/placements/import-templates/educators.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:2] == ["email", "full_name"]
    assert client.get("/placements/import-templates/nothing.csv").status_code == 404


def test_lists_export_to_csv_and_xlsx(world, client_for):
    year = AcademicYearFactory(label="2026/27")
    OfferFactory(partnership=world.partnership, employer=world.employer, academic_year=year, team="=HYPERLINK(1)")
    OfferFactory(partnership=world.other_partnership, academic_year=year, team="Hidden Team")
    EducatorFactory(full_name="Pat Export", employer=world.employer, partnership=world.partnership)
    client = client_for("member")
    response = client.get("/placements/offers/?export=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["employer", "team"]
    assert [r[1] for r in rows[1:]] == ["'=HYPERLINK(1)"]  # formula neutralised, other partnership absent
    response = client.get("/practice-educators/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][1] == "Pat Export" and values[1][8] == "Current"
    # Rows per student are for coordinators and leads (tests/security/test_student_exports.py).
    response = client_for("coordinator").get("/placements/students/?export=csv")
    assert response.content.decode("utf-8-sig").startswith("reference,name,university")
    response = through_export(client_for("coordinator").get("/placements/?export=xlsx"))
    assert load_workbook(io.BytesIO(response.content)).active["A1"].value == "Partnership"


def test_exported_offers_reimport_cleanly(world, client_for):
    """The offers export uses the import's columns, so a download can be edited and uploaded."""
    year = AcademicYearFactory(label="2026/27")
    OfferFactory(
        partnership=world.partnership, employer=world.employer, academic_year=year, team="Round Trip", places=2
    )
    client = client_for("lead")
    exported = client.get("/placements/offers/?export=csv").content
    upload = SimpleUploadedFile("export.csv", exported)
    _upload(client, "offers", upload)
    batch = ImportBatch.objects.get()
    assert batch.errors == [] and (batch.to_create, batch.to_update) == (0, 1)
    assert COLUMNS  # the columns used by both


STUDENT_HEADER = (
    "reference,university,programme,final_year,placement_employer,placement_team,placement_year,"
    "placement_stage,placement_starts_on,placement_ends_on,status\n"
)


def test_ten_thousand_students_with_placements_import_and_reimport_without_duplicates(world, client_for):
    year = AcademicYearFactory(label="2026/27")
    ProgrammeFactory(partnership=world.partnership, university=world.university, name="BA Social Work")
    for t in range(100):
        OfferFactory(
            partnership=world.partnership, employer=world.employer, academic_year=year, team=f"Team {t}", places=100
        )
    rows = "".join(
        f"S{i:05d},University of Matrix,BA Social Work,2026/27,Matrix Borough Council,Team {i % 100},2026/27,"
        "final,2027-01-11,2027-06-04,confirmed\n"
        for i in range(10_000)
    )
    client = client_for("lead")
    _upload(client, "students", _csv(STUDENT_HEADER + rows, "students.csv"))
    batch = ImportBatch.objects.get()
    assert (batch.errors, batch.to_create, batch.to_update) == ([], 10_000, 0)
    client.post(f"/placements/imports/{batch.pk}/")
    assert Student.objects.count() == 10_000 and Placement.objects.count() == 10_000
    _upload(client, "students", _csv(STUDENT_HEADER + rows, "students.csv"))
    again = ImportBatch.objects.latest("id")
    assert (again.errors, again.to_create, again.to_update) == ([], 0, 10_000)
    client.post(f"/placements/imports/{again.pk}/")
    assert Student.objects.count() == 10_000 and Placement.objects.count() == 10_000


def _offer_row(employer="Matrix Borough Council", team="Duty Team"):
    return f"{employer},{team},children,yes,final,2026/27,2,,,\n"


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b"\xef\xbb\xbf"), ("utf-8", b""), ("cp1252", b""), ("latin-1", b""), ("utf-16", b"")],
)
def test_files_saved_in_any_common_encoding_import_correctly(world, client_for, encoding, bom):
    from tests import factories as f

    f.PartnerFactory(partnership=world.partnership, organisation=f.OrganisationFactory(name="Sainte-Hélène Council"))
    text = OFFER_HEADER + _offer_row("Sainte-Hélène Council", "Équipe Brontë")
    upload = SimpleUploadedFile("offers.csv", bom + text.encode(encoding))
    client = client_for("lead")
    html = _upload(client, "offers", upload).content.decode()
    assert "Every row is good" in html, html[:2000]
    client.post(f"/placements/imports/{ImportBatch.objects.get().pk}/")
    offer = PlacementOffer.objects.get()
    assert (offer.employer.name, offer.team) == ("Sainte-Hélène Council", "Équipe Brontë")


def test_semicolon_and_tab_separated_files_import(world, client_for):
    client = client_for("lead")
    for separator, team in [(";", "Semicolon Team"), ("\t", "Tab Team")]:
        text = (OFFER_HEADER + _offer_row(team=team)).replace(",", separator)
        html = _upload(client, "offers", _csv(text)).content.decode()
        assert "Every row is good" in html
        client.post(f"/placements/imports/{ImportBatch.objects.latest('id').pk}/")
    assert set(PlacementOffer.objects.values_list("team", flat=True)) == {"Semicolon Team", "Tab Team"}


def test_a_row_with_a_cell_over_several_lines_is_reported_by_the_line_it_starts_on(world, client_for):
    text = OFFER_HEADER + 'Matrix Borough Council,"Team\nwith a long\nname",children,yes,final,2026/27,2,,,\n'
    text += "Nowhere,Team,children,yes,final,2026/27,2,,,\n"
    _upload(client_for("lead"), "offers", _csv(text))
    assert [line for line, _ in ImportBatch.objects.get().errors] == [5]


def test_negative_numbers_and_impossible_dates_are_reported(world, client_for):
    text = OFFER_HEADER + "Matrix Borough Council,Team,children,yes,final,2026/27,-3,,31/02/2027,\n"
    _upload(client_for("lead"), "offers", _csv(text))
    ((line, message),) = ImportBatch.objects.get().errors
    assert line == 2
    assert "Places must be between 1 and 500" in message
    assert "Block start '31/02/2027' is not a date" in message


def test_files_over_the_size_limit_and_old_excel_files_are_refused(world, client_for, settings):
    client = client_for("lead")
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    big = OFFER_HEADER + _offer_row() * 30_000
    response = _upload(client, "offers", _csv(big))
    assert "The file must be smaller than 1 MB" in response.content.decode()
    response = _upload(client, "offers", SimpleUploadedFile("offers.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100))
    assert "old versions of Excel (.xls) cannot be read: save it as .xlsx or CSV" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_a_file_the_csv_reader_cannot_parse_gets_a_message_not_an_error_page(world, client_for):
    huge_cell = "x" * 200_000
    text = OFFER_HEADER + f'Matrix Borough Council,"{huge_cell}",children,yes,final,2026/27,2,,,\n'
    response = _upload(client_for("lead"), "offers", _csv(text))
    assert response.status_code == 200
    assert "could not be read as CSV" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_a_reimport_writes_only_what_changed_and_says_so(world, client_for):
    year = AcademicYearFactory(label="2026/27")
    ProgrammeFactory(partnership=world.partnership, university=world.university, name="BA Social Work")
    OfferFactory(partnership=world.partnership, employer=world.employer, academic_year=year, team="Duty", places=5)
    header = "reference,name," + STUDENT_HEADER.split(",", 1)[1]
    row = "{ref},{name},University of Matrix,BA Social Work,2026/27,Matrix Borough Council,Duty,2026/27,final,2027-01-11,2027-06-04,{status}\n"
    client = client_for("lead")

    def run(text):
        _upload(client, "students", _csv(header + text, "students.csv"))
        batch = ImportBatch.objects.latest("id")
        return client.post(f"/placements/imports/{batch.pk}/", follow=True).content.decode()

    rows = [("S1", "Ann", "confirmed"), ("S2", "Ben", "confirmed"), ("S3", "Cy", "confirmed")]
    run("".join(row.format(ref=r, name=n, status=s) for r, n, s in rows))
    # S1 renamed, S2's placement now in progress, S3 as it was.
    html = run(
        row.format(ref="S1", name="Anne", status="confirmed")
        + row.format(ref="S2", name="Ben", status="in-progress")
        + row.format(ref="S3", name="Cy", status="confirmed")
    )
    assert "0 added, 2 updated, 1 already up to date" in html
    s1, s2, s3 = Student.objects.order_by("reference")
    assert (s1.name, s1.revision, s3.revision) == ("Anne", 2, 1)
    placement = Placement.objects.get(student=s2)
    assert (placement.status, placement.revision) == ("in-progress", 2)
    assert Placement.objects.get(student=s3).revision == 1


def test_importing_a_completed_placement_keeps_its_practice_educator_current(world, client_for):
    import datetime as dt

    year = AcademicYearFactory(label="2025/26")
    ProgrammeFactory(partnership=world.partnership, university=world.university, name="BA Social Work")
    educator = EducatorFactory(
        employer=world.employer, partnership=world.partnership, last_student_on=dt.date(2024, 5, 1)
    )
    OfferFactory(
        partnership=world.partnership,
        employer=world.employer,
        academic_year=year,
        team="Duty",
        practice_educator=educator,
    )
    text = STUDENT_HEADER + (
        "S1,University of Matrix,BA Social Work,2025/26,Matrix Borough Council,Duty,2025/26,final,"
        "2026-01-12,2026-06-05,completed\n"
    )
    client = client_for("lead")
    _upload(client, "students", _csv(text, "students.csv"))
    client.post(f"/placements/imports/{ImportBatch.objects.get().pk}/")
    educator.refresh_from_db()
    assert educator.last_student_on == dt.date(2026, 6, 5)
