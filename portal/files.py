"""Uploaded files: checking them on the way in, streaming them (privately) on the way out."""

from __future__ import annotations

import mimetypes
import time
import zipfile
from collections.abc import Iterator

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from openpyxl import load_workbook
from openpyxl.xml.functions import fromstring

from portal.storage import private_storage

# What evidence may be: PDF, Word, Excel, images. Checked by content (magic bytes), not by name.
EVIDENCE_TYPES = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/msword": "Word",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.ms-excel": "Excel",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "image/gif": "GIF image",
    "image/webp": "WebP image",
}
_OOXML_BY_EXTENSION = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# The names a file of each type may have. A name that says one type over content of another (an
# image called minutes.docx, or a file made to be read as two types) is refused: whoever downloads
# it would open it by its name.
EXTENSIONS = {
    "application/pdf": {"pdf"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"docx"},
    "application/msword": {"doc"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"xlsx"},
    "application/vnd.ms-excel": {"xls"},
    "image/png": {"png"},
    "image/jpeg": {"jpg", "jpeg", "jpe", "jfif"},
    "image/gif": {"gif"},
    "image/webp": {"webp"},
}


def check_upload(upload, allowed: dict[str, str] = EVIDENCE_TYPES, max_bytes: int | None = None) -> str:
    """Return the detected content type, or raise ValidationError with a message for the user."""
    max_bytes = max_bytes or settings.MAX_UPLOAD_BYTES
    if upload.size > max_bytes:
        raise ValidationError(f"The file must be smaller than {max_bytes // (1024 * 1024)} MB")
    if upload.size == 0:
        raise ValidationError("The selected file is empty")
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    detected = kind.mime if kind else None
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if detected == "application/zip" and extension in _OOXML_BY_EXTENSION:
        # .docx and .xlsx are zip files; the extension says which, the zip signature confirms it.
        detected = _OOXML_BY_EXTENSION[extension]
    if detected == "application/x-ole-storage" and extension in {"doc", "xls"}:
        detected = "application/msword" if extension == "doc" else "application/vnd.ms-excel"
    if detected not in allowed:
        names = ", ".join(sorted(set(allowed.values())))
        raise ValidationError(f"The file must be one of: {names}. This file's content is not one of those.")
    if extension and extension not in EXTENSIONS.get(detected, {extension}):
        raise ValidationError(
            f"The file's name ends in .{extension} but its content is a {allowed[detected]} file. "
            "Save it with the right type, then upload it again."
        )
    if detected in _OOXML_BY_EXTENSION.values():
        check_archive(upload, spreadsheet=detected == _OOXML_BY_EXTENSION["xlsx"])
    return detected


# --- Zip archives (Word and Excel files) ------------------------------------------------------
# A zip archive declares each part's unpacked size in its central directory, and Python's zipfile
# never hands out more than the declared size (a part that inflates further fails its checksum).
# So checking the declared sizes, which costs a read of the directory only, bounds what any reader
# (openpyxl included) can unpack, before it starts.

_WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_CONTENT_TYPES_PART = "[Content_Types].xml"
_RATIO_CHECKED_ABOVE = 1024 * 1024  # small parts may compress very well without harm


def _mb(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:,.0f} KB"
    return f"{size / (1024 * 1024):,.0f} MB"


def check_archive(fileobj, *, spreadsheet: bool = False) -> None:
    """Refuse a zip-based upload (.docx, .xlsx) whose parts would unpack too large, without
    unpacking it. For a spreadsheet, the parts openpyxl reads whole (shared strings, styles) have a
    lower limit than worksheets, which it reads as a stream. Limits are in settings."""
    noun = "spreadsheet" if spreadsheet else "file"
    advice = "Save it as CSV or split it into smaller files." if spreadsheet else "Save it smaller or split it."

    def refuse(detail: str):
        raise ValidationError(f"The {noun} is too large once unpacked: {detail}. {advice}")

    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.infolist()
            if len(members) > settings.UPLOAD_ARCHIVE_MAX_MEMBERS:
                refuse(f"it holds {len(members):,} parts (at most {settings.UPLOAD_ARCHIVE_MAX_MEMBERS:,})")
            worksheets = _worksheet_parts(archive) if spreadsheet else set()
    except zipfile.BadZipFile as exc:
        raise ValidationError(f"The {noun} could not be read: it is damaged or not really a {noun}") from exc
    finally:
        fileobj.seek(0)
    total = 0
    for member in members:
        total += member.file_size
        limit = settings.UPLOAD_ARCHIVE_MAX_MEMBER_BYTES
        if spreadsheet and member.filename not in worksheets:
            limit = min(limit, settings.UPLOAD_ARCHIVE_MAX_WHOLE_PART_BYTES)
        if member.file_size > limit:
            refuse(f"its part {member.filename[:80]} is {_mb(member.file_size)} (at most {_mb(limit)})")
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_CHECKED_ABOVE and ratio > settings.UPLOAD_ARCHIVE_MAX_RATIO:
            refuse(
                f"its part {member.filename[:80]} unpacks {ratio:,.0f} times larger than it is packed "
                f"(at most {settings.UPLOAD_ARCHIVE_MAX_RATIO:,} times)"
            )
    if total > settings.UPLOAD_ARCHIVE_MAX_TOTAL_BYTES:
        refuse(f"{_mb(total)} in all (at most {_mb(settings.UPLOAD_ARCHIVE_MAX_TOTAL_BYTES)})")


