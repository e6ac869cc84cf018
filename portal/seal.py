"""The portal's PDF seal: a PAdES digital signature, by the portal's organisational certificate,
that any PDF reader checks (Adobe Reader, poppler's `pdfsig`, pyHanko) without asking the portal.

The certificate comes from the environment (config/settings.py, "PDF seal"): a PEM key and
certificate (PORTAL_SEAL_KEY, PORTAL_SEAL_CERT, optional chain PORTAL_SEAL_CHAIN) or a PKCS#12
file (PORTAL_SEAL_PKCS12, PORTAL_SEAL_PASSPHRASE). With PORTAL_SEAL_TSA_URL an RFC 3161 timestamp
server dates each seal (PAdES B-T), else the seal is PAdES B-B. With nothing configured, DEBUG and
tests use a self-signed demo certificate made once under PORTAL_SEAL_DEMO_DIR; production does not
seal at all (and `check --deploy` says so, portal.W001).

A seal is applied incrementally after the document is complete, so it covers every byte before
it, and any later change (one byte) breaks it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import hashlib
import io
import os
import tempfile
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings

SEAL_FIELD = "PortalSeal"
DEMO_FILE = "demo-seal.pem"
DEMO_NAME = "Partnership portal DEMO seal (not for real use)"


class SealNotConfigured(Exception):
    pass


# --- Configuration -------------------------------------------------------------------------------


def configured_source() -> str:
    """'pem', 'pkcs12', 'demo', or '' (nothing configured and no demo allowed)."""
    if settings.PORTAL_SEAL_PKCS12:
        return "pkcs12"
    if settings.PORTAL_SEAL_KEY or settings.PORTAL_SEAL_CERT:
        return "pem"
    return "demo" if settings.PORTAL_SEAL_DEMO else ""


def configuration_problems() -> list[str]:
    """What stops the portal sealing PDFs, in an operator's words (empty when it can)."""
    source = configured_source()
    if not source:
        return [
            "No PDF seal certificate is configured: signed memoranda are stored without a digital seal. "
            "Set PORTAL_SEAL_KEY and PORTAL_SEAL_CERT (PEM) or PORTAL_SEAL_PKCS12 and PORTAL_SEAL_PASSPHRASE "
            "(see docs/operator.md, 'PDF seal')."
        ]
    if source == "pem" and not (settings.PORTAL_SEAL_KEY and settings.PORTAL_SEAL_CERT):
        return ["PORTAL_SEAL_KEY and PORTAL_SEAL_CERT must both be set (the seal's private key and its certificate)."]
    paths = {
        "pem": [settings.PORTAL_SEAL_KEY, settings.PORTAL_SEAL_CERT, *settings.PORTAL_SEAL_CHAIN],
        "pkcs12": [settings.PORTAL_SEAL_PKCS12, *settings.PORTAL_SEAL_CHAIN],
        "demo": [],
    }[source]
    missing = [p for p in paths if not Path(p).is_file()]
    if missing:
        return [f"The PDF seal's file {p} does not exist or is not a file." for p in missing]
    try:
        _signer_for(*_config_key())
    except Exception as error:  # noqa: BLE001 - any failure to load is reported in the operator's words
        return [f"The PDF seal's certificate or key could not be loaded: {error}"]
    return []


def _config_key() -> tuple:
    return (
        configured_source(),
        settings.PORTAL_SEAL_KEY,
        settings.PORTAL_SEAL_CERT,
        tuple(settings.PORTAL_SEAL_CHAIN),
        settings.PORTAL_SEAL_PKCS12,
        settings.PORTAL_SEAL_PASSPHRASE,
        str(settings.PORTAL_SEAL_DEMO_DIR),
    )


def can_seal() -> bool:
    return bool(configured_source())


# --- The demo certificate ------------------------------------------------------------------------


def demo_certificate_path() -> Path:
    """The demo key and certificate (one PEM file), made on first use. Written to a temporary file
    and renamed, so two processes starting at once never read half a file."""
    folder = Path(settings.PORTAL_SEAL_DEMO_DIR)
    path = folder / DEMO_FILE
    if path.is_file():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    return write_self_signed(path, DEMO_NAME, "Partnership portal (demo)")


