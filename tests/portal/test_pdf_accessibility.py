"""Every PDF the portal makes is tagged for screen readers (PDF/UA-1), says its language and shows
its title; a signed memorandum is archival PDF/A-3a, which needs the same tagging. Read back with
pypdf: the structure tree, the marked-content flag, /Lang, the viewer's title preference and the
conformance the XMP metadata claims."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.healthcheck.test_exports import _signed_off_with_content
from tests.memoranda.factories import active_memorandum, draft_memorandum

pytestmark = pytest.mark.django_db


def _structure_types(node, found: set, depth: int = 0) -> set:
    node = node.get_object()
    if depth > 40:
        return found
    if "/S" in node:
        found.add(str(node["/S"]))
    kids = node.get("/K")
    if kids is None:
        return found
    kids = kids.get_object()
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict):
            _structure_types(kid, found, depth + 1)
    return found


def _accessibility(data: bytes) -> dict:
    reader = PdfReader(io.BytesIO(data))
    root: Any = reader.trailer["/Root"]  # a DictionaryObject; pypdf types it as any PDF object
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8", "replace") if "/Metadata" in root else ""
    tree = root.get("/StructTreeRoot")
    return {
        "marked": bool(root.get("/MarkInfo", {}).get("/Marked")),
        "lang": str(root.get("/Lang", "")),
        "display_title": bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle")),
        "title": reader.metadata.title if reader.metadata else None,
        "structure": _structure_types(tree, set()) if tree is not None else set(),
        "xmp": xmp,
    }


def _xmp(facts: dict, name: str) -> str | None:
    """A property of the XMP packet, written either as an attribute or as an element."""
    match = re.search(rf'{name}="([^"]*)"', facts["xmp"]) or re.search(rf"<{name}>([^<]*)</{name}>", facts["xmp"])
    return match.group(1) if match else None


def _assert_tagged(facts: dict, title: str) -> None:
    assert facts["marked"] and facts["lang"] == "en-GB" and facts["title"] == title
    # Headings, paragraphs and tables are in the structure a screen reader walks.
    assert {"/H1", "/P", "/Table"} <= facts["structure"] or {"/H2", "/P", "/Table"} <= facts["structure"], facts[
        "structure"
    ]


def test_a_signed_memorandum_is_tagged_and_archival(world):
    m, version = active_memorandum(world)
    facts = _accessibility(version.pdf.read())
    _assert_tagged(facts, "Matrix memorandum")
    assert _xmp(facts, "pdfaid:part") == "3" and _xmp(facts, "pdfaid:conformance") == "A"


def test_a_draft_memorandum_pdf_is_tagged_pdf_ua(world, client_for):
    m = draft_memorandum(world)
    response = client_for("member").get(f"/memoranda/{m.pk}/pdf/")
    facts = _accessibility(response.content)
    _assert_tagged(facts, "Matrix memorandum")
    assert facts["display_title"]
    assert _xmp(facts, "pdfuaid:part") == "1"


def test_the_health_check_report_is_tagged_pdf_ua(world, client_for):
    hc = _signed_off_with_content(world)
    response = client_for("member").get(reverse("healthcheck:pdf", args=[hc.pk]))
    facts = _accessibility(response.content)
    _assert_tagged(facts, "Health check 2026/27: Matrix Teaching Partnership")
    assert facts["display_title"] and _xmp(facts, "pdfuaid:part") == "1"
