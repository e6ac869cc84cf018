"""The memorandum PDF (WeasyPrint): cover, sections, responsibilities, placement numbers,
signature page, evidence certificate, metadata, "Page X of Y", and a watermark on anything that
is not fully signed."""

from __future__ import annotations

import json

from django.utils import timezone

from memoranda.actions import Action
from memoranda.canonical import canonical_content, places_table
from memoranda.models import VersionStatus
from memoranda.selectors import completion_lines, party_lines
from memoranda.verification import verify_url
from portal.audit import chain_head, history_for
from portal.pdf import render_pdf
from portal.seal import can_seal, seal_pdf

DRAFT_MARK = "DRAFT - not signed"
_EVIDENCE_ACTIONS = {Action.SENT_FOR_SIGNATURE: "Sent for signature", Action.SIGNED: "Signed"}


def _audit_references(memorandum, version) -> list[dict]:
    """The audit-trail events that recorded sending and signing this version (id and hash), so
    the certificate can be checked against the portal's tamper-evident trail."""
    refs = []
    # Every such event, however long the memorandum's history: a certificate must not lose one.
    for event in reversed(history_for(target=memorandum, actions=_EVIDENCE_ACTIONS, limit=None)):
        changes = event.changes or {}
        if changes.get("sha256", [None, None])[1] == version.sha256:
            refs.append({"id": event.pk, "hash": event.hash, "what": event.summary})
    return refs


def pdf_context(memorandum, version=None) -> dict:
    """`version` None renders the live draft."""
    content = version.content if version is not None else canonical_content(memorandum)
    years, rows = places_table(content)
    signed = version is not None and version.status == VersionStatus.SIGNED
    return {
        "memorandum": memorandum,
        "version": version,
        "content": content,
        "parties": party_lines(content, version),
        "place_years": years,
        "place_rows": rows,
        "signatures": list(version.signatures.select_related("signer", "organisation")) if version else [],
        "completion": completion_lines(version) if version is not None else [],
        "audit_refs": _audit_references(memorandum, version) if version is not None else [],
        # The newest event of the whole trail when the PDF was made, printed so the trail can
        # later be checked against a copy held outside the database (a signed PDF is one).
        "chain_head": chain_head() if version is not None else None,
        "draft": not signed,
        "draft_mark": DRAFT_MARK,
        "generated_at": timezone.now(),
        "verify_url": verify_url(),
    }


EVIDENCE_FILE = "evidence.json"


def evidence_json(context: dict) -> str:
    """The certificate of completion as data, embedded in the signed PDF (PDF/A-3 allows it) so a
    program can read who signed what, and when, without parsing the printed page."""
    version = context["version"]
    head = context["chain_head"]
    evidence = {
        "memorandum": {"id": context["memorandum"].pk, "title": context["content"]["title"]},
        "partnership": context["memorandum"].partnership.name,
        "version": version.number,
        "sha256": version.sha256,
        "sent_at": version.sent_at.isoformat() if version.sent_at else None,
        "signed_at": version.signed_at.isoformat() if version.signed_at else None,
        "signatures": [
            {
                "organisation": s.organisation.name,
                "name": s.typed_name,
                "position": s.position,
                "signed_at": s.signed_at.isoformat(),
                "method": s.method,
                "sha256": s.sha256,
            }
            for s in context["signatures"]
        ],
        "certificate_of_completion": [
            {
                "organisation": line.organisation,
                "signatory": line.signatory,
                "email": line.email,
                "position": line.position,
                "seniority": line.seniority,
                "method": line.signature.method if line.signature else None,
                "events": [
                    {
                        "step": kind,
                        "at": event.at.isoformat(),
                        "ip_address": event.ip_address,
                        "user_agent": event.user_agent or None,
                    }
                    for kind, event in line.events.items()
                ],
            }
            for line in context["completion"]
        ],
        "audit_events": context["audit_refs"],
        "audit_chain_head": {"id": head.sequence, "hash": head.hash, "events": head.count}
        if head is not None
        else None,
        "generated_at": context["generated_at"].isoformat(),
        "verify_url": context["verify_url"],
    }
    return json.dumps(evidence, indent=2, ensure_ascii=False)


def render_memorandum_pdf(memorandum, version=None) -> bytes:
    context = pdf_context(memorandum, version)
    number = f"version {version.number}" if version is not None else "draft"
    subject = f"Memorandum of Cooperation, {number}" + (f" ({DRAFT_MARK})" if context["draft"] else "")
    keywords = ["memorandum of cooperation", memorandum.partnership.name]
    if version is not None:
        keywords.append(f"sha256:{version.sha256}")
    return render_pdf(
        "memoranda/pdf/memorandum.html",
        context,
        metadata={
            "title": context["content"]["title"],
            "author": memorandum.partnership.name,
            "subject": subject,
            "keywords": keywords,
        },
        # A signed agreement is kept for years: archival PDF/A (tagged, like every PDF).
        archival=not context["draft"],
        attachments=(
            None
            if context["draft"]
            else {
                EVIDENCE_FILE: (evidence_json(context), "The evidence of signing (certificate of completion) as JSON")
            }
        ),
    )


def render_sealed_pdf(memorandum, version) -> bytes:
    """The fully signed PDF as it is stored and sent: rendered, then sealed with the portal's
    certificate (portal/seal.py) over every page, signature page and evidence certificate
    included. Without a configured certificate in production it is stored unsealed (the deploy
    check warns, portal.W001)."""
    pdf = render_memorandum_pdf(memorandum, version)
    if not can_seal():
        return pdf
    return seal_pdf(pdf, reason=f"Memorandum of Cooperation version {version.number}, signed by every party")