def write_self_signed(path: Path, common_name: str, organisation: str) -> Path:
    """A new RSA key and a self-signed certificate for it, in one PEM file at `path` (usable as
    both PORTAL_SEAL_KEY and PORTAL_SEAL_CERT): the demo seal, and a quick one for a test system."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        ]
    )
    # Valid for decades either side of now, so a frozen or shifted test clock never falls outside it.
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=365 * 20))
        .not_valid_after(now + dt.timedelta(days=365 * 30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ) + cert.public_bytes(serialization.Encoding.PEM)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".demo-seal-")
    with os.fdopen(handle, "wb") as out:
        out.write(pem)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
    return path


# --- Signing -------------------------------------------------------------------------------------


def _read(path: str | Path) -> bytes:
    return Path(path).read_bytes()


def _chain_certs():
    from pyhanko.keys import load_certs_from_pemder_data

    certs = []
    for path in settings.PORTAL_SEAL_CHAIN:
        certs.extend(load_certs_from_pemder_data(_read(path)))
    return certs


@lru_cache(maxsize=4)
def _signer_for(source, key_path, cert_path, chain, pkcs12_path, passphrase, demo_dir):
    from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    secret = passphrase.encode() if passphrase else None
    if source == "pkcs12":
        signer = signers.SimpleSigner.load_pkcs12_data(_read(pkcs12_path), _chain_certs(), passphrase=secret)
        if signer is None:
            raise SealNotConfigured("the PKCS#12 file could not be read (wrong passphrase?)")
        return signer
    if source == "pem":
        key_data, cert_data, chain_certs = _read(key_path), _read(cert_path), _chain_certs()
    elif source == "demo":
        key_data = cert_data = _read(demo_certificate_path())
        chain_certs = []
    else:
        raise SealNotConfigured(configuration_problems()[0])
    key = load_private_key_from_pemder_data(key_data, passphrase=secret)
    cert, *extra = load_certs_from_pemder_data(cert_data)
    registry = SimpleCertificateStore.from_certs([cert, *extra, *chain_certs])
    return signers.SimpleSigner(signing_cert=cert, signing_key=key, cert_registry=registry)


def signer():
    if not can_seal():
        raise SealNotConfigured(configuration_problems()[0])
    return _signer_for(*_config_key())


def seal_certificate():
    """The certificate (asn1crypto) the portal seals with now."""
    return signer().signing_cert


T = TypeVar("T")


def _run(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run one of pyHanko's coroutines to the end. Its plain functions call asyncio.run(), which
    fails in a thread that already runs an event loop (an async server, a browser driver in
    tests); there the coroutine gets a loop of its own in a short-lived thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


def seal_pdf(pdf: bytes, *, reason: str = "Sealed by the partnership portal: the document is complete") -> bytes:
    """`pdf` with the portal's seal appended (an incremental update, so the document and its
    PDF/A conformance are kept). Raises SealNotConfigured when the portal cannot seal."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers, timestamps
    from pyhanko.sign.fields import SigSeedSubFilter

    timestamper = timestamps.HTTPTimeStamper(settings.PORTAL_SEAL_TSA_URL) if settings.PORTAL_SEAL_TSA_URL else None
    metadata = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        name=settings.PORTAL_OPERATOR_NAME,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    out = _run(lambda: signers.async_sign_pdf(writer, metadata, signer=signer(), timestamper=timestamper))
    return out.getvalue()


# --- Checking a seal -----------------------------------------------------------------------------

INTACT, BROKEN, NONE, FOREIGN = "intact", "broken", "none", "foreign"


@dataclass(frozen=True)
class SealReport:
    state: str  # INTACT, BROKEN (changed after sealing), FOREIGN (a valid seal, not the portal's), NONE
    signer: str = ""
    signed_at: dt.datetime | None = None

    @property
    def intact(self) -> bool:
        return self.state == INTACT


def fingerprint(cert) -> str:
    return hashlib.sha256(cert.dump()).hexdigest()


def portal_fingerprints() -> set[str]:
    """The certificates whose seals are the portal's: the current one and the earlier ones an
    operator lists in PORTAL_SEAL_PREVIOUS_CERTS (so PDFs sealed before a rotation still count)."""
    from pyhanko.keys import load_certs_from_pemder_data

    known = set()
    # A broken configuration seals nothing, so it recognises nothing (the deploy check names it).
    if can_seal() and not configuration_problems():
        known.add(fingerprint(seal_certificate()))
    for path in settings.PORTAL_SEAL_PREVIOUS_CERTS:
        try:
            known.update(fingerprint(c) for c in load_certs_from_pemder_data(_read(path)))
        except OSError:
            continue
    return known


def check_seal(pdf: bytes) -> SealReport:
    """Is `pdf` sealed by the portal, and is the seal intact over the whole file?"""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
    except Exception:  # noqa: BLE001 - a file pyHanko cannot read carries no seal we can check
        return SealReport(NONE)
    if not signatures:
        return SealReport(NONE)
    last = signatures[-1]
    try:
        cert = last.signer_cert
        context = ValidationContext(trust_roots=[cert], allow_fetching=False)
        status = _run(lambda: async_validate_pdf_signature(last, context, skip_diff=True))
    except Exception:  # noqa: BLE001 - a signature that cannot even be parsed was damaged
        return SealReport(BROKEN)
    name = cert.subject.human_friendly
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    if not (status.intact and status.valid and whole):
        return SealReport(BROKEN, name, status.signer_reported_dt)
    if fingerprint(cert) not in portal_fingerprints():
        return SealReport(FOREIGN, name, status.signer_reported_dt)
    return SealReport(INTACT, name, status.signer_reported_dt)
