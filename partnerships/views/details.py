"""The partnership pages: the list, the partnership page and its sections (tabs), creating,
changing its details, its history."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from partnerships import selectors, services
from partnerships.access import Perm, can, membership_of, partnership_or_404
from partnerships.auth import AuthenticatedHttpRequest
from partnerships.forms import PartnershipCreateForm, PartnershipFilterForm, PartnershipForm, filter_values
from partnerships.views.common import form_flow, tab_url
from portal.audit import history_for
from portal.flows import GET_POST
from portal.paging import paginate
from portal.registry import find_partnership_section, partnership_sections


@login_required
def partnership_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = PartnershipFilterForm(request.GET or None)
    values = filter_values(filters)
    paging = paginate(request, selectors.partnership_list(request.user, **values))
    roles = selectors.memberships_by_partnership(request.user)
    rows = [{"partnership": p, "membership": roles.get(p.pk)} for p in paging["page_obj"]]
    return render(
        request,
        "partnerships/partnership_list.html",
        {"filters": filters, "filtered": bool(values), "rows": rows, **paging},
    )


@login_required
def partnership_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, Perm.VIEW)
    user = request.user
    return render(
        request,
        "partnerships/partnership_detail.html",
        {
            "partnership": partnership,
            "membership": membership_of(user, partnership),
            "can_edit": can(user, partnership, Perm.EDIT_PARTNERSHIP),
            "can_manage_people": can(user, partnership, Perm.MANAGE_MEMBERS),
            "sections": partnership_sections(),
            "breadcrumbs": [("Partnerships", reverse("partnerships:partnership_list"))],
            "events": history_for(partnership_id=partnership.pk, limit=10),
            **selectors.partnership_page(user, partnership),
        },
    )


@login_required
@GET_POST
def partnership_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.is_site_admin:
        raise PermissionDenied("Only site administrators can create partnerships.")
    return form_flow(
        request,
        PartnershipCreateForm(request.POST or None),
        lambda data: services.create_partnership(
            request.user, data=data, lead_organisation=data.get("lead_organisation")
        ),
        success=lambda partnership: f"{partnership.name} is created. Next, add its partners and invite its lead.",
        next_url=lambda partnership: partnership.get_absolute_url(),
        title="Create a partnership",
        submit_label="Create partnership",
        cancel_url=reverse("partnerships:partnership_list"),
        breadcrumbs=[("Partnerships", reverse("partnerships:partnership_list"))],
    )


@login_required
@GET_POST
def partnership_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, Perm.EDIT_PARTNERSHIP)
    return form_flow(
        request,
        PartnershipForm(request.POST or None, instance=partnership),
        lambda data: services.update_partnership(
            request.user, partnership, data=data, base_revision=data.get("revision")
        ),
        success="The partnership details are saved.",
        next_url=partnership.get_absolute_url(),
        stale_check=partnership,
        title="Change the partnership details",
        partnership=partnership,
        cancel_url=tab_url(partnership, "overview"),
    )


@login_required
def partnership_section(request: AuthenticatedHttpRequest, slug: str, key: str) -> HttpResponse:
    """One section another app contributes to the partnership page (memoranda, health checks,
    placements). The page's tabs load it on first view (static/js/partnership.js asks for
    ?fragment=1, just the section); without JavaScript the tab links here, a page of its own."""
    partnership = partnership_or_404(request.user, slug, Perm.VIEW)
    section = find_partnership_section(key)
    if section is None:
        raise Http404("No such section")
    context = {
        "partnership": partnership,
        "section": section,
        "panel": section.context(request.user, partnership),
        "breadcrumbs": [
            ("Partnerships", reverse("partnerships:partnership_list")),
            (partnership.name, partnership.get_absolute_url()),
        ],
    }
    if request.GET.get("fragment") == "1":
        return render(request, "partnerships/_section.html", context)
    return render(request, "partnerships/section.html", context)


@login_required
def partnership_history(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, Perm.VIEW)
    return render(
        request,
        "partnerships/history.html",
        {"partnership": partnership, **paginate(request, selectors.partnership_history(partnership), per_page=50)},
    )
