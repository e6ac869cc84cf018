"""The PDF (read back with pypdf) and the public verification page."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from memoranda import services
from memoranda.actions import Action
from memoranda.models import MemorandumVersion, sha256_of
from portal.audit import record
from portal.models import User
from tests.memoranda.factories import active_memorandum, awaiting_memorandum, draft_memorandum, sign_as

VERIFY = reverse("memoranda:verify")

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> tuple[PdfReader, str]:
    """The PDF's text with runs of white space (line breaks in table cells) made single spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    return reader, " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _flat(text: str) -> str:
    return "".join(text.split())


def test_the_signed_pdf_has_cover_sections_signatures_evidence_and_page_numbers(world):
    m, version = active_memorandum(world)
    reader, text = _text(version.pdf.read())
    assert "Matrix memorandum" in text and "Matrix Teaching Partnership" in text
    assert "Aims and outcomes" in text and "Responsibilities of each party" in text
    assert "Sam Signatory" in text and "Uma University" in text  # each signer's name
    assert "Assistant Director, Children's Services" in text
    assert version.sha256 in _flat(text)  # the version hash, on the cover and the certificate
    assert "Evidence certificate" in text and "Audit trail references" in text
    assert "GMT" in text or "BST" in text  # UK times say which
    pages = len(reader.pages)
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert "DRAFT - not signed" not in text
    assert reader.metadata.title == "Matrix memorandum"
    assert reader.metadata.author == "Matrix Teaching Partnership"
    assert "version 1" in reader.metadata.subject


def test_the_certificate_keeps_every_sending_and_signing_event_however_long_the_history(world):
    m, version = awaiting_memorandum(world)
    sign_as(world.user("signatory"), version)
    # Years of other activity on the memorandum between the first signature and the last.
    for n in range(1001):
        record(world.user("lead"), Action.COMMENTED, m, summary=f"Comment {n}", partnership_id=m.partnership_id)
    sign_as(User.objects.get(email="uma@matrix.test"), version)
    version.refresh_from_db()
    _, text = _text(version.pdf.read())
    references = text.split("Audit trail references", 1)[1].split("How to check this document")[0]
    assert references.count("Sent version 1 for signature") == 1
    assert "Signed version 1 for Matrix Borough Council" in references
    assert "Signed version 1 for University of Matrix" in references
    assert "Comment" not in references


