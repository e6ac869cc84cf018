"""Memoranda: state, parties, frozen versions with their fingerprints, signatures and the signed
PDF (a link to the page's own download, which checks access again)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ninja import Router

from api.endpoints.common import ERRORS, Schema, link, partnership_ids_for
from api.pagination import keyset_page
from memoranda.models import Memorandum, MemorandumVersion, Party, Signature, Status
from memoranda.selectors import lineage_versions
from partnerships.access import Perm, object_or_404

router = Router(tags=["Memoranda"])


class PartyOut(Schema):
    organisation_id: int
    organisation: str
    signatory: str
    signatory_position: str
    seniority: str


class SignatureOut(Schema):
    organisation_id: int
    organisation: str
    signed_by: str
    position: str
    signed_at: dt.datetime
    method: str
    sha256: str


class VersionOut(Schema):
    number: int
    status: str
    sent_at: dt.datetime
    signed_at: dt.datetime | None
    sha256: str
    pdf_sha256: str
    pdf_url: str
    signatures: list[SignatureOut]


class MemorandumSummary(Schema):
    id: int
    partnership: str
    title: str
    kind: str
    state: str
    start_date: dt.date
    effective_date: dt.date | None
    review_date: dt.date | None
    ended_on: dt.date | None
    url: str
    parties: list[PartyOut]


class MemorandumOut(MemorandumSummary):
    pdf_url: str
    versions: list[VersionOut]


class MemorandumPage(Schema):
    items: list[MemorandumSummary]
    next: str | None


def _parties_of(memorandum_ids: list[int]) -> dict[int, list[dict]]:
    """The parties of these memoranda in one query, as plain values (no model per row: a page of
    a hundred memoranda has hundreds of parties)."""
    parties: dict[int, list[dict]] = defaultdict(list)
    rows = (
        Party.objects.filter(memorandum_id__in=memorandum_ids)
        .order_by("organisation__name")
        .values_list(
            "memorandum_id",
            "organisation_id",
            "organisation__name",
            "signatory__full_name",
            "signatory_position",
            "seniority",
        )
    )
    for memorandum_id, organisation_id, organisation, signatory, position, seniority in rows:
        parties[memorandum_id].append(
            {
                "organisation_id": organisation_id,
                "organisation": organisation,
                "signatory": signatory or "",
                "signatory_position": position,
                "seniority": seniority,
            }
        )
    return parties


def _summary(request, m: Memorandum, parties: dict[int, list[dict]]) -> dict:
    return {
        "id": m.pk,
        "partnership": m.partnership.slug,
        "title": m.title,
        "kind": m.kind,
        "state": m.status,
        "start_date": m.start_date,
        "effective_date": m.effective_date,
        "review_date": m.review_date,
        "ended_on": m.ended_on,
        "url": link(request, "memoranda:detail", m.pk),
        "parties": parties.get(m.pk, []),
    }


@router.get("", response={200: MemorandumPage, **ERRORS}, url_name="memorandum_list")
def memorandum_list(
    request,
    partnership: str | None = None,
    state: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
):
    qs = Memorandum.objects.visible_to(request.user).select_related("partnership")
    ids = partnership_ids_for(request.user, partnership)
    if ids is not None:
        qs = qs.filter(partnership_id__in=ids)
    if state in Status.values:
        qs = qs.filter(status=state)
    rows, next_cursor = keyset_page(qs, cursor, limit)
    parties = _parties_of([m.pk for m in rows])
    return {"items": [_summary(request, m, parties) for m in rows], "next": next_cursor}


def _version(request, memorandum: Memorandum, v: MemorandumVersion) -> dict:
    return {
        "number": v.number,
        "status": v.status,
        "sent_at": v.sent_at,
        "signed_at": v.signed_at,
        "sha256": v.sha256,
        "pdf_sha256": v.pdf_sha256,
        "pdf_url": link(request, "memoranda:version_pdf", memorandum.pk, v.number),
        "signatures": [_signature(s) for s in v.signatures.all()],
    }


def _signature(s: Signature) -> dict:
    return {
        "organisation_id": s.organisation_id,
        "organisation": s.organisation.name,
        "signed_by": s.typed_name,
        "position": s.position,
        "signed_at": s.signed_at,
        "method": s.method,
        "sha256": s.sha256,
    }


@router.get("/{int:pk}", response={200: MemorandumOut, **ERRORS}, url_name="memorandum_detail")
def memorandum_detail(request, pk: int):
    memorandum = object_or_404(Memorandum.objects.select_related("partnership"), request.user, Perm.VIEW, pk=pk)
    # The versions the memorandum page lists (its own, newest first, with signatures).
    versions = [v for v in lineage_versions(memorandum) if v.memorandum_id == memorandum.pk]
    return {
        **_summary(request, memorandum, _parties_of([memorandum.pk])),
        "pdf_url": link(request, "memoranda:pdf", memorandum.pk),
        "versions": [_version(request, memorandum, v) for v in versions],
    }
