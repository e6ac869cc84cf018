"""Evidence: notes, links and files checked by content, stored privately, served only to members."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from healthcheck.models import Evidence
from healthcheck.services import running
from portal.storage import private_storage
from tests.healthcheck import factories as hf

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40


def _add(client, hc, code="A1", **data):
    return client.post(reverse("healthcheck:add_evidence", args=[hc.pk, code]), data)


def test_a_coordinator_adds_a_note_a_link_and_a_file(world, client_for):
    hc = hf.health_check(world)
    client = client_for("coordinator")
    assert _add(client, hc, kind="note", title="Board minutes", note="Agreed on 3 March").status_code == 302
    assert _add(client, hc, kind="link", title="Annual report", url="https://example.org/report").status_code == 302
    upload = SimpleUploadedFile("audit.pdf", PDF, content_type="application/pdf")
    assert _add(client, hc, kind="file", title="Placement audit", upload=upload).status_code == 302
    evidence = {e.kind: e for e in Evidence.objects.filter(rating__health_check=hc)}
    assert set(evidence) == {"note", "link", "file"}
    stored = evidence["file"]
    assert (stored.original_name, stored.content_type, stored.size) == ("audit.pdf", "application/pdf", len(PDF))
    assert "audit" not in stored.file.name  # stored under a random name, never the uploaded one
    page = client.get(reverse("healthcheck:criterion", args=[hc.pk, "A1"])).content.decode()
    assert "Board minutes" in page and "Annual report" in page and "Placement audit" in page


def test_a_member_downloads_the_file_as_an_attachment(world, client_for):
    hc = hf.health_check(world)
    _add(client_for("coordinator"), hc, kind="file", title="Audit", upload=SimpleUploadedFile("audit.pdf", PDF))
    evidence = Evidence.objects.get(rating__health_check=hc)
    response = client_for("member").get(reverse("healthcheck:evidence_file", args=[hc.pk, evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_evidence_files_are_unreachable_by_non_members_even_by_guessing(world, client_for):
    hc = hf.health_check(world)
    _add(client_for("coordinator"), hc, kind="file", title="Audit", upload=SimpleUploadedFile("audit.pdf", PDF))
    evidence = Evidence.objects.get(rating__health_check=hc)
    url = reverse("healthcheck:evidence_file", args=[hc.pk, evidence.pk])
    assert client_for("non_member").get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous.headers["Location"]
    # Guessing: the right evidence id under the outsider's own health check is still 404.
    elsewhere = hf.framework(family="elsewhere")
    theirs = running.start_health_check(
        world.user("non_member"),
        world.other_partnership,
        academic_year="2026/27",
        framework=elsewhere,
        organisation=None,
    )
    guessed = reverse("healthcheck:evidence_file", args=[theirs.pk, evidence.pk])
    assert client_for("non_member").get(guessed).status_code == 404


def test_a_file_whose_content_is_not_what_its_name_says_is_refused(world, client_for):
    hc = hf.health_check(world)
    fake = SimpleUploadedFile("minutes.pdf", b"MZ\x90\x00 this is really a program", content_type="application/pdf")
    response = _add(client_for("coordinator"), hc, kind="file", title="Minutes", upload=fake)
    page = response.content.decode()
    assert response.status_code == 200
    assert "This file&#x27;s content is not one of those" in page
    assert 'value="Minutes"' in page  # the title typed is kept
    assert not Evidence.objects.exists()


def test_an_image_is_accepted_by_its_content(world, client_for):
    hc = hf.health_check(world)
    upload = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    assert _add(client_for("coordinator"), hc, kind="file", title="Photo", upload=upload).status_code == 302
    assert Evidence.objects.get().content_type == "image/png"


def test_a_file_over_10_mb_is_refused(world, client_for):
    hc = hf.health_check(world)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024), content_type="application/pdf")
    response = _add(client_for("coordinator"), hc, kind="file", title="Too big", upload=big)
    assert response.status_code == 200
    assert "The file must be smaller than 10 MB" in response.content.decode()
    assert not Evidence.objects.exists()


def test_a_link_must_be_a_web_address_and_a_note_needs_text(world, client_for):
    hc = hf.health_check(world)
    client = client_for("coordinator")
    page = _add(client, hc, kind="link", title="Report", url="javascript:alert(1)").content.decode()
    assert "Enter a real web address" in page
    page = _add(client, hc, kind="note", title="Minutes", note="").content.decode()
    assert "Enter the note" in page
    assert not Evidence.objects.exists()


def test_a_link_must_use_https_and_what_was_typed_is_kept(world, client_for):
    hc = hf.health_check(world)
    client = client_for("coordinator")
    page = _add(client, hc, kind="link", title="Report", url="http://example.org/report").content.decode()
    assert "Enter a secure link, starting with https://" in page
    assert 'value="http://example.org/report"' in page
    assert not Evidence.objects.exists()
    assert _add(client, hc, kind="link", title="Report", url="HTTPS://example.org/r").status_code == 302


def test_removing_evidence_deletes_the_stored_file(world, client_for, django_capture_on_commit_callbacks):
    hc = hf.health_check(world)
    client = client_for("coordinator")
    _add(client, hc, kind="file", title="Audit", upload=SimpleUploadedFile("audit.pdf", PDF))
    evidence = Evidence.objects.get()
    name = evidence.file.name
    assert private_storage().exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("healthcheck:remove_evidence", args=[hc.pk, evidence.pk]))
    assert response.status_code == 302
    assert not Evidence.objects.exists()
    assert not private_storage().exists(name)


def test_a_member_cannot_add_or_remove_evidence(world, client_for):
    hc = hf.health_check(world)
    assert _add(client_for("member"), hc, kind="note", title="x", note="y").status_code == 403
    assert not Evidence.objects.exists()


def test_a_word_file_that_unpacks_to_a_gigabyte_is_refused(world, client_for):
    # Evidence is stored, not read, but whoever downloads it opens it: the archive guard that
    # imports use refuses it on the way in (real limits; the file is about 1.5 MB packed).
    from tests.hostile_files import docx_bomb

    hc = hf.health_check(world)
    bomb = SimpleUploadedFile("minutes.docx", docx_bomb(1024))
    response = _add(client_for("coordinator"), hc, kind="file", title="Minutes", upload=bomb)
    page = response.content.decode()
    assert response.status_code == 200
    assert "The file is too large once unpacked: its part word/document.xml is 1,024 MB (at most 50 MB)" in page
    assert not Evidence.objects.exists()


def test_an_ordinary_word_file_is_still_accepted(world, client_for):
    from tests.hostile_files import docx

    hc = hf.health_check(world)
    upload = SimpleUploadedFile("minutes.docx", docx([b"<w:p><w:r><w:t>Board minutes</w:t></w:r></w:p>"] * 1000))
    assert _add(client_for("coordinator"), hc, kind="file", title="Minutes", upload=upload).status_code == 302
