"""Read queries for memoranda pages, always scoped to what the user may see, with related rows
fetched up front so the number of queries per page does not grow with the data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, Sum
from django.utils import timezone

from memoranda.canonical import canonical_content, places_table
from memoranda.models import (
    Comment,
    Memorandum,
    MemorandumVersion,
    Party,
    PlaceCommitment,
    Review,
    Section,
    Signature,
    SigningEvent,
    SigningEventKind,
    Status,
    VersionStatus,
)
from partnerships.access import partnership_ids_with_role
from partnerships.models import Partnership, Role
from portal.audit import history_for
from portal.models import User

REVIEW_DUE_DAYS = 60


def _text_filter(value: str, limit: int = 100) -> str:
    return (value or "").replace("\x00", "").strip()[:limit]


def memoranda_for(user, *, partnership="", status="", kind="", review_due="", q=""):
    """The memoranda list: filters by partnership slug, status, kind, review due ("60" or
    "overdue"), and a search over the title and the parties' names."""
    today = timezone.localdate()
    qs = (
        Memorandum.objects.visible_to(user)
        .select_related("partnership")
        .annotate(
            version_count=Count("versions", distinct=True),
            open_comments=Count("comments", filter=Q(comments__resolved_at__isnull=True), distinct=True),
        )
        .prefetch_related(Prefetch("parties", queryset=Party.objects.select_related("organisation")))
        .order_by("partnership__name", "-created_at")
    )
    if partnership:
        qs = qs.filter(partnership__slug=_text_filter(partnership))
    if status:
        qs = qs.filter(status=_text_filter(status))
    if kind:
        qs = qs.filter(kind=_text_filter(kind))
    if review_due == "overdue":
        qs = qs.filter(status=Status.ACTIVE, review_date__lt=today)
    elif review_due == "60":
        qs = qs.filter(
            status=Status.ACTIVE, review_date__gte=today, review_date__lte=today + timedelta(days=REVIEW_DUE_DAYS)
        )
    q = _text_filter(q)
    if q:
        matching = Party.objects.filter(organisation__name__icontains=q).values("memorandum_id")
        qs = qs.filter(Q(title__icontains=q) | Q(pk__in=matching))
    return qs


def memorandum_queryset():
    """Everything the memorandum page shows about the memorandum itself, in a fixed number of queries."""
    return Memorandum.objects.select_related("partnership", "replaces", "created_by").prefetch_related(
        Prefetch("sections", queryset=Section.objects.order_by("position", "id")),
        Prefetch("parties", queryset=Party.objects.select_related("organisation", "signatory")),
        Prefetch(
            "comments",
            queryset=Comment.objects.select_related("author", "resolved_by", "section").order_by("created_at", "id"),
        ),
        Prefetch("place_commitments", queryset=PlaceCommitment.objects.select_related("organisation")),
        Prefetch("reviews", queryset=Review.objects.select_related("recorded_by")),
        Prefetch("replaced_by", queryset=Memorandum.objects.order_by("-created_at")),
    )


def lineage_versions(memorandum: Memorandum) -> list[MemorandumVersion]:
    """Every version of this memorandum and its amendments, newest first, with signatures."""
    return list(
        MemorandumVersion.objects.filter(memorandum__lineage=memorandum.lineage)
        .select_related("memorandum", "sent_by", "declined_by")
        .prefetch_related(Prefetch("signatures", queryset=Signature.objects.select_related("signer", "organisation")))
        .order_by("-number")
    )


@dataclass
class PartyLine:
    """One party on the memorandum page: who signs, at what level, and whether they have."""

    organisation: str
    organisation_id: int
    signatory: str
    signatory_id: int | None
    position: str
    seniority: str
    seniority_code: str
    commitments: str
    signature: Signature | None = None
    party_id: int | None = None
    opened_at: datetime | None = None  # when the signatory first opened the signing page


def party_lines(content: dict, version: MemorandumVersion | None, parties=None) -> list[PartyLine]:
    signatures = {s.organisation_id: s for s in version.signatures.all()} if version is not None else {}
    ids = {p.organisation_id: p.pk for p in parties} if parties is not None else {}
    # While signatures are awaited, who has at least opened the request (one query).
    opened = (
        dict(version.signing_events.filter(kind=SigningEventKind.VIEWED).values_list("organisation_id", "at"))
        if version is not None and version.status == VersionStatus.AWAITING
        else {}
    )
    return [
        PartyLine(
            organisation=p["organisation"],
            organisation_id=p["organisation_id"],
            signatory=p["signatory"],
            signatory_id=p["signatory_id"],
            position=p["signatory_position"],
            seniority=p["seniority_label"],
            seniority_code=p["seniority"],
            commitments=p["commitments"],
            signature=signatures.get(p["organisation_id"]),
            party_id=ids.get(p["organisation_id"]),
            opened_at=opened.get(p["organisation_id"]),
        )
        for p in content["parties"]
    ]


@dataclass(frozen=True)
class CompletionLine:
    """One party's line of the certificate of completion: who was asked to sign, what authority
    they declared, how they proved who they were, and when (and from where) each step happened."""

    organisation: str
    signatory: str
    email: str
    position: str
    seniority: str
    signature: Signature | None
    events: dict[str, SigningEvent]  # by SigningEventKind value: sent, viewed, signed, declined


