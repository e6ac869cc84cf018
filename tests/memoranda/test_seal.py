"""The PDF seal (portal/seal.py): a fully signed memorandum's PDF carries a PAdES signature by the
portal's certificate that an independent verifier (poppler's pdfsig) and pyHanko accept, that
breaks when one byte changes, and that the public verify page reports."""

import datetime as dt
import hashlib
import shutil
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from memoranda.models import MemorandumVersion
from portal import seal
from portal.checks import pdf_seal_is_configured
from tests.memoranda.factories import active_memorandum

VERIFY = reverse("memoranda:verify")
PDFSIG = shutil.which("pdfsig") or "/usr/bin/pdfsig"
needs_pdfsig = pytest.mark.skipif(
    shutil.which(PDFSIG) is None, reason="poppler's pdfsig is not installed (Debian package poppler-utils)"
)

pytestmark = pytest.mark.django_db


def _altered(pdf: bytes) -> bytes:
    """One byte of the signed content changed: a letter in the first page's content stream region,
    well inside the first signed byte range (before the signature's /Contents)."""
    data = bytearray(pdf)
    position = data.index(b"stream", 2000) + 20
    data[position] ^= 0x01
    return bytes(data)


def _pdfsig(tmp_path, pdf: bytes) -> str:
    path = tmp_path / "memorandum.pdf"
    path.write_bytes(pdf)
    run = subprocess.run([PDFSIG, str(path)], capture_output=True, text=True, timeout=60, check=False)
    return run.stdout + run.stderr


def _signature_validation(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if "Signature Validation:" in line]
    assert lines, output
    return lines[-1].split("Signature Validation:", 1)[1].strip()


@needs_pdfsig
def test_pdfsig_finds_a_valid_seal_over_the_whole_signed_pdf_and_an_invalid_one_after_one_byte_changes(world, tmp_path):
    m, version = active_memorandum(world)
    pdf = version.pdf.read()
    output = _pdfsig(tmp_path, pdf)
    assert _signature_validation(output) == "Signature is Valid."
    assert "Total document signed" in output and seal.SEAL_FIELD in output
    # A self-signed demo certificate is not trusted by poppler: that line may say so; the
    # signature line is what proves the file is unchanged.
    altered = _pdfsig(tmp_path, _altered(pdf))
    assert _signature_validation(altered) != "Signature is Valid."


def test_the_stored_fingerprint_is_of_the_sealed_file_and_pyhanko_agrees(world):
    m, version = active_memorandum(world)
    pdf = version.pdf.read()
    assert hashlib.sha256(pdf).hexdigest() == version.pdf_sha256
    report = seal.check_seal(pdf)
    assert report.state == seal.INTACT and seal.DEMO_NAME in report.signer
    assert seal.check_seal(_altered(pdf)).state == seal.BROKEN
    # Bytes added after the seal: the seal no longer covers the whole file.
    assert seal.check_seal(pdf + b"\n% edited\n").state == seal.BROKEN


def test_the_verify_page_reports_an_intact_seal_a_broken_one_and_none(world, client):
    m, version = active_memorandum(world)
    pdf = version.pdf.read()
    html = client.post(VERIFY, {"pdf": SimpleUploadedFile("s.pdf", pdf, content_type="application/pdf")}).content
    html = html.decode()
    assert "This is a signed PDF issued by the portal" in html
    assert "The portal's seal is intact" in html and 'data-seal="intact"' in html
    altered = SimpleUploadedFile("s.pdf", _altered(pdf), content_type="application/pdf")
    html = client.post(VERIFY, {"pdf": altered}).content.decode()
    assert "The seal is broken: the file changed after sealing" in html
    assert "This file is not a signed PDF issued by the portal" in html
    from portal.pdf import html_to_pdf

    plain = html_to_pdf('<html lang="en-GB"><head><title>P</title></head><body><p>Plain</p></body></html>')
    html = client.post(VERIFY, {"pdf": SimpleUploadedFile("p.pdf", plain, content_type="application/pdf")}).content
    assert 'data-seal="none"' in html.decode() and "No seal" in html.decode()


def _organisation_certificate(tmp_path, name: str) -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=400))
        .not_valid_after(now + dt.timedelta(days=800))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = tmp_path / "seal.key", tmp_path / "seal.crt"
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


