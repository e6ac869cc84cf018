"""Every state change of a memorandum: one function per user action.

Each function checks permission (partnerships.access.require), checks the state against
TRANSITIONS, runs in a transaction holding a row lock on the memorandum (so an edit and a send
for signature, or two signatures, are serialised), and writes an audit event. E-mails go out
only when the transaction commits.
"""

from __future__ import annotations

import calendar
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse

from memoranda import clock
from memoranda.canonical import canonical_content, check_version
from memoranda.checklist import AREAS
from memoranda.models import (
    COMMENT_MAX_CHARS,
    COMMITMENTS_MAX_CHARS,
    REASON_MAX_CHARS,
    SECTION_MAX_CHARS,
    Comment,
    Kind,
    Memorandum,
    MemorandumVersion,
    Party,
    PlaceCommitment,
    Review,
    ReviewOutcome,
    Section,
    SectionRevision,
    Seniority,
    Signature,
    Status,
    VersionStatus,
    sha256_of,
)
from partnerships.access import Perm, membership_of, require
from partnerships.models import EMPLOYER_KINDS, Membership, OrganisationKind, Role
from portal import academic_years
from portal.audit import record
from portal.exceptions import InvalidTransition, StaleEdit
from portal.hashing import sha256_of_bytes
from portal.links import absolute_url
from portal.mail import send_on_commit

SIGNING_METHOD = "Signed online in the portal: password re-entered, full name typed, authority declared"
REVIEW_WARNING_DAYS = 60

# Which memorandum states allow each action. Everything not listed is refused with a message.
TRANSITIONS: dict[str, frozenset[str]] = {
    "edit": frozenset({Status.DRAFT}),
    "comment": frozenset({Status.DRAFT}),
    "send": frozenset({Status.DRAFT}),
    "withdraw": frozenset({Status.AWAITING}),
    "sign": frozenset({Status.AWAITING}),
    "decline": frozenset({Status.AWAITING}),
    "review": frozenset({Status.ACTIVE}),
    "amend": frozenset({Status.ACTIVE, Status.EXPIRED}),
    "end": frozenset({Status.DRAFT, Status.AWAITING, Status.ACTIVE, Status.EXPIRED}),
    "expire": frozenset({Status.ACTIVE}),
}
_REFUSALS = {
    "edit": "Only a draft can be changed. This memorandum is {status}{hint}.",
    "comment": "Comments are open only while the memorandum is a draft. It is {status}.",
    "send": "Only a draft can be sent for signature. This memorandum is {status}.",
    "withdraw": "Only a memorandum awaiting signatures can be withdrawn from signing. It is {status}.",
    "sign": "This memorandum is not awaiting signatures (it is {status}), so it cannot be signed.",
    "decline": "This memorandum is not awaiting signatures (it is {status}), so there is nothing to decline.",
    "review": "Only an active memorandum can be reviewed. It is {status}.",
    "amend": "Only an active or expired memorandum can be amended. It is {status}.",
    "end": "This memorandum is {status} already, so it cannot be ended.",
    "expire": "Only an active memorandum can expire. It is {status}.",
}


def allowed(memorandum: Memorandum, action: str) -> bool:
    return memorandum.status in TRANSITIONS[action]


def require_state(memorandum: Memorandum, action: str) -> None:
    if not allowed(memorandum, action):
        hint = ": to change an active memorandum, amend it" if memorandum.status == Status.ACTIVE else ""
        raise InvalidTransition(_REFUSALS[action].format(status=memorandum.get_status_display().lower(), hint=hint))


# --- Small helpers ------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _lock(memorandum: Memorandum | int) -> Memorandum:
    pk = memorandum if isinstance(memorandum, int) else memorandum.pk
    # Lock only the memorandum row ("self"): the partnership is read alongside, not locked, so
    # partnership edits are never held up by a signature rendering its PDF.
    return Memorandum.objects.select_for_update(of=("self",)).select_related("partnership").get(pk=pk)


def _bump(memorandum: Memorandum, *also: str, status: str | None = None) -> None:
    """Record that the draft changed (and which part, e.g. "details_revision"), optionally with
    a new status."""
    fields = ["revision", *also]
    for name in fields:
        setattr(memorandum, name, getattr(memorandum, name) + 1)
    if status is not None:
        memorandum.status = status
        fields.append("status")
    memorandum.save(update_fields=[*fields, "updated_at"])


