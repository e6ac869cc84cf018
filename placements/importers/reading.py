"""Reading an uploaded file: its type, its header row and its data rows (CSV in the encodings and
separators spreadsheets save, or .xlsx streamed), with the limits that keep a huge or hostile file
cheap to refuse."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Generator, Iterator
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from openpyxl.utils import get_column_letter

from portal.files import check_upload, spreadsheet_rows

MAX_ROWS = 20_000

IMPORT_TYPES = {
    "text/csv": "CSV",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel (.xlsx)",
}


class FileProblem(ValidationError):
    """The file as a whole cannot be read (wrong type, no header, missing columns)."""


def _norm_header(value) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(value or "").strip().lower()).strip("_")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header(values) -> list[str]:
    """The header row's column names, normalised; a name given twice is refused (otherwise the
    later column would silently win)."""
    header = [_norm_header(h) for h in values]
    first: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if not name:
            continue
        if name in first:
            raise FileProblem(
                f"The first row names the column {name} twice (columns {get_column_letter(first[name])} and "
                f"{get_column_letter(position)}): keep one of them and upload the file again"
            )
        first[name] = position
    return header


def _too_many_rows() -> FileProblem:
    return FileProblem(
        f"The file has more than {MAX_ROWS:,} rows: import at most {MAX_ROWS:,} at a time (split it into smaller files)"
    )


def read_rows(fileobj, name: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, {column: text}) for each non-blank data row. The header is line 1.
    Rows are read as a stream, and reading stops, refusing the file, at the first row past
    MAX_ROWS, so a huge file costs no more than a full one."""
    fileobj.seek(0)
    count = 0
    if name.lower().endswith(".xlsx"):
        rows = _spreadsheet_rows(fileobj)
        try:
            header = _header(next(rows, (1, ()))[1])
            for number, values in rows:
                cells = [_cell(v) for v in values]
                if any(cells):
                    count += 1
                    if count > MAX_ROWS:
                        raise _too_many_rows()
                    yield number, dict(zip(header, cells, strict=False))
        finally:
            rows.close()
        return
    reader = _csv_reader(fileobj.read())
    try:
        header = _header(next(reader, []))
        # Report the line a row starts on (a quoted cell may run over several lines).
        start = reader.line_num + 1
        for values in reader:
            line, start = start, reader.line_num + 1
            cells = [v.strip() for v in values]
            if any(cells):
                count += 1
                if count > MAX_ROWS:
                    raise _too_many_rows()
                yield line, dict(zip(header, cells, strict=False))
    except csv.Error as exc:
        raise FileProblem(f"Line {reader.line_num} could not be read as CSV ({exc}): check its quotes") from exc


def _spreadsheet_rows(fileobj) -> Generator[tuple[int, tuple[Any, ...]], None, None]:
    # spreadsheet_rows is a generator function (declared as an Iterator): its close() ends the
    # read early and closes the workbook, which is why the callers here keep hold of it.
    return cast(Generator[tuple[int, tuple[Any, ...]], None, None], spreadsheet_rows(fileobj))


def _csv_reader(raw: bytes):
    """A csv reader over text in the encodings spreadsheets save CSV in: UTF-8 with or without a
    byte order mark, UTF-16 ("Unicode text"), else Windows-1252 (a superset of Latin-1); and with
    the separator the header row uses (comma, semicolon or tab)."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = raw.decode("utf-16", errors="replace")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise FileProblem("The file contains invalid characters: save it as CSV (UTF-8) and try again")
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter if first_line.count(delimiter) else ",")


def header_of(fileobj, name: str) -> list[str]:
    fileobj.seek(0)
    if name.lower().endswith(".xlsx"):
        rows = _spreadsheet_rows(fileobj)
        try:
            return _header(next(rows, (1, ()))[1])
        finally:
            rows.close()
    try:
        return _header(next(_csv_reader(fileobj.read()), []))
    except csv.Error as exc:
        raise FileProblem(f"The first line could not be read as CSV ({exc})") from exc


def check_file_type(upload) -> str:
    """CSV has no magic bytes: accept .csv text that decodes; .xlsx is checked by content."""
    name = upload.name.lower()
    if name.endswith(".csv"):
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise ValidationError(f"The file must be smaller than {settings.MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
        if upload.size == 0:
            raise ValidationError("The selected file is empty")
        head = upload.read(4096)
        upload.seek(0)
        utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        if (b"\x00" in head and not utf16) or head.startswith(b"PK"):
            raise ValidationError("The file must be a CSV or Excel (.xlsx) file. This file's content is neither.")
        return "text/csv"
    if name.endswith(".xlsx"):
        return check_upload(upload, allowed={k: v for k, v in IMPORT_TYPES.items() if k != "text/csv"})
    if name.endswith(".xls"):
        raise ValidationError("Files from old versions of Excel (.xls) cannot be read: save it as .xlsx or CSV")
    raise ValidationError("The file must be a CSV or Excel (.xlsx) file")
