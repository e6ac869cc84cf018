"""Adding a partner organisation, changing its level or dates, recording that it left."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import reverse

from partnerships import services
from partnerships.access import Perm, can_add_organisation, object_or_404, partnership_or_404
from partnerships.auth import AuthenticatedHttpRequest
from partnerships.forms import PartnerEndForm, PartnerForm
from partnerships.models import Partner
from partnerships.views.common import form_flow, tab_url
from portal.flows import GET_POST


@login_required
@GET_POST
def partner_add(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, Perm.EDIT_PARTNERSHIP)
    register = reverse("partnerships:organisation_create")
    return form_flow(
        request,
        PartnerForm(request.POST or None, partnership=partnership),
        lambda data: services.add_partner(request.user, partnership, data=data),
        success=lambda partner: f"{partner.organisation.name} is now a partner.",
        next_url=tab_url(partnership, "partners"),
        title="Add a partner",
        partnership=partnership,
        submit_label="Add partner",
        cancel_url=tab_url(partnership, "partners"),
        aside_link=(register, "Register a new organisation") if can_add_organisation(request.user) else None,
    )


def _partner(request, slug: str, pk: int) -> Partner:
    return object_or_404(
        Partner.objects.select_related("organisation", "partnership"),
        request.user,
        Perm.EDIT_PARTNERSHIP,
        pk=pk,
        partnership__slug=slug,
    )


@login_required
@GET_POST
def partner_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    partner = _partner(request, slug, pk)
    partnership = partner.partnership
    return form_flow(
        request,
        PartnerForm(request.POST or None, instance=partner, partnership=partnership),
        lambda data: services.update_partner(request.user, partner, data=data, base_revision=data.get("revision")),
        success=f"The details of {partner.organisation.name} are saved.",
        stale_check=partner,
        next_url=tab_url(partnership, "partners"),
        title=f"Change {partner.organisation.name}'s place in the partnership",
        partnership=partnership,
        cancel_url=tab_url(partnership, "partners"),
    )


@login_required
@GET_POST
def partner_end(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    partner = _partner(request, slug, pk)
    partnership = partner.partnership
    return form_flow(
        request,
        PartnerEndForm(request.POST or None),
        lambda data: services.end_partner(request.user, partner, left_on=data["left_on"]),
        success=f"{partner.organisation.name} is recorded as having left.",
        next_url=tab_url(partnership, "partners"),
        title=f"Record that {partner.organisation.name} left",
        intro="They stay on the record as a former partner: memoranda and the history still name them. "
        "Nobody can sign for them here after they leave.",
        partnership=partnership,
        submit_label="Record leaving",
        cancel_url=tab_url(partnership, "partners"),
    )