def test_a_draft_pdf_is_watermarked_and_html_in_the_text_is_escaped(world, client_for):
    m = draft_memorandum(world)
    aims = m.sections.get(key="aims")
    services.update_section(
        world.user("lead"), aims, heading="Aims", body="<b>bold</b> & <script>x()</script>", base_revision=1
    )
    response = client_for("member").get(f"/memoranda/{m.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "not-signed" in response["Content-Disposition"]
    reader, text = _text(response.content)
    assert all("DRAFT - not signed" in page.extract_text() for page in reader.pages)  # on every page
    assert "<b>bold</b> & <script>x()</script>" in text  # shown as the characters typed
    assert "DRAFT" in reader.metadata.subject


def test_the_signed_pdf_is_served_from_storage_not_rendered_again(world, client_for):
    m, version = active_memorandum(world)
    response = client_for("member").get(f"/memoranda/{m.pk}/pdf/")
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == version.pdf_sha256
    assert response["Content-Disposition"].startswith("attachment") and "signed" in response["Content-Disposition"]
    again = b"".join(client_for("lead").get(f"/memoranda/{m.pk}/versions/1/pdf/").streaming_content)
    assert again == body


def test_an_awaiting_version_pdf_shows_the_signatures_so_far_and_the_watermark(world, client_for):
    from tests.memoranda.factories import sign_as

    m, version = awaiting_memorandum(world)
    sign_as(world.user("signatory"), version)
    _, text = _text(client_for("member").get(f"/memoranda/{m.pk}/pdf/").content)
    assert "DRAFT - not signed" in text and "Sam Signatory" in text and "1 of 2 parties signed" in text
    assert version.sha256 in _flat(text)


def test_verify_by_hash_shows_limited_facts_to_anonymous_visitors(world, client):
    m, version = active_memorandum(world)
    html = client.get(VERIFY + f"?sha256={version.sha256}").content.decode()
    assert "Signed and in force" in html
    assert "Matrix memorandum" in html and "Matrix Teaching Partnership" in html
    assert "Matrix Borough Council" in html and "University of Matrix" in html
    assert "Grow a confident" not in html  # never the text
    assert "Sam Signatory" not in html  # nor who signed
    assert "open the memorandum" not in html


def test_verify_links_members_to_the_memorandum(world, client_for):
    m, version = active_memorandum(world)
    html = client_for("member").get(VERIFY + f"?sha256={version.sha256.upper()}").content.decode()
    assert "Signed and in force" in html and f'href="/memoranda/{m.pk}/"' in html


def test_verify_by_uploaded_pdf(world, client):
    m, version = active_memorandum(world)
    data = version.pdf.read()
    upload = SimpleUploadedFile("signed.pdf", data, content_type="application/pdf")
    html = client.post(VERIFY, {"pdf": upload}).content.decode()
    assert "This is a signed PDF issued by the portal" in html and "Signed and in force" in html
    changed = SimpleUploadedFile("signed.pdf", data + b"\n% edited", content_type="application/pdf")
    html = client.post(VERIFY, {"pdf": changed}).content.decode()
    assert "This file is not a signed PDF issued by the portal" in html


def test_verify_refuses_a_file_that_is_not_a_pdf(world, client):
    upload = SimpleUploadedFile("notes.pdf", b"just some text, not a PDF", content_type="application/pdf")
    html = client.post(VERIFY, {"pdf": upload}).content.decode()
    assert "The file must be one of: PDF" in html


def test_verify_reports_superseded_and_ended_versions(world, client):
    from portal.models import User
    from tests.memoranda.factories import sign_as

    m, first = active_memorandum(world)
    lead = world.user("lead")
    amendment = services.start_amendment(lead, m)
    second = services.send_for_signature(lead, amendment, base_revision=amendment.revision)
    sign_as(world.user("signatory"), second)
    sign_as(User.objects.get(email="uma@matrix.test"), second)
    assert "superseded by a later version" in client.get(VERIFY + f"?sha256={first.sha256}").content.decode()
    services.end_memorandum(lead, amendment, reason="Closed")
    assert "Signed, but ended on" in client.get(VERIFY + f"?sha256={second.sha256}").content.decode()


def test_verify_detects_a_frozen_version_altered_in_the_database(world, client):
    m, version = active_memorandum(world)
    content = dict(version.content)
    content["title"] = "Something else"
    MemorandumVersion.objects.filter(pk=version.pk).update(content=content)
    html = client.get(VERIFY + f"?sha256={version.sha256}").content.decode()
    assert "Record altered: do not rely on it" in html
    assert "no longer matches its SHA-256 fingerprint" in html
    # Rewriting the hash too does not help: the audit trail recorded the original.
    MemorandumVersion.objects.filter(pk=version.pk).update(sha256=sha256_of(content))
    html = client.get(VERIFY + f"?sha256={sha256_of(content)}").content.decode()
    assert "Record altered" in html and "audit trail has no record" in html


@pytest.mark.parametrize("value", ["abc", "g" * 64, "<script>" + "a" * 56])
def test_verify_explains_a_malformed_fingerprint(client, db, value):
    html = client.get(VERIFY, {"sha256": value}).content.decode()
    assert "Enter a SHA-256 fingerprint: 64 characters, 0 to 9 and a to f" in html
    assert "<script>aaa" not in html


def test_verify_says_when_nothing_matches(client, db):
    html = client.get(VERIFY + "?sha256=" + "a" * 64).content.decode()
    assert "No memorandum version has this fingerprint" in html


def test_the_evidence_certificate_prints_the_audit_chain_head(world):
    """The PDF anchors the audit trail outside the database: its newest event and keyed hash."""
    from portal.models import AuditEvent

    m, version = active_memorandum(world)
    _, text = _text(version.pdf.read())
    certificate = text.split("Audit chain head", 1)[1]
    flat = _flat(certificate)
    # The PDF is made by a job just after the last signature commits: the head is the activation's event.
    head = next(e for e in AuditEvent.objects.order_by("-id") if e.hash in flat)
    assert head.action == "memorandum.activated"
    assert f"event {head.pk} (of {AuditEvent.objects.filter(pk__lte=head.pk).count()})" in certificate
