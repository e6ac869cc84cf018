"""Uploaded files: checking them on the way in, streaming them (privately) on the way out."""

from __future__ import annotations

import mimetypes

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse

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
    return detected


def private_file_response(fieldfile, download_name: str, content_type: str | None = None) -> FileResponse:
    """Stream a stored private file as an attachment (never rendered inline in the browser)."""
    content_type = content_type or mimetypes.guess_type(download_name)[0] or "application/octet-stream"
    response = FileResponse(fieldfile.open("rb"), as_attachment=True, filename=download_name, content_type=content_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
