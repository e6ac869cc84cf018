"""Signing: freezing the draft as a version and sending it, each party's signature, declining
and withdrawing, and the last signature that activates the memorandum and stores its PDF."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse

from memoranda import clock
from memoranda.actions import Action
from memoranda.canonical import canonical_content
from memoranda.models import (
    REASON_MAX_CHARS,
    Memorandum,
    MemorandumVersion,
    Signature,
    SigningEvent,
    SigningEventKind,
    Status,
    VersionStatus,
    sha256_of,
)
from memoranda.pdf import render_sealed_pdf
from memoranda.permissions import MemorandumPerm
from memoranda.services.common import add_months, bump, clean_text, leads, lock
from memoranda.services.completeness import completeness
from memoranda.services.states import require_state
from memoranda.verification import check_version, verify_url
from partnerships.access import membership_of, require
from partnerships.models import Role
from portal.audit import record
from portal.concurrency import refuse_stale
from portal.exceptions import InvalidTransition
from portal.hashing import sha256_of_bytes
from portal.jobs.engine import enqueue, job
from portal.links import absolute_url
from portal.mail import send_on_commit
from portal.proxy import Client

SIGNING_METHOD = "Signed online in the portal: password re-entered, full name typed, authority declared"


def next_version_number(memorandum: Memorandum) -> int:
    highest = MemorandumVersion.objects.filter(memorandum__lineage=memorandum.lineage).aggregate(m=Max("number"))["m"]
    return (highest or 0) + 1


def _prefetched(memorandum: Memorandum) -> Memorandum:
    return (
        Memorandum.objects.select_related("partnership")
        .prefetch_related(
            "sections", "parties__organisation", "parties__signatory", "place_commitments__organisation", "comments"
        )
        .get(pk=memorandum.pk)
    )


@transaction.atomic
def send_for_signature(actor, memorandum: Memorandum, *, base_revision: int | str | None) -> MemorandumVersion:
    """Freeze the draft as a numbered version, hash it, and ask each named signatory to sign."""
    memorandum = lock(memorandum)
    require(actor, memorandum.partnership, MemorandumPerm.DRAFT)
    require_state(memorandum, "send")
    # The lock waits for any edit in flight, and the revision check refuses a send from a page
    # that did not show the latest text: what is frozen is exactly what the lead saw.
    refuse_stale(
        memorandum,
        base_revision,
        "The memorandum changed after you opened this page. Check the latest text below, then send it again.",
    )
    full = _prefetched(memorandum)
    check = completeness(full)
    if not check["ready"]:
        raise ValidationError(["Complete these before sending for signature:", *check["missing"]])
    content = canonical_content(full)
    version = MemorandumVersion.objects.create(
        memorandum=memorandum,
        number=next_version_number(memorandum),
        content=content,
        sha256=sha256_of(content),
        sent_at=clock.now(),
        sent_by=actor,
    )
    memorandum.status = Status.AWAITING
    memorandum.save(update_fields=["status", "updated_at"])
    record(
        actor,
        Action.SENT_FOR_SIGNATURE,
        memorandum,
        changes={"version": [None, version.number], "sha256": [None, version.sha256]},
        summary=f"Sent version {version.number} for signature",
        partnership_id=memorandum.partnership_id,
    )
    signatories = [p.signatory for p in full.parties.all()]
    SigningEvent.objects.bulk_create(
        SigningEvent(
            version=version,
            organisation_id=party["organisation_id"],
            person_id=party["signatory_id"],
            kind=SigningEventKind.SENT,
            at=version.sent_at,
        )
        for party in version.parties
    )
    send_on_commit(
        "memoranda/email/sign_request",
        {
            "memorandum": memorandum,
            "version": version,
            "sign_url": absolute_url(reverse("memoranda:sign", kwargs={"pk": memorandum.pk})),
            "parties": content["parties"],
        },
        signatories,
    )
    return version


def _awaiting_version(memorandum: Memorandum, version: MemorandumVersion | None) -> MemorandumVersion:
    latest = MemorandumVersion.objects.select_for_update().filter(memorandum=memorandum).order_by("-number").first()
    if latest is None or latest.status != VersionStatus.AWAITING or (version is not None and version.pk != latest.pk):
        raise InvalidTransition(
            "This version is no longer the one awaiting signatures: a newer version was sent or it was withdrawn. "
            "Open the memorandum again."
        )
    return latest


def signer_party(actor, version: MemorandumVersion) -> dict:
    """The party in the frozen text this person may sign for, or PermissionDenied saying why not."""
    membership = membership_of(actor, version.memorandum.partnership_id)
    if membership is None or membership.role != Role.SIGNATORY or membership.organisation_id is None:
        raise PermissionDenied("Only a signatory who represents one of the parties can sign this memorandum.")
    party = next((p for p in version.parties if p["organisation_id"] == membership.organisation_id), None)
    if party is None:
        raise PermissionDenied(
            f"You represent {membership.organisation}, which is not a party to this memorandum, so you cannot sign it."
        )
    if party["signatory_id"] != actor.pk:
        raise PermissionDenied(
            f"The named signatory for {party['organisation']} is {party['signatory'] or 'nobody yet'}. "
            "Only they can sign for it."
        )
    return party


def _signing_event(version, party: dict, actor, kind: str, client: Client | None) -> tuple[SigningEvent, bool]:
    """Write one step of a party's signing once: (the event, whether this call wrote it)."""
    return SigningEvent.objects.get_or_create(
        version=version,
        organisation_id=party["organisation_id"],
        kind=kind,
        defaults={
            "person": actor,
            "at": clock.now(),
            "ip_address": client.ip_address if client else None,
            "user_agent": client.user_agent if client else "",
        },
    )


