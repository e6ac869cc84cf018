"""Drafting a memorandum: creating it, its details, its sections, its parties and their
signatories, and the placement numbers. Every change needs the draft state and bumps the
draft's revision, so a send for signature from an older page is refused."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from memoranda.actions import Action
from memoranda.checklist import areas_for
from memoranda.models import (
    COMMITMENTS_MAX_CHARS,
    SECTION_MAX_CHARS,
    Kind,
    Memorandum,
    Party,
    PlaceCommitment,
    Section,
    SectionRevision,
    Seniority,
)
from memoranda.permissions import MemorandumPerm
from memoranda.services.common import bump, clean_heading, clean_text, lock
from memoranda.services.states import require_state
from partnerships.access import require
from partnerships.models import EMPLOYER_KINDS, Membership, OrganisationKind, Role
from portal import academic_years
from portal.audit import record
from portal.concurrency import fresh, refuse_stale
from portal.exceptions import StaleEdit


def party_warnings(organisations) -> list[str]:
    """Warn, without blocking, when a memorandum binds no university or no employer."""
    kinds = {o.kind for o in organisations}
    warnings = []
    if OrganisationKind.UNIVERSITY not in kinds:
        warnings.append("No university is a party. Practice learning needs a university to teach the students.")
    if not kinds & EMPLOYER_KINDS:
        warnings.append("No employer is a party. Placements and ASYE support need at least one employer.")
    return warnings


def _check_parties(partnership, organisations) -> list:
    organisations = list(dict.fromkeys(organisations))
    if not organisations:
        raise ValidationError({"organisations": "Choose at least one party"})
    current = {p.organisation_id for p in partnership.partners.all() if p.is_current}
    outsiders = [o.name for o in organisations if o.pk not in current]
    if outsiders:
        raise ValidationError(
            {"organisations": "Every party must be a current partner of this partnership: " + ", ".join(outsiders)}
        )
    return organisations


def _check_details(title: str, kind: str, review_interval_months: int) -> str:
    title = clean_text(title, field="title", label="title", limit=200, required=True).strip()
    if kind not in Kind.values:
        raise ValidationError({"kind": "Choose the kind of memorandum"})
    if not 1 <= int(review_interval_months) <= 60:
        raise ValidationError({"review_interval_months": "Enter a review interval between 1 and 60 months"})
    return title


def new_sections(memorandum: Memorandum, specs, actor) -> None:
    sections = Section.objects.bulk_create(Section(memorandum=memorandum, **spec) for spec in specs)
    if sections and sections[0].pk is None:  # backends that cannot return ids from bulk inserts
        sections = list(memorandum.sections.all())
    SectionRevision.objects.bulk_create(
        SectionRevision(section=s, number=s.revision, heading=s.heading, body=s.body, saved_by=actor) for s in sections
    )


@transaction.atomic
def create_memorandum(
    actor, partnership, *, kind, title, organisations, start_date, review_interval_months=12
) -> Memorandum:
    """A new draft that starts from its kind's template (memoranda.checklist.areas_for): one section
    per area, with guidance written for that kind."""
    require(actor, partnership, MemorandumPerm.DRAFT)
    title = _check_details(title, kind, review_interval_months)
    organisations = _check_parties(partnership, organisations)
    memorandum = Memorandum.objects.create(
        partnership=partnership,
        kind=kind,
        title=title,
        start_date=start_date,
        review_interval_months=review_interval_months,
        created_by=actor,
    )
    new_sections(
        memorandum,
        [
            {"key": key, "heading": heading, "guidance": guidance, "position": i}
            for i, (key, heading, _, guidance) in enumerate(areas_for(kind))
        ],
        actor,
    )
    Party.objects.bulk_create(Party(memorandum=memorandum, organisation=o) for o in organisations)
    record(
        actor,
        Action.CREATED,
        memorandum,
        changes={"parties": [None, sorted(o.name for o in organisations)]},
        summary=f"Started drafting {title}",
        partnership_id=partnership.pk,
    )
    return memorandum


@transaction.atomic
def update_details(
    actor, memorandum, *, title, kind, organisations, start_date, review_interval_months, base_revision: int
) -> Memorandum:
    memorandum = lock(memorandum)
    require(actor, memorandum.partnership, MemorandumPerm.DRAFT)
    require_state(memorandum, "edit")
    # The details and the placement numbers count their own revisions (not `revision`, which any
    # change to the draft bumps), so refuse_stale, which reads `revision`, does not fit them.
    if memorandum.details_revision != base_revision:
        raise StaleEdit(current_revision=memorandum.details_revision)
    title = _check_details(title, kind, review_interval_months)
    organisations = _check_parties(memorandum.partnership, organisations)
    before = {
        "title": memorandum.title,
        "kind": memorandum.kind,
        "start_date": memorandum.start_date.isoformat(),
        "review_interval_months": memorandum.review_interval_months,
        "parties": sorted(p.organisation.name for p in memorandum.parties.select_related("organisation")),
    }
    memorandum.title, memorandum.kind = title, kind
    memorandum.start_date, memorandum.review_interval_months = start_date, review_interval_months
    memorandum.save()
    wanted = {o.pk for o in organisations}
    existing = set(memorandum.parties.values_list("organisation_id", flat=True))
    memorandum.parties.exclude(organisation_id__in=wanted).delete()
    memorandum.place_commitments.exclude(organisation_id__in=wanted).delete()
    Party.objects.bulk_create(
        Party(memorandum=memorandum, organisation=o) for o in organisations if o.pk not in existing
    )
    after = {
        "title": title,
        "kind": kind,
        "start_date": start_date.isoformat(),
        "review_interval_months": review_interval_months,
        "parties": sorted(o.name for o in organisations),
    }
    bump(memorandum, "details_revision")
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    record(
        actor,
        Action.DETAILS_UPDATED,
        memorandum,
        changes=changes,
        summary="Changed the memorandum's details",
        partnership_id=memorandum.partnership_id,
    )
    return memorandum


@transaction.atomic
def update_section(actor, section: Section, *, heading: str, body: str, base_revision: int) -> Section:
    """Save a section. `base_revision` is the section revision the editor started from; if someone
    saved since, StaleEdit is raised and nothing changes (the view shows what changed)."""
    memorandum = lock(section.memorandum_id)
    require(actor, memorandum.partnership, MemorandumPerm.DRAFT)
    require_state(memorandum, "edit")
    section = fresh(Section.objects.select_for_update().filter(memorandum=memorandum), section)
    refuse_stale(section, base_revision)
    heading = clean_heading(heading)
    body = clean_text(body, field="body", label="section", limit=SECTION_MAX_CHARS)
    changes = {}
    if section.heading != heading:
        changes["heading"] = [section.heading, heading]
    if section.body != body:
        changes["body"] = [f"{len(section.body):,} characters", f"{len(body):,} characters"]
    if not changes:
        return section
    section.heading, section.body, section.revision = heading, body, section.revision + 1
    section.save()
    SectionRevision.objects.create(section=section, number=section.revision, heading=heading, body=body, saved_by=actor)
    bump(memorandum)
    record(
        actor,
        Action.SECTION_UPDATED,
        memorandum,
        changes=changes,
        summary=f"Edited the section {heading}",
        partnership_id=memorandum.partnership_id,
    )
    return section


@transaction.atomic
def add_section(actor, memorandum: Memorandum, *, heading: str, body: str = "") -> Section:
    memorandum = lock(memorandum)
    require(actor, memorandum.partnership, MemorandumPerm.DRAFT)
    require_state(memorandum, "edit")
    heading = clean_heading(heading)
    body = clean_text(body, field="body", label="section", limit=SECTION_MAX_CHARS)
    last = memorandum.sections.aggregate(m=Max("position"))["m"]
    section = Section.objects.create(
        memorandum=memorandum, heading=heading, body=body, position=0 if last is None else last + 1
    )
    SectionRevision.objects.create(section=section, number=1, heading=heading, body=body, saved_by=actor)
    bump(memorandum)
    record(
        actor,
        Action.SECTION_ADDED,
        memorandum,
        summary=f"Added the section {heading}",
        partnership_id=memorandum.partnership_id,
    )
    return section


@transaction.atomic
def remove_section(actor, section: Section) -> None:
    memorandum = lock(section.memorandum_id)
    require(actor, memorandum.partnership, MemorandumPerm.DRAFT)
    require_state(memorandum, "edit")
    section = fresh(Section.objects.filter(memorandum=memorandum), section)
    heading = section.heading
    section.delete()
    bump(memorandum)
    record(
        actor,
        Action.SECTION_REMOVED,
        memorandum,
        changes={"section": [heading, None]},
        summary=f"Removed the section {heading}",
        partnership_id=memorandum.partnership_id,
    )


@transaction.atomic
def move_section(actor, section: Section, direction: str) -> None:
    """Swap a section with its neighbour ("up" or "down"). Moves are relative to the order as
    saved now, so two people reordering at once cannot lose a section."""
    if direction not in ("up", "down"):
        raise ValidationError("Choose up or down")
    memorandum = lock(section.memorandum_id)
    require(actor, memorandum.partnership, MemorandumPerm.DRAFT)
    require_state(memorandum, "edit")
    sections = list(memorandum.sections.all())
    index = next((i for i, s in enumerate(sections) if s.pk == section.pk), None)
    if index is None:
        raise ValidationError("That section is no longer in this memorandum")
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(sections):
        return
    sections[index], sections[other] = sections[other], sections[index]
    for position, s in enumerate(sections):
        if s.position != position:
            Section.objects.filter(pk=s.pk).update(position=position)
    bump(memorandum)
    record(
        actor,
        Action.SECTION_MOVED,
        memorandum,
        summary=f"Moved the section {section.heading} {direction}",
        partnership_id=memorandum.partnership_id,
    )


def signatory_choices(memorandum: Memorandum, organisation_id: int):
    """People who may be named to sign for this organisation: active signatories of the
    partnership who represent it."""
    return (
        Membership.objects.filter(
            partnership_id=memorandum.partnership_id,
            role=Role.SIGNATORY,
            organisation_id=organisation_id,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__full_name")
    )


@transaction.atomic
def update_party(
    actor, party: Party, *, signatory, signatory_position: str, seniority: str, commitments: str, base_revision: int
) -> Party:
    memorandum = lock(party.memorandum_id)
    require(actor, memorandum.partnership, MemorandumPerm.DRAFT)
    require_state(memorandum, "edit")
    party = fresh(
        Party.objects.select_for_update(of=("self",)).select_related("organisation").filter(memorandum=memorandum),
        party,
    )
    refuse_stale(party, base_revision)
    if (
        signatory is not None
        and not signatory_choices(memorandum, party.organisation_id).filter(user=signatory).exists()
    ):
        raise ValidationError(
            {"signatory": f"Choose a person with the signatory role who represents {party.organisation}"}
        )
    if seniority and seniority not in Seniority.values:
        raise ValidationError({"seniority": "Choose a seniority from the list"})
    if signatory is not None and not seniority:
        raise ValidationError({"seniority": "Say at what level the signatory signs"})
    position = clean_text(signatory_position, field="signatory_position", label="position", limit=200).strip()
    if signatory is not None and not position:
        raise ValidationError({"signatory_position": "Enter the signatory's position, for example Assistant Director"})
    commitments = clean_text(commitments, field="commitments", label="responsibilities", limit=COMMITMENTS_MAX_CHARS)
    before = {
        "signatory": str(party.signatory or ""),
        "signatory_position": party.signatory_position,
        "seniority": party.seniority,
        "commitments": f"{len(party.commitments):,} characters",
    }
    party.signatory, party.signatory_position, party.seniority = signatory, position, seniority
    party.commitments = commitments
    party.revision += 1
    party.save()
    after = {
        "signatory": str(signatory or ""),
        "signatory_position": position,
        "seniority": seniority,
        "commitments": f"{len(commitments):,} characters",
    }
    bump(memorandum)
    record(
        actor,
        Action.PARTY_UPDATED,
        memorandum,
        changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
        summary=f"Updated the signatory and responsibilities of {party.organisation}",
        partnership_id=memorandum.partnership_id,
    )
    return party


def check_academic_year(label: str) -> str:
    if problem := academic_years.problem(label):
        raise ValidationError({"academic_year": problem})
    return label


@transaction.atomic
def set_places(actor, memorandum: Memorandum, *, academic_year: str, places: dict, base_revision: int) -> None:
    """Placement numbers for one academic year: {organisation_id: number or None (no commitment)}."""
    memorandum = lock(memorandum)
    require(actor, memorandum.partnership, MemorandumPerm.DRAFT)
    require_state(memorandum, "edit")
    if memorandum.places_revision != base_revision:  # its own counter: see update_details
        raise StaleEdit(current_revision=memorandum.places_revision)
    academic_year = check_academic_year(academic_year)
    parties = {p.organisation_id: p.organisation.name for p in memorandum.parties.select_related("organisation")}
    unknown = set(places) - set(parties)
    if unknown:
        raise ValidationError("Placement numbers can only be set for parties to this memorandum")
    current = {c.organisation_id: c for c in memorandum.place_commitments.filter(academic_year=academic_year)}
    changes = {}
    for org_id, number in places.items():
        if number is not None and not 0 <= number <= 10_000:
            raise ValidationError(f"Enter a number of placements between 0 and 10,000 for {parties[org_id]}")
        old = current[org_id].places if org_id in current else None
        if old == number:
            continue
        changes[parties[org_id]] = [old, number]
        if number is None:
            current[org_id].delete()
        elif org_id in current:
            PlaceCommitment.objects.filter(pk=current[org_id].pk).update(places=number)
        else:
            PlaceCommitment.objects.create(
                memorandum=memorandum, organisation_id=org_id, academic_year=academic_year, places=number
            )
    if not changes:
        return
    bump(memorandum, "places_revision")
    record(
        actor,
        Action.PLACES_SET,
        memorandum,
        changes=changes,
        summary=f"Set placement numbers for {academic_year}",
        partnership_id=memorandum.partnership_id,
    )
