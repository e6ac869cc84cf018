"""What changed between two frozen versions (or a version and the draft): details, sections
(matched by checklist area, else by heading), parties and placement numbers."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from memoranda.canonical import places_table
from memoranda.text import word_diff

_DETAILS = [
    ("title", "Title"),
    ("kind_label", "Kind"),
    ("start_date", "Start date"),
    ("review_interval_months", "Review every (months)"),
]
_PARTY_FIELDS = [
    ("signatory", "Signatory"),
    ("signatory_position", "Position"),
    ("seniority_label", "Seniority"),
]


@dataclass
class SectionChange:
    heading: str
    state: str  # "added", "removed", "changed", "unchanged"
    old_heading: str = ""
    body: SafeString | str = ""


@dataclass
class PartyChange:
    organisation: str
    state: str  # "added", "removed", "changed", "unchanged"
    fields: list[tuple[str, str, str]] = field(default_factory=list)
    commitments: SafeString | str = ""
    commitments_changed: bool = False


@dataclass
class Comparison:
    details: list[tuple[str, str, str]]
    sections: list[SectionChange]
    parties: list[PartyChange]
    places_old: tuple
    places_new: tuple

    @property
    def places_changed(self) -> bool:
        return self.places_old != self.places_new

    @property
    def changed_sections(self) -> list[SectionChange]:
        return [s for s in self.sections if s.state != "unchanged"]

    @property
    def changed_parties(self) -> list[PartyChange]:
        return [p for p in self.parties if p.state != "unchanged"]

    @property
    def identical(self) -> bool:
        return not (self.details or self.changed_sections or self.changed_parties or self.places_changed)


def _section_key(section: dict) -> str:
    return f"key:{section['key']}" if section.get("key") else f"heading:{section['heading'].strip().casefold()}"


def compare(old: dict, new: dict) -> Comparison:
    details = [
        (label, str(old.get(name, "")), str(new.get(name, "")))
        for name, label in _DETAILS
        if old.get(name) != new.get(name)
    ]
    old_sections = {_section_key(s): s for s in old.get("sections", [])}
    sections = []
    seen = set()
    for s in new.get("sections", []):
        key = _section_key(s)
        seen.add(key)
        before = old_sections.get(key)
        if before is None:
            sections.append(SectionChange(s["heading"], "added", body=word_diff("", s["body"])))
        elif before["heading"] == s["heading"] and before["body"] == s["body"]:
            sections.append(SectionChange(s["heading"], "unchanged"))
        else:
            sections.append(
                SectionChange(
                    s["heading"], "changed", old_heading=before["heading"], body=word_diff(before["body"], s["body"])
                )
            )
    for key, s in old_sections.items():
        if key not in seen:
            sections.append(SectionChange(s["heading"], "removed", body=word_diff(s["body"], "")))

    old_parties = {p["organisation_id"]: p for p in old.get("parties", [])}
    new_parties = {p["organisation_id"]: p for p in new.get("parties", [])}
    parties = []
    for org_id, p in new_parties.items():
        before = old_parties.get(org_id)
        if before is None:
            parties.append(
                PartyChange(
                    p["organisation"],
                    "added",
                    commitments=word_diff("", p["commitments"]),
                    commitments_changed=bool(p["commitments"]),
                )
            )
            continue
        changed_fields = [
            (label, str(before.get(name) or ""), str(p.get(name) or ""))
            for name, label in _PARTY_FIELDS
            if (before.get(name) or "") != (p.get(name) or "")
        ]
        commitments_changed = before["commitments"] != p["commitments"]
        parties.append(
            PartyChange(
                p["organisation"],
                "changed" if changed_fields or commitments_changed else "unchanged",
                changed_fields,
                word_diff(before["commitments"], p["commitments"]) if commitments_changed else "",
                commitments_changed,
            )
        )
    for org_id, p in old_parties.items():
        if org_id not in new_parties:
            parties.append(PartyChange(p["organisation"], "removed"))
    return Comparison(details, sections, parties, places_table(old), places_table(new))
