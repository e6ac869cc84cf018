"""Whether a draft is ready to send: which checklist areas have text, and what blocks or only
warns."""

from __future__ import annotations

from memoranda.checklist import areas_for
from memoranda.models import Memorandum, Section, Seniority
from memoranda.services.drafting import party_warnings


def completeness(memorandum: Memorandum) -> dict:
    """Which checklist areas have text. Required areas and a signatory for every party block
    sending (one message each); empty optional areas and the rest are warnings. Uses prefetched
    rows when present."""
    sections = sorted(memorandum.sections.all(), key=lambda s: (s.position, s.pk))
    by_key: dict[str, Section] = {}
    for s in sections:
        if s.key and (s.key not in by_key or (s.body.strip() and not by_key[s.key].body.strip())):
            by_key[s.key] = s
    areas, missing, optional_empty, warnings = [], [], [], []
    for key, heading, required, _ in areas_for(memorandum.kind):
        section = by_key.get(key)
        filled = bool(section and section.body.strip())
        areas.append({"key": key, "heading": heading, "required": required, "filled": filled, "section": section})
        if filled:
            continue
        if not required:
            optional_empty.append(heading)
        elif section is None:
            missing.append(f"{heading}: no section covers this area (required before sending)")
        else:
            missing.append(f"{section.heading}: the section is empty (required before sending)")
    for s in sections:
        if not s.key and not s.body.strip():
            warnings.append(f"{s.heading}: the section is empty, so it will be left out; add text or remove it")
    parties = sorted(memorandum.parties.all(), key=lambda p: p.organisation.name.casefold())
    for party in parties:
        if party.signatory_id is None:
            missing.append(f"{party.organisation.name}: choose a signatory (required before sending)")
        elif party.seniority == Seniority.OTHER:
            warnings.append(f"{party.organisation.name}: the signatory signs below the usual senior level")
        if not party.commitments.strip():
            warnings.append(f"{party.organisation.name}: no responsibilities are written in the table")
    warnings.extend(party_warnings([p.organisation for p in parties]))
    open_comments = sum(1 for c in memorandum.comments.all() if c.resolved_at is None)
    if open_comments:
        warnings.append(f"{open_comments} comment{'s are' if open_comments != 1 else ' is'} still open")
    return {
        "areas": areas,
        "missing": missing,
        "optional_empty": optional_empty,
        "warnings": warnings,
        "ready": not missing,
    }
