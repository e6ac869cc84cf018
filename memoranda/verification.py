"""Checking a memorandum someone holds: public verification by fingerprint or PDF, and the
integrity checks that a frozen version is still exactly what was sent.

Anyone may verify (the verify page has no login). Strangers learn only the title, partnership,
parties, status and dates; members of the partnership also get a link to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.dateformat import format as date_format

from memoranda.actions import Action
from memoranda.models import MemorandumVersion, Signature, Status, VersionStatus
from partnerships.access import can_see
from portal.files import check_upload
from portal.hashing import sha256_of_file
from portal.links import absolute_url
from portal.models import AuditEvent
from portal.seal import check_seal


def verify_url() -> str:
    """The public verify page, as printed in e-mails, exports and PDFs."""
    return absolute_url(reverse("memoranda:verify"))


# --- Integrity of a frozen version ---------------------------------------------------------------


@dataclass(frozen=True)
class IntegrityReport:
    problems: list[str]
    # Of the problems, those that say the record cannot be confirmed (a broken audit trail) rather
    # than that it was altered.
    unconfirmed: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def altered(self) -> bool:
        return len(self.problems) > len(self.unconfirmed)


def check_version(version, *, check_audit: bool = True, check_pdf: bool = False) -> IntegrityReport:
    """Is this frozen version still exactly what was sent? Three independent checks:

    * its content still hashes to its stored SHA-256 (someone edited the text in the database);
    * the audit trail, a hash chain of its own, recorded this same SHA-256 when it was sent (someone
      rewrote both text and hash);
    * for signed versions, optionally, the stored PDF still hashes to the recorded PDF SHA-256.
    """
    problems = []
    if not version.hash_matches():
        problems.append(
            f"The stored text of version {version.number} no longer matches its SHA-256 fingerprint: "
            "it has been altered since it was sent."
        )
    if check_audit:
        recorded = [
            (event.changes or {}).get("sha256", [None, None])[1]
            for event in AuditEvent.objects.filter(
                action=Action.SENT_FOR_SIGNATURE,
                target_type="memoranda.memorandum",
                target_id=str(version.memorandum_id),
            ).only("changes")
        ]
        if version.sha256 not in recorded:
            problems.append(
                f"The audit trail has no record of version {version.number} being sent with this fingerprint: "
                "the version record has been altered."
            )
    unconfirmed = _unconfirmable_record(version) if check_audit else []
    problems.extend(unconfirmed)
    if check_pdf and version.pdf:
        try:
            with version.pdf.open("rb") as handle:
                digest = sha256_of_file(handle)
        except OSError:
            digest = None
        if digest != version.pdf_sha256:
            problems.append("The stored signed PDF no longer matches its recorded SHA-256 fingerprint.")
    return IntegrityReport(problems, tuple(unconfirmed))


def _unconfirmable_record(version) -> list[str]:
    """A problem when the newest full audit check found this memorandum's events in a broken part
    of the trail: the text may still match, but the record of who did what can no longer be
    vouched for, and whoever relies on the copy should hear that."""
    from portal.audit_status import latest_failure, unconfirmable_events

    failure = latest_failure()
    if failure is None:
        return []
    events = AuditEvent.objects.filter(
        target_type="memoranda.memorandum", target_id=str(version.memorandum_id)
    ).values_list("id", flat=True)
    broken = unconfirmable_events(events)
    if not broken:
        return []
    return [
        f"The audit trail's integrity check on {date_format(failure.checked_at, 'j F Y')} found "
        f"{len(broken)} of this memorandum's recorded events in a broken part of the trail: who did what, "
        "and when, can no longer be confirmed."
    ]


# --- Public verification -----------------------------------------------------------------------

# Keyed by the status strings the models store (a TextChoices member is one of them).
_VERIFIED: dict[str, tuple[str, str]] = {
    Status.ACTIVE: ("green", "Signed and in force"),
    Status.SUPERSEDED: ("grey", "Signed, but superseded by a later version"),
    Status.EXPIRED: ("red", "Signed, but expired: its review date passed without a review"),
    Status.ENDED: ("grey", "Signed, but ended"),
}
_UNSIGNED: dict[str, tuple[str, str]] = {
    VersionStatus.AWAITING: ("blue", "Sent for signature, not yet signed by every party"),
    VersionStatus.DECLINED: ("red", "Declined by a signatory: never came into force"),
    VersionStatus.WITHDRAWN: ("grey", "Withdrawn from signing: never came into force"),
}


def verification_status(version: MemorandumVersion) -> tuple[str, str]:
    """(colour, words) for a version, as a stranger holding a copy needs to hear it."""
    if version.status == VersionStatus.SIGNED:
        colour, words = _VERIFIED.get(version.memorandum.status, ("grey", "Signed"))
        if version.memorandum.status == Status.ENDED and version.memorandum.ended_on:
            words += f" on {date_format(version.memorandum.ended_on, 'j F Y')}"
        elif version.memorandum.not_yet_in_force and version.memorandum.effective_date is not None:
            effective = date_format(version.memorandum.effective_date, "j F Y")
            colour, words = "blue", f"Signed by every party; comes into force on {effective}"
        return colour, words
    return _UNSIGNED.get(version.status, ("grey", version.get_status_display()))


def find_version_by_hash(sha256: str) -> MemorandumVersion | None:
    """The version whose text fingerprint, or whose signed PDF's fingerprint, is this hash."""
    return (
        MemorandumVersion.objects.filter(Q(sha256=sha256) | Q(pdf_sha256=sha256))
        .select_related("memorandum__partnership")
        .prefetch_related(Prefetch("signatures", queryset=Signature.objects.select_related("organisation")))
        .order_by("-number")
        .first()
    )


def fingerprint_of_upload(upload) -> str:
    """The SHA-256 of an uploaded PDF; ValidationError (for the upload field) if it is not one."""
    check_upload(upload, allowed={"application/pdf": "PDF"}, max_bytes=settings.MAX_UPLOAD_BYTES)
    upload.seek(0)
    return sha256_of_file(upload)


def verify(user, *, sha256: str = "", upload=None) -> dict[str, Any]:
    """What the verify page shows for a fingerprint, or for an uploaded PDF (which wins when both
    are given). Raises ValidationError when the upload is not a PDF."""
    sha, matched_by, seal = sha256, "fingerprint", None
    if upload is not None:
        sha, matched_by = fingerprint_of_upload(upload), "pdf"
        # The seal is checked on its own (any reader could do the same): a file may match no
        # fingerprint and still carry an intact seal, or match none because it changed after sealing.
        upload.seek(0)
        seal = check_seal(upload.read())
    version = find_version_by_hash(sha)
    result: dict[str, Any] = {"sha256": sha, "matched_by": matched_by, "version": version, "seal": seal}
    if version is None:
        return result
    memorandum = version.memorandum
    colour, words = verification_status(version)
    integrity = check_version(version)
    result.update(
        {
            "memorandum": memorandum,
            "colour": "red" if not integrity.ok else colour,
            "words": (
                "Record altered: do not rely on it"
                if integrity.altered
                else "Record cannot be confirmed: do not rely on it alone"
                if not integrity.ok
                else words
            ),
            "problems": integrity.problems,
            "is_pdf": sha == version.pdf_sha256,
            "member": can_see(user, memorandum.partnership_id),
        }
    )
    return result
