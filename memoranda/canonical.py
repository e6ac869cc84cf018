"""What a signer agrees to, in one stable form (the checks that it has not changed since are in
memoranda/verification.py).

`canonical_content(memorandum)` is the exact JSON frozen into a MemorandumVersion and hashed
(SHA-256 over sorted-key, whitespace-free UTF-8 JSON). Pages, the signing screen and the PDF all
render this same structure, so the text people read is the text that was hashed.
"""

from __future__ import annotations

# Bump when the shape below changes; old versions keep their own shape and hash.
CONTENT_FORMAT = 1


def _sorted_parties(memorandum):
    # Works on prefetched rows (no query) and sorts in Python so the order never depends on the
    # database's collation.
    return sorted(memorandum.parties.all(), key=lambda p: (p.organisation.name.casefold(), p.organisation_id))


def canonical_content(memorandum) -> dict:
    """Everything a signer agrees to: details, sections, parties with signatories and
    responsibilities, and placement numbers."""
    return {
        "format": CONTENT_FORMAT,
        "title": memorandum.title,
        "kind": memorandum.kind,
        "kind_label": memorandum.get_kind_display(),
        "partnership": memorandum.partnership.name,
        "start_date": memorandum.start_date.isoformat(),
        "review_interval_months": memorandum.review_interval_months,
        # Empty sections are placeholders from the checklist: they are not part of the agreement.
        "sections": [
            {"key": s.key, "heading": s.heading, "body": s.body}
            for s in sorted(memorandum.sections.all(), key=lambda s: (s.position, s.pk))
            if s.body.strip()
        ],
        "parties": [
            {
                "organisation": p.organisation.name,
                "organisation_id": p.organisation_id,
                "organisation_kind": p.organisation.kind,
                "signatory": p.signatory.full_name if p.signatory_id else "",
                "signatory_id": p.signatory_id,
                "signatory_position": p.signatory_position,
                "seniority": p.seniority,
                "seniority_label": p.get_seniority_display() if p.seniority else "",
                "commitments": p.commitments,
            }
            for p in _sorted_parties(memorandum)
        ],
        "places": [
            {
                "organisation": c.organisation.name,
                "organisation_id": c.organisation_id,
                "academic_year": c.academic_year,
                "places": c.places,
            }
            for c in sorted(
                memorandum.place_commitments.all(),
                key=lambda c: (c.academic_year, c.organisation.name.casefold(), c.organisation_id),
            )
        ],
    }


def places_table(content: dict) -> tuple[list[str], list[dict]]:
    """Placement numbers as a table: (academic years, rows of {organisation, cells})."""
    years = sorted({c["academic_year"] for c in content.get("places", [])})
    by_org: dict[int, dict] = {}
    for c in content.get("places", []):
        row = by_org.setdefault(c["organisation_id"], {"organisation": c["organisation"], "values": {}})
        row["values"][c["academic_year"]] = c["places"]
    rows = [
        {"organisation": row["organisation"], "cells": [row["values"].get(y) for y in years]}
        for row in sorted(by_org.values(), key=lambda r: r["organisation"].casefold())
    ]
    return years, rows