def completion_lines(version: MemorandumVersion) -> list[CompletionLine]:
    """The certificate of completion of `version`, party by party in the order of the text: the
    one definition the signed PDF's certificate and its embedded evidence.json both print."""
    signatures = {s.organisation_id: s for s in version.signatures.select_related("signer")}
    events: dict[int, dict[str, SigningEvent]] = {}
    for event in version.signing_events.select_related("person"):
        events.setdefault(event.organisation_id, {})[event.kind] = event
    named = {u.pk: u for u in User.objects.filter(pk__in=[p["signatory_id"] for p in version.parties])}
    lines = []
    for p in version.parties:
        signature = signatures.get(p["organisation_id"])
        person = signature.signer if signature else named.get(p["signatory_id"])
        lines.append(
            CompletionLine(
                organisation=p["organisation"],
                signatory=signature.typed_name if signature else p["signatory"],
                email=person.email if person else "",
                position=signature.position if signature else p["signatory_position"],
                seniority=p["seniority_label"],
                signature=signature,
                events=events.get(p["organisation_id"], {}),
            )
        )
    return lines


def page_content(memorandum: Memorandum, versions: list[MemorandumVersion]):
    """What the memorandum page shows: the live draft, or the frozen text of its latest version
    (exactly what was or is being signed). Returns (content, version or None)."""
    own = [v for v in versions if v.memorandum_id == memorandum.pk]
    latest = own[0] if own else None
    if memorandum.status == Status.DRAFT or latest is None:
        return canonical_content(memorandum), None
    return latest.content, latest


def section_comments(memorandum: Memorandum) -> tuple[dict[int, list[Comment]], list[Comment]]:
    """Open comments by section id, and open comments on the memorandum as a whole."""
    by_section: dict[int, list[Comment]] = {}
    general = []
    for comment in memorandum.comments.all():
        if comment.resolved_at is not None:
            continue
        if comment.section_id:
            by_section.setdefault(comment.section_id, []).append(comment)
        else:
            general.append(comment)
    return by_section, general


def history(memorandum: Memorandum, limit: int = 25):
    return history_for(target=memorandum, limit=limit)


def places(content: dict):
    return places_table(content)


def committed_places(partnership, academic_year: str) -> dict[int, int]:
    """Organisation id -> places committed in the partnership's active memoranda for that year.

    Read by the placements app (sufficiency: committed against offered)."""
    rows = (
        PlaceCommitment.objects.filter(
            memorandum__partnership=partnership, memorandum__status=Status.ACTIVE, academic_year=academic_year
        )
        .values("organisation_id")
        .annotate(total=Sum("places"))
    )
    return {row["organisation_id"]: row["total"] for row in rows}


# --- Dashboard and partnership page -------------------------------------------------------------


def awaiting_signature_by(user) -> list[tuple[MemorandumVersion, dict]]:
    """Versions waiting for this person's signature: (version, their party in the frozen text)."""
    signing_for = partnership_ids_with_role(user, Role.SIGNATORY)
    if not signing_for:
        return []
    versions = (
        MemorandumVersion.objects.filter(
            status=VersionStatus.AWAITING,
            memorandum__status=Status.AWAITING,
            memorandum__partnership_id__in=signing_for,
            memorandum__parties__signatory=user,
        )
        .select_related("memorandum__partnership")
        .prefetch_related("signatures")
        .distinct()
        .order_by("sent_at")
    )
    result = []
    for version in versions:
        signed = {s.organisation_id for s in version.signatures.all()}
        for party in version.parties:
            if party["signatory_id"] == user.pk and party["organisation_id"] not in signed:
                result.append((version, party))
    return result


def reviews_due_for_lead(user, within_days: int = REVIEW_DUE_DAYS) -> list[Memorandum]:
    """Active memoranda of partnerships this person leads whose review is due within the window or overdue."""
    led = partnership_ids_with_role(user, Role.LEAD)
    if not led:
        return []
    horizon = timezone.localdate() + timedelta(days=within_days)
    return list(
        Memorandum.objects.filter(partnership_id__in=led, status=Status.ACTIVE, review_date__lte=horizon)
        .select_related("partnership")
        .order_by("review_date")
    )


def late_signing_for_lead(user) -> list[Memorandum]:
    """Memoranda of partnerships this person leads that still await signatures after their start
    date (the same rule as Memorandum.signing_late)."""
    led = partnership_ids_with_role(user, Role.LEAD)
    if not led:
        return []
    return list(
        Memorandum.objects.filter(partnership_id__in=led, status=Status.AWAITING, start_date__lt=timezone.localdate())
        .select_related("partnership")
        .order_by("start_date")
    )


def declined_for_lead(user) -> list[MemorandumVersion]:
    """Drafts whose latest version was declined: the lead needs to revise and send a new version."""
    led = partnership_ids_with_role(user, Role.LEAD)
    if not led:
        return []
    latest_number = (
        MemorandumVersion.objects.filter(memorandum_id=OuterRef("memorandum_id"))
        .order_by("-number")
        .values("number")[:1]
    )
    return list(
        MemorandumVersion.objects.filter(
            memorandum__partnership_id__in=led, memorandum__status=Status.DRAFT, status=VersionStatus.DECLINED
        )
        .filter(number=Subquery(latest_number))
        .select_related("memorandum__partnership", "declined_by")
        .order_by("-sent_at")
    )


def partnership_memoranda(partnership: Partnership) -> list[Memorandum]:
    """The memoranda of one partnership for its page: those in force or being drafted first."""
    order: dict[str, int] = {
        Status.AWAITING: 0,
        Status.DRAFT: 1,
        Status.ACTIVE: 2,
        Status.EXPIRED: 3,
        Status.SUPERSEDED: 4,
        Status.ENDED: 5,
    }
    rows = list(
        Memorandum.objects.filter(partnership=partnership)
        .annotate(
            open_comments=Count("comments", filter=Q(comments__resolved_at__isnull=True), distinct=True),
            party_count=Count("parties", distinct=True),
        )
        .order_by("-created_at")
    )
    return sorted(rows, key=lambda m: (order.get(m.status, 9), m.title.casefold()))
