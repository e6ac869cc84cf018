"""Spreadsheet downloads (CSV and Excel) with formula injection neutralised.

Every list the portal exports goes through `file_response`; CSV writers elsewhere (the health
check export, the memoranda manifest) pass each cell through `cell_text`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable

from django.http import HttpResponse
from openpyxl import Workbook

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def cell_text(value):
    """A cell's text with spreadsheet formulas neutralised: text starting with = + - @ (or a tab
    or carriage return) gets a leading apostrophe, so Excel shows it instead of running it.
    Negative numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if text and text[0] in "=+-@\t\r" and not _NUMBER.match(text):
        return "'" + text
    return text


def _xlsx_cell(value):
    return cell_text(value) if isinstance(value, str | type(None)) else value


def write_spreadsheet(handle, headers: list[str], rows: Iterable[list], fmt: str) -> None:
    """Write a CSV (UTF-8 with BOM) or XLSX of plain values to a binary file (exports run as jobs)."""
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Export")
        sheet.append(headers)
        for row in rows:
            sheet.append([_xlsx_cell(v) for v in row])
        workbook.save(handle)
        return
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="", write_through=True)
    text.write("\ufeff")
    writer = csv.writer(text)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([cell_text(v) for v in row])
    text.flush()
    text.detach()


def file_response(filename: str, headers: list[str], rows: Iterable[list], fmt: str) -> HttpResponse:
    """A CSV (UTF-8 with BOM, so Excel reads it right) or XLSX download of plain values."""
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Export")
        sheet.append(headers)
        for row in rows:
            sheet.append([_xlsx_cell(v) for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([cell_text(v) for v in row])
    return response
