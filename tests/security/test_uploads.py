"""Every upload field in the portal has a size and a type limit: a file too large, of the wrong
kind (whatever its name says), or empty is refused with a message beside the field, and nothing
is stored, neither a row nor a file. A good file goes through; an uploaded file comes back only
as a private attachment, whatever its name.

The forms are read from their pages (found through the access-matrix rows), so an upload field
is tested as a browser would send it.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from healthcheck.frameworks import MAX_IMPORT_BYTES, export_framework
from healthcheck.models import Evidence
from tests.security import crawl
from tests.security.states import TYPICAL
from tests.security.test_bad_input import RAW_MARKUP, SCRIPT, check_headers
from tests.test_access_matrix import ROWS

pytestmark = pytest.mark.django_db

LIMIT = 64 * 1024  # the suite's upload limit (settings.MAX_UPLOAD_BYTES), so "too large" stays small
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _import_template(w) -> bytes:
    from placements.importers.batch import template_response

    return template_response("educators", "csv").content


def _framework_json(w) -> bytes:
    from tests.healthcheck import factories as hf

    data = export_framework(hf.framework(family="shared"))
    data["family"] = "imported"
    return json.dumps(data).encode()


@dataclass
class Upload:
    url_name: str
    field: str
    role: str
    good: tuple[str, bytes | object]
    # Files of the wrong kind, each named as a file of the right kind would be.
    wrong: list[tuple[str, bytes]]
    limit: int = LIMIT
    data: dict = dataclasses.field(default_factory=dict)  # (`field` is an attribute name here)


UPLOADS = [
    Upload(
        "healthcheck:criterion",
        "upload",
        "coordinator",
        good=("minutes.pdf", PDF),
        wrong=[("minutes.pdf", HTML), ("chart.svg", SVG), ("report.pdf", EXE), ("notes.docx", PNG[:8] + HTML)],
        data={"kind": "file", "title": "Board minutes"},
    ),
    Upload(
        "placements:import_start",
        "file",
        "lead",
        good=("educators.csv", _import_template),
        wrong=[("educators.csv", PNG), ("educators.xlsx", HTML), ("educators.csv", EXE)],
        data={"kind": "educators"},
    ),
    Upload(
        "healthcheck:framework_import",
        "file",
        "admin",
        good=("framework.json", _framework_json),
        wrong=[("framework.json", PNG), ("framework.json", HTML)],
        limit=MAX_IMPORT_BYTES,
    ),
    Upload(
        "memoranda:verify",
        "pdf",
        "member",
        good=("memorandum.pdf", PDF),
        wrong=[("memorandum.pdf", HTML), ("memorandum.pdf", EXE)],
        data={"sha256": ""},
    ),
]


def _row(url_name: str):
    return next(row for row in ROWS if row.url_name == url_name and not row.query)


def _stored_files() -> set[Path]:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _upload_form(client: Client, url: str, name: str) -> crawl.Form:
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    forms = [
        f
        for f in crawl.parse(page.content.decode(), url).forms
        if f.fields.get(name, crawl.Field("", "")).kind == "file"
    ]
    assert forms, f"{url}: no form with the file field {name}"
    assert forms[0].multipart, f"{url}: the upload form does not send files (enctype)"
    return forms[0]


@pytest.fixture
def small_uploads(settings):
    settings.MAX_UPLOAD_BYTES = LIMIT


@pytest.mark.parametrize("upload", UPLOADS, ids=[u.url_name for u in UPLOADS])
def test_every_upload_refuses_large_wrong_and_empty_files(upload, shared_world, small_uploads):
    row = _row(upload.url_name)
    url = reverse(upload.url_name, kwargs=row.kwargs(shared_world) if row.kwargs else None)
    client = Client(raise_request_exception=False)
    client.force_login(shared_world.user(upload.role))
    form = _upload_form(client, url, upload.field)
    typical = {**form.typical_data(TYPICAL.get(upload.url_name)), **upload.data}
    good_name, good = upload.good
    good = good(shared_world) if callable(good) else good
    padding = b" " * (upload.limit + 1 - len(good))
    cases = [
        ("too large", good_name, good + padding),
        ("empty", good_name, b""),
        *((f"not what {name} says it is", name, content) for name, content in upload.wrong),
    ]
    problems = []
    for case, name, content in cases:
        before, files = crawl.fingerprint(), _stored_files()
        with transaction.atomic():
            response = client.post(form.action, {**typical, upload.field: SimpleUploadedFile(name, content)})
            html = response.content.decode(errors="replace")
            what = f"{upload.url_name}: a file {case} ({name}, {len(content)} bytes)"
            if response.status_code != 200 or "govuk-error-message" not in html:
                problems.append(f"{what}: answered {response.status_code} without an error beside the field")
            if changed := crawl.changed_tables(before, crawl.fingerprint()):
                problems.append(f"{what}: stored changes in {changed}")
            if new := _stored_files() - files:
                problems.append(f"{what}: kept the file {sorted(new)}")
            transaction.set_rollback(True)
    with transaction.atomic():
        response = client.post(form.action, {**typical, upload.field: SimpleUploadedFile(good_name, good)})
        assert response.status_code in (200, 302), response.status_code
        assert "govuk-error-message" not in response.content.decode(errors="replace"), "a good file was refused"
        transaction.set_rollback(True)
    assert not problems, "\n".join(problems)


def test_an_uploaded_file_comes_back_only_as_a_private_attachment_whatever_its_name(shared_world, small_uploads):
    row = _row("healthcheck:criterion")
    url = reverse("healthcheck:criterion", kwargs=row.kwargs(shared_world))
    client = Client()
    client.force_login(shared_world.user("coordinator"))
    form = _upload_form(client, url, "upload")
    hostile_name = f'{SCRIPT} minutes"; filename="evil.html".pdf'
    data = {**form.typical_data(), "kind": "file", "title": "Minutes", "upload": SimpleUploadedFile(hostile_name, PDF)}
    assert client.post(form.action, data).status_code == 302
    page = client.get(url).content.decode()
    assert not any(mark in page for mark in RAW_MARKUP), "the file's name is shown unescaped"
    evidence = Evidence.objects.get(title="Minutes")
    download = client.get(reverse("healthcheck:evidence_file", args=[evidence.rating.health_check_id, evidence.pk]))
    problems = check_headers(download, "the evidence file")  # a download is also checked as one
    assert not problems, problems
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "\n" not in disposition
    assert 'filename="evil.html"' not in disposition  # a quote in the name cannot end the header value
    assert download.headers["Content-Type"] == "application/pdf"
    again = client.get(reverse("healthcheck:evidence_file", args=[evidence.rating.health_check_id, evidence.pk]))
    assert b"".join(again.streaming_content) == PDF


HOSTILE_OFFER_ROWS = [
    # (what is wrong, the row's cells: employer, team, service_area, statutory, stage, year, places, starts_on)
    ("year 9999/00", ["Matrix Borough Council", "Team A", "children", "yes", "final", "9999/00", "2", ""]),
    ("year 0001/02", ["Matrix Borough Council", "Team B", "children", "yes", "final", "0001/02", "2", ""]),
    ("year 0001 date", ["Matrix Borough Council", "Team C", "children", "yes", "final", "2026/27", "2", "0001-01-01"]),
    ("31 February", ["Matrix Borough Council", "Team D", "children", "yes", "final", "2026/27", "2", "31/02/2027"]),
    ("huge places", ["Matrix Borough Council", "Team E", "children", "yes", "final", "2026/27", "9" * 20, ""]),
    ("over-long team", ["Matrix Borough Council", "T" * 5000, "children", "yes", "final", "2026/27", "2", ""]),
    ("unknown employer", [SCRIPT, "Team G", "children", "yes", "final", "2026/27", "2", ""]),
]
# (A NUL byte makes the whole file unreadable as text: it is refused as "not a CSV", like any binary file.)


def test_an_import_of_hostile_cells_reports_every_bad_row_and_imports_nothing(shared_world):
    """Each bad row is listed with its line number, the page shows the cells escaped, and no
    offer (nor academic year) is created: never an error page."""
    import csv
    import io

    from placements.models import AcademicYear, ImportBatch, PlacementOffer

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["employer", "team", "service_area", "statutory", "stage", "academic_year", "places", "starts_on"])
    for _, cells in HOSTILE_OFFER_ROWS:
        writer.writerow(cells)
    client = Client(raise_request_exception=False)
    client.force_login(shared_world.user("lead"))
    url = reverse("placements:import_start", args=[shared_world.partnership.slug])
    years, offers = AcademicYear.objects.count(), PlacementOffer.objects.count()
    response = client.post(
        url, {"kind": "offers", "file": SimpleUploadedFile("offers.csv", buffer.getvalue().encode())}
    )
    assert response.status_code == 302, re.findall(r"error-message\">(.*?)</p>", response.content.decode(), re.S)
    batch = ImportBatch.objects.get()
    assert sorted({line for line, _ in batch.errors}) == list(range(2, 2 + len(HOSTILE_OFFER_ROWS)))
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert not any(mark in page.content.decode() for mark in RAW_MARKUP)
    assert client.post(response.headers["Location"]).status_code == 302  # "Import" is refused: rows have errors
    assert (AcademicYear.objects.count(), PlacementOffer.objects.count()) == (years, offers)
