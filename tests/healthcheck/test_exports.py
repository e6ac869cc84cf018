"""The PDF report and the CSV: ratings in words, escaped text, formula injection neutralised."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from healthcheck.exports import CSV_HEADER
from healthcheck.models import Rag
from healthcheck.services import action_plans, running, signing
from tests.healthcheck import factories as hf

pytestmark = pytest.mark.django_db

NASTY = "<b>bold</b> & <script>alert(1)</script>"


def _rows(response) -> list[dict]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _signed_off_with_content(world):
    hc = hf.health_check(world)
    coordinator = world.user("coordinator")
    hf.rate(world, hc, "A1", Rag.RED, commentary=NASTY)
    hf.rate(world, hc, "A2", Rag.GREEN, commentary='=HYPERLINK("http://evil.example","click")')
    hf.rate(world, hc, "B1", Rag.AMBER, commentary="+44 20 7946 0000 is the helpline")
    hf.rate(world, hc, "B2", Rag.NOT_APPLICABLE, commentary="@everyone -not relevant")
    a1 = hc.ratings.get(criterion__code="A1")
    running.add_evidence(coordinator, a1, kind="note", title="Board minutes March", note="Agreed at the board")
    running.add_evidence(coordinator, a1, kind="link", title="Annual report", url="https://example.org/r")
    action_plans.add_action(
        coordinator,
        a1,
        description="Agree joint aims with every partner",
        owner=coordinator,
        due_on=dt.date(2027, 3, 31),
    )
    action_plans.add_action(
        coordinator,
        hc.ratings.get(criterion__code="B1"),
        description="Review governance",
        owner=coordinator,
        due_on=dt.date(2027, 6, 30),
    )
    signing.submit(coordinator, hc)
    signing.sign_off(world.user("signatory"), hc)
    return hc


def test_the_csv_has_one_row_per_criterion_with_ratings_in_words(world, client_for):
    hc = _signed_off_with_content(world)
    response = client_for("member").get(reverse("healthcheck:export_csv", args=[hc.pk]))
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = _rows(response)
    assert list(rows[0].keys()) == CSV_HEADER
    by_code = {r["Code"]: r for r in rows}
    assert list(by_code) == ["A1", "A2", "B1", "B2"]
    assert by_code["A1"]["Rating"] == "Red"
    assert by_code["B2"]["Rating"] == "Not applicable"
    assert by_code["A1"]["Area"] == "A. Area A"
    assert by_code["A1"]["Evidence count"] == "2"
    assert by_code["A1"]["Open actions"] == "1"
    assert by_code["A1"]["Commentary"] == NASTY  # plain text in a CSV: nothing to interpret


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(world, client_for):
    hc = _signed_off_with_content(world)
    by_code = {r["Code"]: r for r in _rows(client_for("member").get(reverse("healthcheck:export_csv", args=[hc.pk])))}
    assert by_code["A2"]["Commentary"].startswith("'=HYPERLINK")
    assert by_code["B1"]["Commentary"].startswith("'+44")
    assert by_code["B2"]["Commentary"].startswith("'@everyone")


def test_the_pdf_report_has_the_cover_areas_evidence_actions_and_sign_off(world, client_for):
    hc = _signed_off_with_content(world)
    response = client_for("member").get(reverse("healthcheck:pdf", args=[hc.pk]))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert "Health check 2026/27: Matrix Teaching Partnership" in flat
    assert "Overall rating: Red" in flat  # 1 of 3 applicable criteria Red is over a quarter
    assert "How the overall rating is worked out" in flat
    assert "A. Area A: Red" in flat and "B. Area B: Amber" in flat
    assert "Not applicable" in flat
    assert "Board minutes March" in flat and "Annual report" in flat
    assert "Agree joint aims with every partner" in flat and "Review governance" in flat
    assert "Signed off by Sam Signatory" in flat and "Matrix Borough Council" in flat
    # HTML typed into commentary is printed as text, not interpreted.
    assert "<b>bold</b> & <script>alert(1)</script>" in flat
    assert reader.metadata.title == "Health check 2026/27: Matrix Teaching Partnership"


def test_an_outsider_cannot_export(world, client_for):
    hc = hf.health_check(world)
    assert client_for("non_member").get(reverse("healthcheck:pdf", args=[hc.pk])).status_code == 404
    assert client_for("non_member").get(reverse("healthcheck:export_csv", args=[hc.pk])).status_code == 404