def _clean_text(value: str, *, field: str, label: str, limit: int, required: bool = False) -> str:
    value = (value or "").replace("\r\n", "\n")
    if "\x00" in value:
        raise ValidationError({field: f"Remove the invalid control character from the {label}"})
    if required and not value.strip():
        raise ValidationError({field: f"Enter the {label}"})
    if len(value) > limit:
        raise ValidationError(
            {
                field: f"The {label} is {len(value):,} characters long. It can be at most {limit:,} characters: "
                "shorten it or split it into two sections."
                if field == "body"
                else f"The {label} is {len(value):,} characters long. It can be at most {limit:,} characters."
            }
        )
    return value


def _heading(value: str) -> str:
    return _clean_text(value, field="heading", label="heading", limit=200, required=True).strip()


def _leads(partnership_id: int) -> list:
    return [
        m.user
        for m in Membership.objects.filter(partnership_id=partnership_id, role=Role.LEAD, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name")
    ]


# --- Creating and editing the draft ------------------------------------------------------------


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
    title = _clean_text(title, field="title", label="title", limit=200, required=True).strip()
    if kind not in Kind.values:
        raise ValidationError({"kind": "Choose the kind of memorandum"})
    if not 1 <= int(review_interval_months) <= 60:
        raise ValidationError({"review_interval_months": "Enter a review interval between 1 and 60 months"})
    return title


def _new_sections(memorandum: Memorandum, specs, actor) -> None:
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
    """A new draft that starts from the checklist template: one section per area, with guidance."""
    require(actor, partnership, Perm.DRAFT_MEMORANDUM)
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
    _new_sections(
        memorandum,
        [
            {"key": key, "heading": heading, "guidance": guidance, "position": i}
            for i, (key, heading, _, guidance) in enumerate(AREAS)
        ],
        actor,
    )
    Party.objects.bulk_create(Party(memorandum=memorandum, organisation=o) for o in organisations)
    record(
        actor,
        "memorandum.created",
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
    memorandum = _lock(memorandum)
    require(actor, memorandum.partnership, Perm.DRAFT_MEMORANDUM)
    require_state(memorandum, "edit")
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
    _bump(memorandum, "details_revision")
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    record(
        actor,
        "memorandum.details_updated",
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
    memorandum = _lock(section.memorandum_id)
    require(actor, memorandum.partnership, Perm.DRAFT_MEMORANDUM)
    require_state(memorandum, "edit")
    section = Section.objects.select_for_update().get(pk=section.pk, memorandum=memorandum)
    if section.revision != base_revision:
        raise StaleEdit(current_revision=section.revision)
    heading = _heading(heading)
    body = _clean_text(body, field="body", label="section", limit=SECTION_MAX_CHARS)
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
    _bump(memorandum)
    record(
        actor,
        "memorandum.section_updated",
        memorandum,
        changes=changes,
        summary=f"Edited the section {heading}",
        partnership_id=memorandum.partnership_id,
    )
    return section


@transaction.atomic
def add_section(actor, memorandum: Memorandum, *, heading: str, body: str = "") -> Section:
    memorandum = _lock(memorandum)
    require(actor, memorandum.partnership, Perm.DRAFT_MEMORANDUM)
    require_state(memorandum, "edit")
    heading = _heading(heading)
    body = _clean_text(body, field="body", label="section", limit=SECTION_MAX_CHARS)
    last = memorandum.sections.aggregate(m=Max("position"))["m"]
    section = Section.objects.create(
        memorandum=memorandum, heading=heading, body=body, position=0 if last is None else last + 1
    )
    SectionRevision.objects.create(section=section, number=1, heading=heading, body=body, saved_by=actor)
    _bump(memorandum)
    record(
        actor,
        "memorandum.section_added",
        memorandum,
        summary=f"Added the section {heading}",
        partnership_id=memorandum.partnership_id,
    )
    return section


@transaction.atomic
def remove_section(actor, section: Section) -> None:
    memorandum = _lock(section.memorandum_id)
    require(actor, memorandum.partnership, Perm.DRAFT_MEMORANDUM)
    require_state(memorandum, "edit")
    section = Section.objects.get(pk=section.pk, memorandum=memorandum)
    heading = section.heading
    section.delete()
    _bump(memorandum)
    record(
        actor,
        "memorandum.section_removed",
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
    memorandum = _lock(section.memorandum_id)
    require(actor, memorandum.partnership, Perm.DRAFT_MEMORANDUM)
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
    _bump(memorandum)
    record(
        actor,
        "memorandum.section_moved",
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
    memorandum = _lock(party.memorandum_id)
    require(actor, memorandum.partnership, Perm.DRAFT_MEMORANDUM)
    require_state(memorandum, "edit")
    party = (
        Party.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=party.pk, memorandum=memorandum)
    )
    if party.revision != base_revision:
        raise StaleEdit(current_revision=party.revision)
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
    position = _clean_text(signatory_position, field="signatory_position", label="position", limit=200).strip()
    if signatory is not None and not position:
        raise ValidationError({"signatory_position": "Enter the signatory's position, for example Assistant Director"})
    commitments = _clean_text(commitments, field="commitments", label="responsibilities", limit=COMMITMENTS_MAX_CHARS)
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
    _bump(memorandum)
    record(
        actor,
        "memorandum.party_updated",
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
    memorandum = _lock(memorandum)
    require(actor, memorandum.partnership, Perm.DRAFT_MEMORANDUM)
    require_state(memorandum, "edit")
    if memorandum.places_revision != base_revision:
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
    _bump(memorandum, "places_revision")
    record(
        actor,
        "memorandum.places_set",
        memorandum,
        changes=changes,
        summary=f"Set placement numbers for {academic_year}",
        partnership_id=memorandum.partnership_id,
    )


# --- Comments ------------------------------------------------------------------------------------


@transaction.atomic
def add_comment(actor, memorandum: Memorandum, *, body: str, section: Section | None = None) -> Comment:
    memorandum = _lock(memorandum)
    require(actor, memorandum.partnership, Perm.COMMENT)
    require_state(memorandum, "comment")
    body = _clean_text(body, field="body", label="comment", limit=COMMENT_MAX_CHARS, required=True).strip()
    if section is not None and section.memorandum_id != memorandum.pk:
        raise ValidationError({"section": "Choose a section of this memorandum"})
    comment = Comment.objects.create(
        memorandum=memorandum,
        section=section,
        section_heading=section.heading if section else "",
        author=actor,
        body=body,
    )
    where = f" on {section.heading}" if section else ""
    record(
        actor, "memorandum.commented", memorandum, summary=f"Commented{where}", partnership_id=memorandum.partnership_id
    )
    return comment


@transaction.atomic
def resolve_comment(actor, comment: Comment) -> Comment:
    memorandum = _lock(comment.memorandum_id)
    require(actor, memorandum.partnership, Perm.DRAFT_MEMORANDUM)
    comment = Comment.objects.select_for_update().get(pk=comment.pk, memorandum=memorandum)
    if comment.resolved_at:
        raise InvalidTransition("This comment is already resolved.")
    comment.resolved_at, comment.resolved_by = clock.now(), actor
    comment.save()
    record(
        actor,
        "memorandum.comment_resolved",
        memorandum,
        summary=f"Resolved a comment by {comment.author}",
        partnership_id=memorandum.partnership_id,
    )
    return comment


# --- Completeness ------------------------------------------------------------------------------


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
    for key, heading, required, _ in AREAS:
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


# --- Sending, signing, declining -----------------------------------------------------------------


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
def send_for_signature(actor, memorandum: Memorandum, *, base_revision: int) -> MemorandumVersion:
    """Freeze the draft as a numbered version, hash it, and ask each named signatory to sign."""
    memorandum = _lock(memorandum)
    require(actor, memorandum.partnership, Perm.DRAFT_MEMORANDUM)
    require_state(memorandum, "send")
    # The lock waits for any edit in flight, and the revision check refuses a send from a page
    # that did not show the latest text: what is frozen is exactly what the lead saw.
    if memorandum.revision != base_revision:
        raise StaleEdit(
            "The memorandum changed after you opened this page. Check the latest text below, then send it again.",
            current_revision=memorandum.revision,
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
        "memorandum.sent_for_signature",
        memorandum,
        changes={"version": [None, version.number], "sha256": [None, version.sha256]},
        summary=f"Sent version {version.number} for signature",
        partnership_id=memorandum.partnership_id,
    )
    signatories = [p.signatory for p in full.parties.all()]
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


def current_version(memorandum: Memorandum) -> MemorandumVersion | None:
    return memorandum.versions.order_by("-number").first()


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
) -> Signature:
    """Sign for the actor's own organisation. Every check runs before anything is stored: the
    password, the named signatory, the state, and that the text still hashes to the fingerprint
    the signer was shown (and that the audit trail recorded when it was sent)."""
    memorandum = _lock(version.memorandum_id)
    require(actor, memorandum.partnership, Perm.SIGN_MEMORANDUM)
    require_state(memorandum, "sign")
    if memorandum.replaces_id:
        # The last signature supersedes the memorandum this one replaces: lock it now, before the
        # audit trail's lock is taken, so a review of it recorded at the same moment cannot deadlock.
        _lock(memorandum.replaces_id)
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
    record(
        actor,
        "memorandum.signed",
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


def store_signed_pdf(memorandum: Memorandum, version: MemorandumVersion) -> None:
    """Render the signed PDF once and keep it with its own SHA-256: every later download is this file."""
    from memoranda.pdf import render_memorandum_pdf

    pdf = render_memorandum_pdf(memorandum, version)
    if version.pdf:
        version.pdf.delete(save=False)
    version.pdf_sha256 = sha256_of_bytes(pdf)
    version.pdf.save(f"memorandum-{memorandum.pk}-version-{version.number}.pdf", ContentFile(pdf), save=False)
    version.save(update_fields=["pdf", "pdf_sha256"])


def _activate(actor, memorandum: Memorandum, version: MemorandumVersion) -> None:
    """Every party signed (we hold the row locks): activate once, render and store the PDF once,
    supersede the memorandum this one replaces."""
    today = clock.today()
    version.status, version.signed_at = VersionStatus.SIGNED, clock.now()
    version.save(update_fields=["status", "signed_at"])
    memorandum.status = Status.ACTIVE
    memorandum.effective_date = max(today, memorandum.start_date)
    memorandum.review_date = add_months(memorandum.effective_date, memorandum.review_interval_months)
    memorandum.save()
    store_signed_pdf(memorandum, version)
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
                "memorandum.superseded",
                old,
                changes={"status": [previous, Status.SUPERSEDED]},
                summary=f"Superseded by version {version.number}, now signed",
                partnership_id=memorandum.partnership_id,
            )
    record(
        actor,
        "memorandum.activated",
        memorandum,
        changes={"status": [Status.AWAITING, Status.ACTIVE], "pdf_sha256": [None, version.pdf_sha256]},
        summary=f"Version {version.number} fully signed and active",
        partnership_id=memorandum.partnership_id,
    )
    people = [p.signatory for p in memorandum.parties.select_related("signatory")] + _leads(memorandum.partnership_id)
    send_on_commit(
        "memoranda/email/signed",
        {
            "memorandum": memorandum,
            "version": version,
            "superseded": superseded,
            "url": absolute_url(memorandum.get_absolute_url()),
            "pdf_url": absolute_url(reverse("memoranda:pdf", kwargs={"pk": memorandum.pk})),
            "verify_url": absolute_url(reverse("memoranda:verify")),
        },
        people,
    )


def _back_to_draft(actor, memorandum, version, *, status: str, reason: str, action: str, summary: str) -> None:
    """Close a version that will never be signed (declined or withdrawn) and reopen the draft:
    the next send is a new version that every party signs again."""
    version.status, version.declined_reason = status, reason
    version.declined_by = actor if status == VersionStatus.DECLINED else None
    version.save(update_fields=["status", "declined_reason", "declined_by"])
    _bump(memorandum, status=Status.DRAFT)
    record(
        actor,
        action,
        memorandum,
        changes={"version": [None, version.number], "reason": [None, reason]},
        summary=summary,
        partnership_id=memorandum.partnership_id,
    )


@transaction.atomic
def decline(actor, version: MemorandumVersion, *, reason: str) -> MemorandumVersion:
    """A named signatory declines, with a reason: the version is closed and the memorandum returns
    to draft, so a new version (signed by everyone again) is needed."""
    memorandum = _lock(version.memorandum_id)
    require(actor, memorandum.partnership, Perm.SIGN_MEMORANDUM)
    require_state(memorandum, "decline")
    version = _awaiting_version(memorandum, version)
    party = signer_party(actor, version)
    reason = _clean_text(reason, field="reason", label="reason", limit=REASON_MAX_CHARS, required=True).strip()
    _back_to_draft(
        actor,
        memorandum,
        version,
        status=VersionStatus.DECLINED,
        reason=reason,
        action="memorandum.declined",
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
        _leads(memorandum.partnership_id) + others,
    )
    return version


@transaction.atomic
def withdraw(actor, memorandum: Memorandum, *, reason: str) -> MemorandumVersion:
    """The lead takes a version back from signing (for example to correct it): back to draft."""
    memorandum = _lock(memorandum)
    require(actor, memorandum.partnership, Perm.DRAFT_MEMORANDUM)
    require_state(memorandum, "withdraw")
    version = _awaiting_version(memorandum, None)
    reason = _clean_text(reason, field="reason", label="reason", limit=REASON_MAX_CHARS, required=True).strip()
    _back_to_draft(
        actor,
        memorandum,
        version,
        status=VersionStatus.WITHDRAWN,
        reason=reason,
        action="memorandum.withdrawn",
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


# --- Review, amendment, ending, expiry -----------------------------------------------------------


@transaction.atomic
def start_amendment(actor, memorandum: Memorandum) -> Memorandum:
    """A new draft copied from the memorandum in force. The one in force stays active until the
    new one is fully signed, then becomes superseded."""
    memorandum = _lock(memorandum)
    require(actor, memorandum.partnership, Perm.DRAFT_MEMORANDUM)
    require_state(memorandum, "amend")
    existing = Memorandum.objects.filter(replaces=memorandum, status__in=[Status.DRAFT, Status.AWAITING]).first()
    if existing is not None:
        raise InvalidTransition(f"An amendment of this memorandum is already in progress: {existing.title}.")
    draft = Memorandum.objects.create(
        partnership_id=memorandum.partnership_id,
        kind=memorandum.kind,
        title=memorandum.title,
        start_date=max(clock.today(), memorandum.start_date),
        review_interval_months=memorandum.review_interval_months,
        replaces=memorandum,
        lineage=memorandum.lineage,
        created_by=actor,
    )
    _new_sections(
        draft,
        [
            {"key": s.key, "heading": s.heading, "body": s.body, "guidance": s.guidance, "position": s.position}
            for s in memorandum.sections.all()
        ],
        actor,
    )
    current = {p.organisation_id for p in memorandum.partnership.partners.all() if p.is_current}
    Party.objects.bulk_create(
        Party(
            memorandum=draft,
            organisation_id=p.organisation_id,
            signatory_id=p.signatory_id,
            signatory_position=p.signatory_position,
            seniority=p.seniority,
            commitments=p.commitments,
        )
        for p in memorandum.parties.all()
        if p.organisation_id in current
    )
    PlaceCommitment.objects.bulk_create(
        PlaceCommitment(
            memorandum=draft, organisation_id=c.organisation_id, academic_year=c.academic_year, places=c.places
        )
        for c in memorandum.place_commitments.all()
        if c.organisation_id in current
    )
    record(
        actor,
        "memorandum.amendment_started",
        memorandum,
        summary="Started an amendment: a new draft was created; this one stays in force until it is signed",
        partnership_id=memorandum.partnership_id,
    )
    record(
        actor,
        "memorandum.created",
        draft,
        summary=f"Started drafting an amendment of {memorandum.title}",
        partnership_id=memorandum.partnership_id,
    )
    return draft


@transaction.atomic
def end_memorandum(actor, memorandum: Memorandum, *, reason: str, ended_on: date | None = None) -> Memorandum:
    memorandum = _lock(memorandum)
    require(actor, memorandum.partnership, Perm.DRAFT_MEMORANDUM)
    require_state(memorandum, "end")
    reason = _clean_text(reason, field="reason", label="reason", limit=REASON_MAX_CHARS, required=True).strip()
    ended_on = ended_on or clock.today()
    if ended_on > clock.today():
        raise ValidationError(
            {"ended_on": "The end date cannot be in the future: record the ending on the day it happens"}
        )
    if memorandum.effective_date and ended_on < memorandum.effective_date:
        raise ValidationError({"ended_on": "The end date cannot be before the memorandum took effect"})
    old = memorandum.status
    memorandum.status, memorandum.ended_reason, memorandum.ended_on = Status.ENDED, reason, ended_on
    memorandum.save()
    memorandum.versions.filter(status=VersionStatus.AWAITING).update(status=VersionStatus.WITHDRAWN)
    record(
        actor,
        "memorandum.ended",
        memorandum,
        changes={"status": [old, Status.ENDED], "ended_on": [None, ended_on.isoformat()], "reason": [None, reason]},
        summary="Ended the memorandum",
        partnership_id=memorandum.partnership_id,
    )
    if old in (Status.ACTIVE, Status.EXPIRED):
        send_on_commit(
            "memoranda/email/ended",
            {"memorandum": memorandum, "url": absolute_url(memorandum.get_absolute_url())},
            [p.signatory for p in memorandum.parties.select_related("signatory")],
        )
    return memorandum


@transaction.atomic
def record_review(
    actor,
    memorandum: Memorandum,
    *,
    outcome: str,
    note: str = "",
    reviewed_on: date | None = None,
    ended_on: date | None = None,
) -> tuple[Review, Memorandum]:
    """Record a review of an active memorandum. Continue unchanged: the next review date follows
    from the interval. Amend: a new draft starts. End: the memorandum ends. Returns the review and
    the memorandum to show next (the new draft when amending)."""
    locked = _lock(memorandum)
    require(actor, locked.partnership, Perm.DRAFT_MEMORANDUM)
    require_state(locked, "review")
    if outcome not in ReviewOutcome.values:
        raise ValidationError({"outcome": "Choose what the review decided"})
    note = _clean_text(note, field="note", label="note", limit=REASON_MAX_CHARS).strip()
    reviewed_on = reviewed_on or clock.today()
    if reviewed_on > clock.today():
        raise ValidationError({"reviewed_on": "The review date cannot be in the future"})
    review = Review(
        memorandum=locked,
        reviewed_on=reviewed_on,
        outcome=outcome,
        note=note,
        due_date=locked.review_date,
        recorded_by=actor,
    )
    show = locked
    if outcome == ReviewOutcome.UNCHANGED:
        old = locked.review_date
        locked.review_date = review.next_review_date = add_months(reviewed_on, locked.review_interval_months)
        locked.save(update_fields=["review_date", "updated_at"])
        review.save()
        record(
            actor,
            "memorandum.reviewed",
            locked,
            changes={"review_date": [old.isoformat() if old else None, locked.review_date.isoformat()]},
            summary="Reviewed: continues unchanged" + (f". {note}" if note else ""),
            partnership_id=locked.partnership_id,
        )
        send_on_commit(
            "memoranda/email/reviewed_unchanged",
            {"memorandum": locked, "note": note, "url": absolute_url(locked.get_absolute_url())},
            [p.signatory for p in locked.parties.select_related("signatory")],
        )
    elif outcome == ReviewOutcome.AMEND:
        review.save()
        show = start_amendment(actor, locked)
        record(
            actor,
            "memorandum.reviewed",
            locked,
            summary="Reviewed: to be amended; a new draft was started",
            partnership_id=locked.partnership_id,
        )
    else:
        if not note:
            raise ValidationError({"note": "Say why the memorandum ends"})
        review.save()
        end_memorandum(actor, locked, reason=note, ended_on=ended_on or reviewed_on)
        record(actor, "memorandum.reviewed", locked, summary="Reviewed: ended", partnership_id=locked.partnership_id)
    return review, show


def expire_due(today: date, *, grace_days: int = 0) -> int:
    """Expire active memoranda whose review date passed more than `grace_days` ago (audited)."""
    count = 0
    for pk in Memorandum.objects.filter(status=Status.ACTIVE, review_date__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            memorandum = Memorandum.objects.select_for_update().get(pk=pk)
            if memorandum.status != Status.ACTIVE or (today - memorandum.review_date).days <= grace_days:
                continue
            memorandum.status = Status.EXPIRED
            memorandum.save(update_fields=["status", "updated_at"])
            record(
                None,
                "memorandum.expired",
                memorandum,
                changes={"status": [Status.ACTIVE, Status.EXPIRED]},
                summary="Expired: the review date passed without a review",
                partnership_id=memorandum.partnership_id,
            )
            count += 1
    return count
