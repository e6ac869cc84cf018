"""Private files in an S3-compatible bucket: a real S3-protocol server (moto's, in its own process),
the portal's own views, and boto3 listing what the bucket really holds."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from healthcheck.models import Evidence
from placements.models import ImportBatch
from portal.audit import record
from portal.models import AuditEvent
from tests import s3server
from tests.healthcheck import factories as hf
from tests.memoranda.factories import active_memorandum

pytestmark = [pytest.mark.django_db, pytest.mark.s3]

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n" + bytes(range(256))


def _add_file(client, hc, title="Placement audit", data=PDF):
    upload = SimpleUploadedFile("audit.pdf", data, content_type="application/pdf")
    return client.post(
        reverse("healthcheck:add_evidence", args=[hc.pk, "A1"]), {"kind": "file", "title": title, "upload": upload}
    )


def _download(client, hc, evidence):
    return client.get(reverse("healthcheck:evidence_file", args=[hc.pk, evidence.pk]))


def test_uploaded_evidence_lands_in_the_bucket_and_downloads_the_same_bytes(world, client_for, bucket):
    hc = hf.health_check(world)
    assert _add_file(client_for("coordinator"), hc).status_code == 302
    evidence = Evidence.objects.get()
    assert bucket.keys() == [evidence.file.name]
    assert bucket.read(evidence.file.name) == PDF
    response = _download(client_for("member"), hc, evidence)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="audit.pdf"'
    assert response["Cache-Control"] == "private, no-store"


def test_a_non_member_gets_404_for_evidence_in_the_bucket(world, client_for, bucket):
    hc = hf.health_check(world)
    _add_file(client_for("coordinator"), hc)
    evidence = Evidence.objects.get()
    assert _download(client_for("non_member"), hc, evidence).status_code == 404
    signed_out = _download(client_for("anonymous"), hc, evidence)
    assert signed_out.status_code == 302 and signed_out["Location"].startswith("/accounts/login/")


def test_removed_evidence_leaves_the_bucket(world, client_for, bucket, django_capture_on_commit_callbacks):
    hc = hf.health_check(world)
    client = client_for("coordinator")
    _add_file(client, hc)
    evidence = Evidence.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("healthcheck:remove_evidence", args=[hc.pk, evidence.pk]))
    assert bucket.keys() == []


def test_a_store_that_fails_on_upload_shows_why_and_keeps_what_was_typed(world, client_for, bucket, settings):
    hc = hf.health_check(world)
    events_before = AuditEvent.objects.count()
    # The server answers, but the bucket is gone (as after a wrong PORTAL_S3_BUCKET): a real refusal.
    broken = s3server.storage_config(bucket.endpoint, bucket="no-such-bucket", prefix=bucket.prefix)
    settings.STORAGES = {**settings.STORAGES, "private": broken, "default": broken}
    response = _add_file(client_for("coordinator"), hc, title="Audit typed before the outage")
    assert response.status_code == 200
    html = response.content.decode()
    assert "The file could not be stored because the file store is not answering" in html
    assert 'value="Audit typed before the outage"' in html
    assert not Evidence.objects.exists()
    assert AuditEvent.objects.count() == events_before
    assert bucket.keys() == []


def test_an_unreachable_store_on_upload_is_refused_the_same_way(world, client_for, settings):
    hc = hf.health_check(world)
    nothing_listens = s3server.storage_config("http://127.0.0.1:1", prefix="x", give_up_fast=True)
    settings.STORAGES = {**settings.STORAGES, "private": nothing_listens, "default": nothing_listens}
    response = _add_file(client_for("coordinator"), hc, title="Kept title")
    assert response.status_code == 200
    assert "file store is not answering" in response.content.decode()
    assert 'value="Kept title"' in response.content.decode()
    assert not Evidence.objects.exists()


def test_the_signed_pdf_is_kept_in_the_bucket_and_streamed_to_members(world, client_for, bucket):
    m, version = active_memorandum(world)
    assert version.pdf.name in bucket.keys()
    stored = bucket.read(version.pdf.name)
    assert hashlib.sha256(stored).hexdigest() == version.pdf_sha256
    response = client_for("member").get(f"/memoranda/{m.pk}/pdf/")
    assert b"".join(response.streaming_content) == stored
    assert client_for("non_member").get(f"/memoranda/{m.pk}/pdf/").status_code == 404


def test_an_import_file_is_kept_in_the_bucket_between_check_and_import(world, client_for, bucket):
    text = (
        "employer,team,service_area,statutory,stage,academic_year,places,practice_educator_email,starts_on,ends_on\n"
        "Matrix Borough Council,Children's Assessment,children,yes,final,2026/27,3,,2027-01-11,2027-06-04\n"
    )
    client = client_for("lead")
    upload = SimpleUploadedFile("offers.csv", text.encode(), content_type="text/csv")
    client.post("/placements/partnership/matrix-tp/import/", {"kind": "offers", "file": upload})
    batch = ImportBatch.objects.get()
    assert bucket.keys() == [batch.file.name]
    response = client.post(f"/placements/imports/{batch.pk}/", follow=True)
    assert "1 added, 0 updated" in response.content.decode()


def test_audit_checkpoints_go_to_the_bucket(world, bucket, settings, capsys):
    settings.AUDIT_CHECKPOINT_DIR = ""
    record(world.user("lead"), "organisation.updated", world.employer, summary="Renamed")
    call_command("audit_checkpoint")
    call_command("audit_checkpoint")
    assert bucket.keys() == ["audit/checkpoints.jsonl"]
    assert bucket.read("audit/checkpoints.jsonl").decode().count("\n") == 2
    call_command("verify_audit", no_checkpoint=True)
    assert "intact" in capsys.readouterr().out
