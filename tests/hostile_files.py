"""Hostile uploads built in the test itself: zip bombs dressed as .xlsx and .docx files.

Each is a few kilobytes packed; built from raw XML so a test controls every part (openpyxl
would write a well-behaved file)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _content_types(shared: bool) -> str:
    parts = [
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>',
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>',
    ]
    if shared:
        parts.append(f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>' + "".join(parts) + "</Types>"
    )


def _cells(values: list[str]) -> str:
    return "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' for value in values)


def row(values: list[str]) -> str:
    """One worksheet row of text cells (numbered on from the row before)."""
    return f"<row>{_cells(values)}</row>"


def xlsx(
    header: list[str],
    body: Iterable[str] = (),
    *,
    dimension: str | None = None,
    shared_strings: Iterable[str] | None = None,
    tail: str = "</sheetData></worksheet>",
) -> bytes:
    """A one-sheet workbook: `header` as row 1, then the chunks of row XML in `body`, streamed
    into the archive so a member can unpack to far more than the test holds in memory."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _content_types(shared_strings is not None))
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        shared_rel = (
            f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            if shared_strings is not None
            else ""
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>{shared_rel}'
            "</Relationships>",
        )
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">'.encode())
            if dimension:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(f"<sheetData>{row(header)}".encode())
            for chunk in body:
                sheet.write(chunk.encode())
            sheet.write(tail.encode())
        if shared_strings is not None:
            with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
                strings.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}">'.encode())
                for chunk in shared_strings:
                    strings.write(chunk.encode())
                strings.write(b"</sst>")
    return out.getvalue()


def empty_rows(megabytes: int) -> Iterable[str]:
    """About `megabytes` MB of empty rows: the same bytes over and over, so it packs ~700 to 1."""
    chunk = "<row/>" * 174_763  # 1 MB
    return (chunk for _ in range(megabytes))


def shared_strings(megabytes: int) -> Iterable[str]:
    chunk = ("<si><t>" + "x" * 1000 + "</t></si>") * 1024  # about 1 MB
    return (chunk for _ in range(megabytes))


def docx(document: Iterable[bytes]) -> bytes:
    """A Word file whose document part is the chunks in `document`, streamed into the archive."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            for chunk in document:
                part.write(chunk)
    return out.getvalue()


def docx_bomb(megabytes: int) -> bytes:
    """A Word file whose document part unpacks to `megabytes` MB of one repeated paragraph."""
    chunk = b"<w:p/>" * 174_763
    return docx(chunk for _ in range(megabytes))
