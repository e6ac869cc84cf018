"""Hostile import files: a spreadsheet that unpacks to gigabytes, a huge shared-strings part,
more rows than an import takes, a sheet that declares itself enormous, a header row that names a
column twice. Each is refused with a message on the import page (or read only as far as needed)
and nothing is created."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from placements.importers import reading
from placements.models import ImportBatch, PracticeEducator
from tests import hostile_files as hostile

pytestmark = pytest.mark.django_db

HEADER = ["email", "full_name", "employer", "peps_stage", "qualified_on"]


def _row(n: int) -> str:
    return hostile.row([f"pe{n}@matrix.test", f"Pat {n}", "", "1", "2021-01-01"])


def _upload(client, data: bytes, name="educators.xlsx", kind="educators"):
    upload = SimpleUploadedFile(name, data)
    return client.post("/placements/partnership/matrix-tp/import/", {"kind": kind, "file": upload}, follow=True)


def _page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_a_sheet_that_unpacks_to_a_gigabyte_is_refused_before_it_is_opened(world, client_for):
    # Real limits: 1 GB of empty rows packs into about 1.5 MB. Before, openpyxl padded each row to
    # the declared A1:XFD1048576 and the importer read them all: 13 minutes and 17 GB in the probe.
    data = hostile.xlsx(HEADER, hostile.empty_rows(1024), dimension="A1:XFD1048576")
    assert len(data) < 2 * 1024 * 1024
    started = time.monotonic()
    page = _page(_upload(client_for("lead"), data))
    assert time.monotonic() - started < 5
    assert "The spreadsheet is too large once unpacked: its part xl/worksheets/sheet1.xml is 1,024 MB" in page
    assert "Save it as CSV or split it into smaller files." in page
    assert not ImportBatch.objects.exists()
    assert not PracticeEducator.objects.exists()


def test_a_part_that_unpacks_far_more_than_a_spreadsheet_packs_is_refused(world, client_for):
    # Real limits: 10 MB of empty rows is under the size limit, but packs about 700 to 1.
    data = hostile.xlsx(HEADER, hostile.empty_rows(10))
    page = _page(_upload(client_for("lead"), data))
    assert "is too large once unpacked: its part xl/worksheets/sheet1.xml unpacks" in page
    assert "times larger than it is packed (at most 200 times)" in page
    assert not ImportBatch.objects.exists()


def test_a_huge_shared_strings_part_is_refused(world, client_for, settings):
    # openpyxl reads the shared strings whole, so they have a lower limit than a worksheet. The
    # ratio check is set aside here to show the size limit alone refuses it.
    settings.UPLOAD_ARCHIVE_MAX_RATIO = 10_000
    settings.UPLOAD_ARCHIVE_MAX_WHOLE_PART_BYTES = 2 * 1024 * 1024
    data = hostile.xlsx(HEADER, [_row(2)], shared_strings=hostile.shared_strings(3))
    page = _page(_upload(client_for("lead"), data))
    assert "its part xl/sharedStrings.xml is 3 MB (at most 2 MB)" in page
    assert not ImportBatch.objects.exists()


def test_a_large_sheet_is_allowed_more_than_a_part_read_whole(world, client_for, settings, monkeypatch):
    # The same limits let a 3 MB worksheet through: worksheets are read as a stream. A low row
    # limit makes the reader stop early, so the test shows the size check passed without
    # spending seconds parsing 20,000 rows (which could trip the read-time limit on a busy machine).
    settings.UPLOAD_ARCHIVE_MAX_WHOLE_PART_BYTES = 2 * 1024 * 1024
    monkeypatch.setattr(reading, "MAX_ROWS", 50)
    rows = "".join(_row(n) for n in range(2, 30_000))
    assert len(rows) > 3 * 1024 * 1024
    data = hostile.xlsx(HEADER, [rows], dimension=None)
    page = _page(_upload(client_for("lead"), data))
    assert "too large once unpacked" not in page
    assert "The file has more than 50 rows" in page  # refused for its rows instead


def test_more_rows_than_the_limit_are_refused_without_reading_on(world, client_for, monkeypatch):
    # Past the limit the sheet is broken XML: refused for its rows (not as unreadable) shows the
    # reader stopped at the first row over the limit. (The sheet declares its size: without that
    # openpyxl reads the whole sheet once to find it, which the size limits bound.)
    monkeypatch.setattr(reading, "MAX_ROWS", 50)
    body = [_row(n) for n in range(2, 60)] + ["<row><c><v>1</v></c></row><broken"]
    page = _page(_upload(client_for("lead"), hostile.xlsx(HEADER, body, dimension="A1:E60", tail="")))
    assert "The file has more than 50 rows: import at most 50 at a time (split it into smaller files)" in page
    assert not ImportBatch.objects.exists()
    assert not PracticeEducator.objects.exists()


def test_a_csv_over_the_real_row_limit_is_refused_at_the_first_row_past_it(world, client_for):
    lines = [",".join(HEADER)] + [f"pe{n}@matrix.test,Pat {n},,1,2021-01-01" for n in range(20_001)]
    lines.append('"an unclosed quote' + "x" * 200_000)  # never reached
    data = "\n".join(lines).encode()
    page = _page(_upload(client_for("lead"), data, name="educators.csv"))
    assert "The file has more than 20,000 rows: import at most 20,000 at a time" in page
    assert not ImportBatch.objects.exists()


def test_a_sheet_declared_enormous_is_read_only_as_far_as_its_rows(world, client_for):
    # Real limits. A 2 KB file: 2 rows of data inside a declared A1:XFD1048576, then a row at the
    # very bottom. Before, every one of the 1,048,576 rows came back padded to 16,384 cells.
    body = [_row(2), _row(3), '<row r="1048576"><c t="inlineStr"><is><t>x</t></is></c></row>']
    data = hostile.xlsx(HEADER, body, dimension="A1:XFD1048576")
    started = time.monotonic()
    page = _page(_upload(client_for("lead"), data))
    assert time.monotonic() - started < 10
    assert "Every row is good" in page
    assert ImportBatch.objects.get().row_count == 2


def test_a_long_run_of_empty_rows_ends_the_data(world, client_for, settings):
    settings.SPREADSHEET_MAX_BLANK_ROWS = 5
    body = [_row(2), _row(3), "<row/>" * 4, _row(8), "<row/>" * 5, _row(14)]
    _upload(client_for("lead"), hostile.xlsx(HEADER, body))
    assert ImportBatch.objects.get().row_count == 3  # rows 2, 3 and 8; row 14 is past the run


def test_a_spreadsheet_that_reads_too_slowly_is_refused(world, client_for, settings):
    settings.SPREADSHEET_MAX_SECONDS = 0
    page = _page(_upload(client_for("lead"), hostile.xlsx(HEADER, [_row(2), _row(3)])))
    assert "The spreadsheet took too long to read (over 0 seconds, stopped at row 2)" in page
    assert not ImportBatch.objects.exists()


def test_a_stored_file_is_checked_again_when_it_is_imported(world, client_for, settings):
    # A file checked under roomier limits (or before they existed) is guarded again at import.
    client = client_for("lead")
    _upload(client, hostile.xlsx(HEADER, [_row(2)]))
    batch = ImportBatch.objects.get()
    settings.UPLOAD_ARCHIVE_MAX_MEMBER_BYTES = 100
    response = client.post(f"/placements/imports/{batch.pk}/", follow=True)
    page = _page(response)
    assert (
        "The spreadsheet is too large once unpacked: its part [Content_Types].xml is 540 bytes (at most 100 bytes)"
        in page
    )
    assert not PracticeEducator.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_header_row_that_names_a_column_twice_is_refused(world, client_for, fmt):
    # "Email" and "email " both mean the email column: the later one used to win silently.
    header = ["Email", "full_name", "employer", "peps_stage", "email ", "qualified_on"]
    values = ["pe.one@matrix.test", "Pat One", "", "1", "pe.other@matrix.test", "2021-01-01"]
    if fmt == "csv":
        data = (",".join(header) + "\n" + ",".join(values) + "\n").encode()
    else:
        data = hostile.xlsx(header, [hostile.row(values)])
    page = _page(_upload(client_for("lead"), data, name=f"educators.{fmt}"))
    assert "The first row names the column email twice (columns A and E)" in page
    assert not ImportBatch.objects.exists()
    assert not PracticeEducator.objects.exists()


def test_columns_without_a_name_may_repeat(world, client_for):
    data = b"email,full_name,,peps_stage,qualified_on,\npe.one@matrix.test,Pat One,,1,2021-01-01,\n"
    assert "Every row is good" in _page(_upload(client_for("lead"), data, name="educators.csv"))
