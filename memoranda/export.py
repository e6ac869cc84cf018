"""Bulk export: every active signed PDF of a partnership in one zip, with a manifest of hashes."""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile

from django.utils import timezone
from django.utils.text import slugify

from memoranda.models import Memorandum, MemorandumVersion, Status, VersionStatus
from memoranda.verification import verify_url
from partnerships.access import Perm, can
from partnerships.models import Partnership
from portal.downloads import cell_text
from portal.hashing import sha256_of_bytes

MANIFEST_COLUMNS = [
    "file",
    "memorandum",
    "kind",
    "version",
    "status",
    "effective_date",
    "review_date",
    "parties",
    "version_sha256",
    "pdf_sha256",
    "file_matches_record",
]


def active_signed_versions(partnership) -> list[MemorandumVersion]:
    return list(
        MemorandumVersion.objects.filter(
            memorandum__partnership=partnership, memorandum__status=Status.ACTIVE, status=VersionStatus.SIGNED
        )
        .exclude(pdf="")
        .select_related("memorandum")
        .order_by("memorandum__title", "number")
    )


def build_zip(partnership, versions: list[MemorandumVersion], spool=None, step=None):
    """Write the zip to `spool` (by default a temporary file, kept in memory while small) and
    return it, rewound; `step()` is called after each PDF (the export job's progress).

    Each PDF's hash is recomputed from the stored bytes and compared with the record, so the
    manifest also tells the reader whether a stored file was altered."""
    if spool is None:
        spool = tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024)  # noqa: SIM115 - returned to the caller
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(MANIFEST_COLUMNS)
    used: set[str] = set()
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for version in versions:
            memorandum: Memorandum = version.memorandum
            name = f"{slugify(memorandum.title)[:60] or 'memorandum'}-v{version.number}.pdf"
            if name in used:
                name = f"{memorandum.pk}-{name}"
            used.add(name)
            with version.pdf.open("rb") as handle:
                data = handle.read()
            archive.writestr(name, data)
            writer.writerow(
                cell_text(value)
                for value in [
                    name,
                    memorandum.title,
                    memorandum.get_kind_display(),
                    version.number,
                    memorandum.get_status_display(),
                    memorandum.effective_date.isoformat() if memorandum.effective_date else "",
                    memorandum.review_date.isoformat() if memorandum.review_date else "",
                    "; ".join(p["organisation"] for p in version.parties),
                    version.sha256,
                    version.pdf_sha256,
                    "yes" if sha256_of_bytes(data) == version.pdf_sha256 else "NO - file altered",
                ]
            )
            if step is not None:
                step()
        archive.writestr("manifest.csv", manifest.getvalue())
        archive.writestr(
            "README.txt",
            f"Active signed memoranda of {partnership.name}, exported {timezone.localdate():%d %B %Y}.\n\n"
            "manifest.csv lists each PDF with the SHA-256 fingerprint of its signed text (version_sha256)\n"
            "and of the PDF file itself (pdf_sha256). Check any file at "
            f"{verify_url()}\n",
        )
    spool.seek(0)
    return spool


# --- As an export job (portal/jobs/exports.py) ----------------------------------------------


def _zip_writer(export):
    from portal.jobs.exports import FileWriter

    partnership = Partnership.objects.get(pk=export.params["partnership"])
    versions = active_signed_versions(partnership) if can(export.owner, partnership, Perm.VIEW) else []
    return FileWriter(len(versions), lambda handle, step: build_zip(partnership, versions, handle, step))


def _may_fetch_zip(user, export) -> bool:
    """Any member of the partnership, as for the list of its memoranda."""
    return can(user, export.params["partnership"], Perm.VIEW)


def register() -> None:
    from portal.jobs.exports import register_export

    register_export("memoranda_zip", _zip_writer, _may_fetch_zip)
