"""Organisation pages: the register, one organisation, adding and changing one."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from partnerships import selectors, services
from partnerships.access import can_add_organisation, can_edit_organisation, require_organisation_edit
from partnerships.auth import AuthenticatedHttpRequest
from partnerships.forms import OrganisationFilterForm, OrganisationForm, filter_values
from partnerships.models import Organisation
from partnerships.views.common import form_flow
from portal.flows import GET_POST
from portal.paging import paginate


@login_required
def organisation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = OrganisationFilterForm(request.GET or None)
    values = filter_values(filters)
    return render(
        request,
        "partnerships/organisation_list.html",
        {
            "filters": filters,
            "filtered": bool(values),
            "can_add": can_add_organisation(request.user),
            **paginate(request, selectors.organisation_list(**values)),
        },
    )


@login_required
def organisation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    return render(
        request,
        "partnerships/organisation_detail.html",
        {
            "organisation": organisation,
            "can_edit": can_edit_organisation(request.user, organisation),
            "breadcrumbs": [("Organisations", reverse("partnerships:organisation_list"))],
            **selectors.organisation_page(request.user, organisation),
        },
    )


@login_required
@GET_POST
def organisation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_organisation_edit(request.user)
    return form_flow(
        request,
        OrganisationForm(request.POST or None),
        lambda data: services.create_organisation(request.user, data=data),
        success=lambda organisation: f"{organisation.name} is registered.",
        next_url=lambda organisation: organisation.get_absolute_url(),
        title="Register an organisation",
        intro="Register an employer, university or service user and carer group once; any partnership can "
        "then add it as a partner.",
        submit_label="Register organisation",
        cancel_url=reverse("partnerships:organisation_list"),
        breadcrumbs=[("Organisations", reverse("partnerships:organisation_list"))],
    )


@login_required
@GET_POST
def organisation_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    require_organisation_edit(request.user, organisation)
    return form_flow(
        request,
        OrganisationForm(request.POST or None, instance=organisation),
        lambda data: services.update_organisation(
            request.user, organisation, data=data, base_revision=data.get("revision")
        ),
        success=lambda saved: f"{saved.name} is updated.",
        next_url=organisation.get_absolute_url(),
        stale_check=organisation,
        title=f"Change {organisation.name}",
        cancel_url=organisation.get_absolute_url(),
        breadcrumbs=[
            ("Organisations", reverse("partnerships:organisation_list")),
            (organisation.name, organisation.get_absolute_url()),
        ],
    )