@transaction.atomic
def record_viewed(actor, version: MemorandumVersion, *, client: Client | None) -> SigningEvent | None:
    """The named signatory opened the signing page of the version awaiting them: the first time is
    kept (time, address, browser) for the certificate of completion, with an audit event. Anyone
    else, or a version no longer awaiting signatures, records nothing."""
    if version.status != VersionStatus.AWAITING:
        return None
    try:
        party = signer_party(actor, version)
    except PermissionDenied:
        return None
    if version.signing_events.filter(organisation_id=party["organisation_id"], kind=SigningEventKind.VIEWED).exists():
        return None  # only the first opening is evidence; later ones cost one query
    event, created = _signing_event(version, party, actor, SigningEventKind.VIEWED, client)
    if not created:
        return None  # a second tab opened at the same moment: the first one is the evidence
    record(
        actor,
        Action.SIGNING_VIEWED,
        version.memorandum,
        changes={"version": [None, version.number], "organisation": [None, party["organisation"]]},
        summary=f"Opened version {version.number} to sign for {party['organisation']}",
        partnership_id=version.memorandum.partnership_id,
    )
    return event


def _names_match(typed: str, full_name: str) -> bool:
    def norm(s: str) -> str:
        return " ".join((s or "").split()).casefold()

    return bool(norm(typed)) and norm(typed) == norm(full_name)


@transaction.atomic
def sign(
    actor,
    version: MemorandumVersion,
    *,
    password: str,
    typed_name: str,
    position: str,
    authority_confirmed: bool,
    expected_sha256: str,
    client: Client | None = None,
) -> Signature:
    """Sign for the actor's own organisation. Every check runs before anything is stored: the
    password, the named signatory, the state, and that the text still hashes to the fingerprint
    the signer was shown (and that the audit trail recorded when it was sent)."""
    memorandum = lock(version.memorandum_id)
    require(actor, memorandum.partnership, MemorandumPerm.SIGN)
    require_state(memorandum, "sign")
    if memorandum.replaces_id:
        # The last signature supersedes the memorandum this one replaces: lock it now, before the
        # audit trail's lock is taken, so a review of it recorded at the same moment cannot deadlock.
        lock(memorandum.replaces_id)
    version = _awaiting_version(memorandum, version)
    party = signer_party(actor, version)
    errors = {}
    if not actor.check_password(password or ""):
        errors["password"] = "The password is not correct"
    if not _names_match(typed_name, actor.full_name):
        errors["typed_name"] = f"Type your full name exactly as it is on your account: {actor.full_name}"
    position = " ".join((position or "").split())
    if not position or len(position) > 200 or "\x00" in position:
        errors["position"] = "Enter your position, for example Assistant Director, Children's Services"
    if not authority_confirmed:
        errors["authority"] = f"Confirm that you are authorised to sign for {party['organisation']}"
    if errors:
        raise ValidationError(errors)
    if expected_sha256 != version.sha256:
        raise InvalidTransition(
            "The text changed after you opened it, so it was not signed. Read the current version and sign again."
        )
    integrity = check_version(version)
    if not integrity.ok:
        raise InvalidTransition(
            "This version cannot be signed: its stored record no longer matches the fingerprint it was sent with. "
            "The partnership lead must send a new version."
        )
    existing = version.signatures.filter(organisation_id=party["organisation_id"]).first()
    if existing:  # a double submission signs once
        return existing
    signature = Signature.objects.create(
        version=version,
        organisation_id=party["organisation_id"],
        signer=actor,
        typed_name=" ".join(typed_name.split()),
        position=position,
        signed_at=clock.now(),
        method=SIGNING_METHOD,
        sha256=version.sha256,
    )
    _signing_event(version, party, actor, SigningEventKind.SIGNED, client)
    record(
        actor,
        Action.SIGNED,
        memorandum,
        changes={
            "version": [None, version.number],
            "sha256": [None, version.sha256],
            "organisation": [None, party["organisation"]],
        },
        summary=f"Signed version {version.number} for {party['organisation']}",
        partnership_id=memorandum.partnership_id,
    )
    if version.signatures.count() == len(version.parties):
        _activate(actor, memorandum, version)
    return signature