def test_a_configured_pem_certificate_seals_and_a_rotated_one_still_counts(world, client, settings, tmp_path):
    demo_sealed = active_memorandum(world)[1].pdf.read()
    key, cert = _organisation_certificate(tmp_path, "Example Partnership Portal seal")
    settings.PORTAL_SEAL_KEY, settings.PORTAL_SEAL_CERT = key, cert
    assert seal.configured_source() == "pem" and seal.configuration_problems() == []
    pdf = seal.seal_pdf(_plain_pdf())
    report = seal.check_seal(pdf)
    assert report.state == seal.INTACT and "Example Partnership Portal seal" in report.signer
    # The demo certificate is no longer the portal's: its seal is intact but not ours ...
    assert seal.check_seal(demo_sealed).state == seal.FOREIGN
    html = client.post(VERIFY, {"pdf": SimpleUploadedFile("s.pdf", demo_sealed, content_type="application/pdf")})
    assert "Sealed, but not by the portal" in html.content.decode()
    # ... until the operator lists it as an earlier certificate of the portal (a rotation).
    settings.PORTAL_SEAL_PREVIOUS_CERTS = [str(seal.demo_certificate_path())]
    assert seal.check_seal(demo_sealed).state == seal.INTACT


def _plain_pdf() -> bytes:
    from portal.pdf import html_to_pdf

    return html_to_pdf('<html lang="en-GB"><head><title>P</title></head><body><p>Plain</p></body></html>')


def test_without_a_certificate_in_production_the_deploy_check_warns_and_pdfs_are_stored_unsealed(world, settings):
    settings.PORTAL_SEAL_DEMO = False
    warnings = pdf_seal_is_configured(None)
    assert [w.id for w in warnings] == ["portal.W001"] and "PORTAL_SEAL_KEY" in warnings[0].msg
    m, version = active_memorandum(world)
    pdf = version.pdf.read()
    assert seal.check_seal(pdf).state == seal.NONE
    assert MemorandumVersion.objects.get(pk=version.pk).pdf_sha256 == hashlib.sha256(pdf).hexdigest()


def test_a_misconfigured_certificate_is_named_by_the_deploy_check(settings, tmp_path):
    settings.PORTAL_SEAL_KEY, settings.PORTAL_SEAL_CERT = str(tmp_path / "missing.key"), str(tmp_path / "x.crt")
    messages = [w.msg for w in pdf_seal_is_configured(None)]
    assert any("missing.key" in msg for msg in messages)
    settings.PORTAL_SEAL_CERT = ""
    assert "must both be set" in pdf_seal_is_configured(None)[0].msg


def test_a_configured_pkcs12_file_with_a_passphrase_seals(settings, tmp_path):
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    key_path, cert_path = _organisation_certificate(tmp_path, "PKCS12 portal seal")
    key = serialization.load_pem_private_key(open(key_path, "rb").read(), None)
    cert = x509.load_pem_x509_certificate(open(cert_path, "rb").read())
    bundle = tmp_path / "seal.p12"
    bundle.write_bytes(pkcs12.serialize_key_and_certificates(b"seal", key, cert, None, BestAvailableEncryption(b"pw")))
    settings.PORTAL_SEAL_PKCS12, settings.PORTAL_SEAL_PASSPHRASE = str(bundle), "pw"
    assert seal.configuration_problems() == []
    report = seal.check_seal(seal.seal_pdf(_plain_pdf()))
    assert report.state == seal.INTACT and "PKCS12 portal seal" in report.signer
    settings.PORTAL_SEAL_PASSPHRASE = "wrong"
    assert "could not be loaded" in seal.configuration_problems()[0]


def test_the_sealed_pdf_embeds_the_evidence_as_json(world):
    import io
    import json

    from pypdf import PdfReader

    m, version = active_memorandum(world)
    pdf = version.pdf.read()
    files = PdfReader(io.BytesIO(pdf)).attachments
    evidence = json.loads(files["evidence.json"][0])
    assert evidence["sha256"] == version.sha256 and evidence["version"] == version.number
    assert sorted(s["organisation"] for s in evidence["signatures"]) == sorted(
        s.organisation.name for s in version.signatures.all()
    )
    assert seal.check_seal(pdf).state == seal.INTACT  # the attachment is inside the sealed bytes


def test_sealing_and_checking_work_where_an_event_loop_already_runs(world):
    """pyHanko's plain functions call asyncio.run(), which fails inside a running loop (an async
    server; Playwright's driver in the browser tests): the seal job then failed and the verify
    page would have called an intact seal broken."""
    import asyncio

    m, version = active_memorandum(world)
    pdf = version.pdf.read()
    unsealed = pdf[: pdf.rindex(b"%%EOF", 0, pdf.rindex(b"%%EOF")) + 5]

    async def inside_a_loop():
        return seal.check_seal(pdf), seal.check_seal(seal.seal_pdf(unsealed))

    stored, resealed = asyncio.run(inside_a_loop())
    assert stored.state == seal.INTACT
    assert resealed.state == seal.INTACT