def _worksheet_parts(archive: zipfile.ZipFile) -> set[str]:
    """The parts [Content_Types].xml declares as worksheets (read as a stream, so allowed to be
    larger). The manifest itself is read whole, so it is size-checked first."""
    try:
        info = archive.getinfo(_CONTENT_TYPES_PART)
    except KeyError:
        return set()
    if info.file_size > settings.UPLOAD_ARCHIVE_MAX_WHOLE_PART_BYTES:
        return set()  # refused with the other parts read whole
    # openpyxl's own parser (defusedxml when installed): it parses this same part next anyway.
    try:
        root = fromstring(archive.read(info))
    except Exception:  # noqa: BLE001 - any parse failure
        return set()  # openpyxl will say it cannot read the file
    return {
        element.get("PartName", "").lstrip("/")
        for element in root
        if element.tag.endswith("Override") and element.get("ContentType") == _WORKSHEET_TYPE
    }


def open_spreadsheet(fileobj):
    """An openpyxl workbook opened read-only (rows streamed, not loaded), after check_archive.
    The one way the portal opens an uploaded .xlsx; close it after use."""
    check_archive(fileobj, spreadsheet=True)
    try:
        # keep_links=False: external links are parts read whole, and the portal has no use for them.
        return load_workbook(fileobj, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ValidationError(f"The Excel file could not be read ({exc.__class__.__name__})") from exc


def spreadsheet_rows(fileobj) -> Iterator[tuple[int, tuple]]:
    """Yield (row number, values) from the first worksheet, as a stream. The sheet's declared
    size is ignored (openpyxl would pad every row to it: a sheet declared A1:XFD1048576 made each
    row 16,384 cells); rows are cut to settings.SPREADSHEET_MAX_COLUMNS cells, then to the header
    row's width, and a run of settings.SPREADSHEET_MAX_BLANK_ROWS empty rows ends the data (an
    empty row costs openpyxl next to nothing, so a file of millions would otherwise run for
    minutes). Reading longer than settings.SPREADSHEET_MAX_SECONDS is refused with a message,
    before the web server's own timeout would end it with an error page. The caller stops when it
    has enough rows; the workbook is closed either way."""
    deadline = time.monotonic() + settings.SPREADSHEET_MAX_SECONDS
    workbook = open_spreadsheet(fileobj)
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        width = settings.SPREADSHEET_MAX_COLUMNS
        header = next(sheet.iter_rows(min_row=1, max_row=1, max_col=width, values_only=True), ())
        header = tuple(header)
        while header and header[-1] in (None, ""):
            header = header[:-1]
        yield 1, header
        if not header:
            return
        blank_run = 0
        for number, values in enumerate(sheet.iter_rows(min_row=2, max_col=len(header), values_only=True), start=2):
            if time.monotonic() > deadline:
                raise ValidationError(
                    f"The spreadsheet took too long to read (over {settings.SPREADSHEET_MAX_SECONDS} seconds, "
                    f"stopped at row {number:,}). Save it as CSV or split it into smaller files."
                )
            if all(value is None or value == "" for value in values):
                blank_run += 1
                if blank_run >= settings.SPREADSHEET_MAX_BLANK_ROWS:
                    return
                continue
            blank_run = 0
            yield number, values
    finally:
        workbook.close()


def private_file_response(stored, download_name: str, content_type: str | None = None) -> FileResponse:
    """Stream a private file as an attachment (never rendered inline in the browser), after the
    caller's access check. `stored` is a FileField's file, or a name in the private store
    (portal/storage.py: an export written by a job). The file passes through the portal whether
    it sits in the folder or in a bucket, so no address of it ever reaches the browser."""
    content_type = content_type or mimetypes.guess_type(download_name)[0] or "application/octet-stream"
    handle = private_storage().open(stored, "rb") if isinstance(stored, str) else stored.open("rb")
    response = FileResponse(handle, as_attachment=True, filename=download_name, content_type=content_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