@job(max_attempts=5, time_limit=120, backoff=30)
def seal_signed_pdf(version_id: int, superseded_ids: list[int] | None = None) -> str:
    """The signed PDF, as a job after the last signature commits: rendering (about a second) runs
    outside any transaction and so outside the audit trail's lock; the file, its digest and the
    audit event go in one short transaction. Runs once: a version with its PDF is left alone."""
    version = MemorandumVersion.objects.filter(pk=version_id, status=VersionStatus.SIGNED).first()
    if version is None or version.pdf:
        return "nothing to do"
    memorandum = Memorandum.objects.select_related("partnership").get(pk=version.memorandum_id)
    pdf = render_sealed_pdf(memorandum, version)  # the digest below is of the sealed file
    with transaction.atomic():
        locked = MemorandumVersion.objects.select_for_update().get(pk=version_id)
        if locked.pdf:
            return "already stored"  # another worker finished first
        name = f"memorandum-{memorandum.pk}-version-{locked.number}.pdf"
        storage = locked.pdf.storage
        if storage.exists(f"memoranda/{name}"):
            storage.delete(f"memoranda/{name}")  # left by an attempt that died before its commit
        locked.pdf_sha256 = sha256_of_bytes(pdf)
        locked.pdf.save(name, ContentFile(pdf), save=False)
        locked.save(update_fields=["pdf", "pdf_sha256"])
        record(
            None,
            Action.PDF_SEALED,
            memorandum,
            changes={"pdf_sha256": [None, locked.pdf_sha256]},
            summary=f"Stored the signed PDF of version {locked.number}",
            partnership_id=memorandum.partnership_id,
        )
        _send_signed(memorandum, locked, superseded_ids or [])
    return locked.pdf_sha256


def _activate(actor, memorandum: Memorandum, version: MemorandumVersion) -> None:
    """Every party signed (we hold the row locks): activate once, supersede the memorandum this
    one replaces, and queue the job that stores the PDF once (seal_signed_pdf)."""
    today = clock.today()
    version.status, version.signed_at = VersionStatus.SIGNED, clock.now()
    version.save(update_fields=["status", "signed_at"])
    memorandum.status = Status.ACTIVE
    memorandum.effective_date = max(today, memorandum.start_date)
    memorandum.review_date = add_months(memorandum.effective_date, memorandum.review_interval_months)
    memorandum.save()
    superseded = []
    if memorandum.replaces_id:
        old = (
            Memorandum.objects.select_for_update(of=("self",))
            .filter(pk=memorandum.replaces_id, status__in=[Status.ACTIVE, Status.EXPIRED])
            .first()
        )
        if old is not None:
            previous = old.status
            old.status = Status.SUPERSEDED
            old.save(update_fields=["status", "updated_at"])
            superseded.append(old)
            record(
                actor,
                Action.SUPERSEDED,
                old,
                changes={"status": [previous, Status.SUPERSEDED]},
                summary=f"Superseded by version {version.number}, now signed",
                partnership_id=memorandum.partnership_id,
            )
    record(
        actor,
        Action.ACTIVATED,
        memorandum,
        changes={"status": [Status.AWAITING, Status.ACTIVE]},
        summary=f"Version {version.number} fully signed and active",
        partnership_id=memorandum.partnership_id,
    )
    # The PDF is rendered by a job once this commits (in process, at once): the signer does not
    # wait. The job sends the "signed" e-mail, which links to the PDF and gives its fingerprint.
    enqueue(seal_signed_pdf, version.pk, [m.pk for m in superseded], in_process="now")


