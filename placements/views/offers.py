"""Placement offers: the list (with filters and downloads), one offer, adding and changing
offers, and the setting audit."""

from __future__ import annotations

import copy
from typing import cast

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from partnerships.access import Perm, object_or_404, partnership_or_404
from placements import exports
from placements.forms import OfferForm, SettingAuditForm
from placements.models import FILLED, HOLDS_PLACE, OfferStage, Placement, PlacementOffer, ServiceArea, SettingAudit
from placements.permissions import PlacementPerm
from placements.selectors.figures import UNFILLED, with_filled_places
from placements.selectors.years import current_year
from placements.services.common import can_manage_employer, own_employer, require_employer
from placements.services.offers import OFFER_FIELDS, create_offer, save_setting_audit, update_offer
from placements.views.common import (
    PAGE_SIZE,
    all_years,
    export_format,
    filter_employers,
    form_flow,
    manage_context,
    narrow,
    pick,
    visible_partnerships,
)
from portal.audit import history_for
from portal.flows import GET_POST
from portal.paging import paginate, positive_int, query_params


@login_required
def offer_list(request: HttpRequest) -> HttpResponse:
    partnerships = visible_partnerships(request.user)
    selected = query_params(request, "partnership", "year", "stage", "area", "statutory", "unfilled", "employer")
    qs = narrow(PlacementOffer.objects.visible_to(request.user), request.user, partnerships)
    if selected["partnership"]:
        qs = qs.filter(partnership__slug=selected["partnership"])
    if selected["year"]:
        qs = qs.filter(academic_year__label=selected["year"])
    if selected["stage"] in OfferStage.values:
        qs = qs.filter(stage=selected["stage"])
    if selected["area"] in ServiceArea.values:
        qs = qs.filter(service_area=selected["area"])
    if selected["statutory"] in ("yes", "no"):
        qs = qs.filter(statutory=selected["statutory"] == "yes")
    if positive_int(selected["employer"]):
        qs = qs.filter(employer_id=positive_int(selected["employer"]))
    fmt = export_format(request)
    # Filled counts are aggregated only where needed (the unfilled filter, downloads); for a page
    # they are fetched for its 50 offers alone, so a long list does not aggregate every offer.
    if selected["unfilled"] == "yes" or fmt:
        qs = with_filled_places(qs)
    if selected["unfilled"] == "yes":
        qs = qs.filter(UNFILLED)
    qs = qs.select_related("employer", "academic_year", "partnership", "practice_educator", "audit").order_by(
        "-academic_year__starts_on", "employer__name", "team", "id"
    )
    if fmt:
        return exports.download("placement-offers", exports.OFFERS, qs.iterator(chunk_size=2000), fmt)
    paged = paginate(request, qs, PAGE_SIZE)
    page_obj = paged["page_obj"]
    offers = list(page_obj.object_list)
    filled = dict(
        Placement.objects.filter(offer__in=[o.pk for o in offers], status__in=FILLED)
        .values_list("offer_id")
        .annotate(Count("id"))
        .order_by()
    )
    for offer in offers:
        offer.filled = filled.get(offer.pk, 0)
    page_obj.object_list = offers
    return render(
        request,
        "placements/offer_list.html",
        {
            **paged,
            "partnerships": partnerships,
            **manage_context(request.user, partnerships, selected["partnership"]),
            "years": all_years(),
            "employers": filter_employers(request.user),
            "stages": OfferStage.choices,
            "areas": ServiceArea.choices,
            "selected": selected,
        },
    )


def _offer_for(request, pk, perm=Perm.VIEW) -> PlacementOffer:
    return cast(
        PlacementOffer,
        object_or_404(
            PlacementOffer.objects.select_related("partnership", "employer", "academic_year", "practice_educator"),
            request.user,
            perm,
            pk=pk,
        ),
    )


@login_required
@GET_POST
def offer_create(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, PlacementPerm.MANAGE)
    own = own_employer(request.user, partnership)
    initial = {"academic_year": current_year(), "employer": own}
    form = OfferForm(request.POST or None, partnership=partnership, own_employer=own, initial=initial)
    return form_flow(
        request,
        form,
        lambda data: create_offer(request.user, partnership, data=pick(data, OFFER_FIELDS)),
        success=lambda offer: f"Offer added: {offer.places} places at {offer.team}",
        next_url=lambda offer: offer.get_absolute_url(),
        title="Add a placement offer",
        caption=partnership.name,
        intro="One offer is a team's places for one stage in one academic year.",
        submit_label="Add offer",
        cancel_url=reverse("placements:offer_list") + f"?partnership={slug}",
    )


@login_required
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer_for(request, pk)
    placements = list(offer.placements.select_related("student", "student__university").order_by("starts_on"))
    held = sum(1 for p in placements if p.status in HOLDS_PLACE)
    return render(
        request,
        "placements/offer_detail.html",
        {
            "offer": offer,
            "placements": placements,
            "held": held,
            "free": max(0, offer.places - held),
            "audit": SettingAudit.objects.filter(offer=offer).first(),
            "can_manage": can_manage_employer(request.user, offer.partnership, offer.employer_id),
            "events": history_for(target=offer, limit=10),
        },
    )


@login_required
@GET_POST
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer_for(request, pk, PlacementPerm.MANAGE)
    require_employer(request.user, offer.partnership, offer.employer_id)
    own = own_employer(request.user, offer.partnership)
    form = OfferForm(
        request.POST or None,
        instance=copy.copy(offer),
        partnership=offer.partnership,
        own_employer=own,
        initial={"revision": offer.revision},
    )
    return form_flow(
        request,
        form,
        lambda data: update_offer(
            request.user, offer, data=pick(data, OFFER_FIELDS), base_revision=data.get("revision")
        ),
        success="Offer saved",
        next_url=lambda saved: saved.get_absolute_url(),
        stale_check=offer,
        title="Change the offer",
        caption=str(offer),
        submit_label="Save changes",
        cancel_url=offer.get_absolute_url(),
    )


@login_required
@GET_POST
def offer_audit(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer_for(request, pk, PlacementPerm.MANAGE)
    require_employer(request.user, offer.partnership, offer.employer_id)
    audit = SettingAudit.objects.filter(offer=offer).first() or SettingAudit(offer=offer)
    form = SettingAuditForm(request.POST or None, instance=copy.copy(audit))
    return form_flow(
        request,
        form,
        lambda data: save_setting_audit(
            request.user,
            offer,
            data=pick(data, SettingAuditForm.Meta.fields),
            # 0: the form showed no audit yet (one saved meanwhile makes this stale).
            base_revision=data.get("revision") or 0,
        ),
        success="Setting audit saved",
        next_url=offer.get_absolute_url(),
        stale_check=audit,
        title="Setting audit",
        caption=str(offer),
        intro="Tick what is ready for a student, then record when the audit was completed and shared "
        "with the university.",
        cancel_url=offer.get_absolute_url(),
    )
