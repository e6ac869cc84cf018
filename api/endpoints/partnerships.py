"""Partnerships with their partners, and organisations."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404
from ninja import Router

from api.endpoints.common import ERRORS, Schema, link
from api.pagination import keyset_page
from partnerships.access import partnership_or_404
from partnerships.models import Organisation, Partner, Partnership, PartnershipStatus

router = Router(tags=["Partnerships"])
organisations = Router(tags=["Organisations"])


class OrganisationRef(Schema):
    id: int
    name: str
    kind: str


class PartnerOut(Schema):
    organisation: OrganisationRef
    level: str
    joined_on: dt.date | None
    left_on: dt.date | None
    current: bool


class PartnershipOut(Schema):
    slug: str
    name: str
    region: str
    status: str
    established_on: dt.date | None
    url: str
    partners: list[PartnerOut]


class PartnershipPage(Schema):
    items: list[PartnershipOut]
    next: str | None


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    region: str
    la_services: str
    website: str
    gss_code: str  # a local authority's GSS code, e.g. E09000001 ("" when not recorded)
    ukprn: str  # a university's UK Provider Reference Number ("" when not recorded)
    url: str


class OrganisationPage(Schema):
    items: list[OrganisationOut]
    next: str | None


def _partners_prefetch():
    return Prefetch("partners", queryset=Partner.objects.select_related("organisation"))


def partnership_out(request, p: Partnership) -> dict:
    return {
        "slug": p.slug,
        "name": p.name,
        "region": p.region,
        "status": p.status,
        "established_on": p.established_on,
        "url": link(request, "partnerships:partnership_detail", p.slug),
        "partners": [
            {
                "organisation": {"id": x.organisation_id, "name": x.organisation.name, "kind": x.organisation.kind},
                "level": x.level,
                "joined_on": x.joined_on,
                "left_on": x.left_on,
                "current": x.is_current,
            }
            for x in p.partners.all()
        ],
    }


@router.get("", response={200: PartnershipPage, **ERRORS}, url_name="partnership_list")
def partnership_list(request, state: str | None = None, cursor: str | None = None, limit: int | None = None):
    """The partnerships you belong to (every partnership for a site administrator's token)."""
    qs = Partnership.objects.visible_to(request.user).prefetch_related(_partners_prefetch())
    if state in PartnershipStatus.values:
        qs = qs.filter(status=state)
    rows, next_cursor = keyset_page(qs, cursor, limit)
    return {"items": [partnership_out(request, p) for p in rows], "next": next_cursor}


@router.get("/{slug}", response={200: PartnershipOut, **ERRORS}, url_name="partnership_detail")
def partnership_detail(request, slug: str):
    partnership = partnership_or_404(request.user, slug)
    prefetch_related_objects([partnership], _partners_prefetch())
    return partnership_out(request, partnership)


def organisation_out(request, o: Organisation) -> dict:
    return {
        "id": o.pk,
        "name": o.name,
        "kind": o.kind,
        "kind_label": o.get_kind_display(),
        "region": o.region,
        "la_services": o.la_services,
        "website": o.website,
        "gss_code": o.gss_code,
        "ukprn": o.ukprn,
        "url": link(request, "partnerships:organisation_detail", o.pk),
    }


@organisations.get("", response={200: OrganisationPage, **ERRORS}, url_name="organisation_list")
def organisation_list(request, kind: str | None = None, cursor: str | None = None, limit: int | None = None):
    """Organisations are shared across partnerships: every token may read them (as every signed-in
    person may on the pages)."""
    qs = Organisation.objects.all()
    if kind:
        qs = qs.filter(kind=kind[:30])
    rows, next_cursor = keyset_page(qs, cursor, limit)
    return {"items": [organisation_out(request, o) for o in rows], "next": next_cursor}


@organisations.get("/{int:pk}", response={200: OrganisationOut, **ERRORS}, url_name="organisation_detail")
def organisation_detail(request, pk: int):
    return organisation_out(request, get_object_or_404(Organisation, pk=pk))