def _send_signed(memorandum: Memorandum, version: MemorandumVersion, superseded_ids) -> None:
    people = [p.signatory for p in memorandum.parties.select_related("signatory")] + leads(memorandum.partnership_id)
    send_on_commit(
        "memoranda/email/signed",
        {
            "memorandum": memorandum,
            "version": version,
            "superseded": list(Memorandum.objects.filter(pk__in=superseded_ids)),
            "url": absolute_url(memorandum.get_absolute_url()),
            "pdf_url": absolute_url(reverse("memoranda:pdf", kwargs={"pk": memorandum.pk})),
            "verify_url": verify_url(),
        },
        people,
    )


def _back_to_draft(actor, memorandum, version, *, status: str, reason: str, action: str, summary: str) -> None:
    """Close a version that will never be signed (declined or withdrawn) and reopen the draft:
    the next send is a new version that every party signs again."""
    version.status, version.declined_reason = status, reason
    version.declined_by = actor if status == VersionStatus.DECLINED else None
    version.save(update_fields=["status", "declined_reason", "declined_by"])
    bump(memorandum, status=Status.DRAFT)
    record(
        actor,
        action,
        memorandum,
        changes={"version": [None, version.number], "reason": [None, reason]},
        summary=summary,
        partnership_id=memorandum.partnership_id,
    )


@transaction.atomic
def decline(actor, version: MemorandumVersion, *, reason: str, client: Client | None = None) -> MemorandumVersion:
    """A named signatory declines, with a reason: the version is closed and the memorandum returns
    to draft, so a new version (signed by everyone again) is needed."""
    memorandum = lock(version.memorandum_id)
    require(actor, memorandum.partnership, MemorandumPerm.SIGN)
    require_state(memorandum, "decline")
    version = _awaiting_version(memorandum, version)
    party = signer_party(actor, version)
    reason = clean_text(reason, field="reason", label="reason", limit=REASON_MAX_CHARS, required=True).strip()
    _signing_event(version, party, actor, SigningEventKind.DECLINED, client)
    _back_to_draft(
        actor,
        memorandum,
        version,
        status=VersionStatus.DECLINED,
        reason=reason,
        action=Action.DECLINED,
        summary=f"Declined to sign version {version.number} for {party['organisation']}; back to draft",
    )
    others = [p.signatory for p in memorandum.parties.select_related("signatory") if p.signatory_id != actor.pk]
    send_on_commit(
        "memoranda/email/declined",
        {
            "memorandum": memorandum,
            "version": version,
            "decliner": actor,
            "organisation": party["organisation"],
            "reason": reason,
            "url": absolute_url(memorandum.get_absolute_url()),
        },
        leads(memorandum.partnership_id) + others,
    )
    return version


@transaction.atomic
def withdraw(actor, memorandum: Memorandum, *, reason: str) -> MemorandumVersion:
    """The lead takes a version back from signing (for example to correct it): back to draft."""
    memorandum = lock(memorandum)
    require(actor, memorandum.partnership, MemorandumPerm.DRAFT)
    require_state(memorandum, "withdraw")
    version = _awaiting_version(memorandum, None)
    reason = clean_text(reason, field="reason", label="reason", limit=REASON_MAX_CHARS, required=True).strip()
    _back_to_draft(
        actor,
        memorandum,
        version,
        status=VersionStatus.WITHDRAWN,
        reason=reason,
        action=Action.WITHDRAWN,
        summary=f"Withdrew version {version.number} from signing; back to draft",
    )
    send_on_commit(
        "memoranda/email/withdrawn",
        {
            "memorandum": memorandum,
            "version": version,
            "reason": reason,
            "url": absolute_url(memorandum.get_absolute_url()),
        },
        [p.signatory for p in memorandum.parties.select_related("signatory")],
    )
    return version
