"""The people in a partnership: the list, inviting, changing a role, removing."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from partnerships import selectors, services
from partnerships.access import Perm, can, object_or_404, partnership_or_404
from partnerships.auth import AuthenticatedHttpRequest
from partnerships.forms import InviteForm, MembershipForm, PeopleFilterForm, filter_values
from partnerships.models import Membership, Role
from partnerships.views.common import confirm, form_flow, tab_url
from portal.flows import GET_POST
from portal.paging import paginate


@login_required
def membership_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Everyone in the partnership, paginated, with a search and a filter by role."""
    partnership = partnership_or_404(request.user, slug, Perm.VIEW)
    filters = PeopleFilterForm(request.GET or None)
    values = filter_values(filters)
    return render(
        request,
        "partnerships/people.html",
        {
            "partnership": partnership,
            "filters": filters,
            "filtered": bool(values),
            "can_manage_people": can(request.user, partnership, Perm.MANAGE_MEMBERS),
            "current_org_ids": set(
                partnership.partners.filter(selectors.current()).values_list("organisation_id", flat=True)
            ),
            "breadcrumbs": [
                ("Partnerships", reverse("partnerships:partnership_list")),
                (partnership.name, tab_url(partnership, "people")),
            ],
            **paginate(request, selectors.people_list(partnership, **values), per_page=50),
        },
    )


def _invited(invitation: services.Invitation) -> str:
    user = invitation.membership.user
    if invitation.resent:
        return f"The invitation to {user.email} is sent again."
    if invitation.new_account:
        return f"{user.full_name} is invited. They get an email at {user.email} to set a password."
    return f"{user.full_name} already had an account and is now a member."


@login_required
@GET_POST
def membership_invite(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, Perm.MANAGE_MEMBERS)
    # "Add a signatory for X" links name the organisation to represent.
    wanted = request.GET.get("organisation", "")
    initial = {"organisation": int(wanted), "role": Role.SIGNATORY} if wanted.isdigit() else {}
    return form_flow(
        request,
        InviteForm(request.POST or None, partnership=partnership, initial=initial),
        lambda data: services.invite_member(
            request.user,
            partnership,
            email=data["email"],
            full_name=data["full_name"],
            role=data["role"],
            organisation=data["organisation"],
            job_title=data["job_title"],
        ),
        success=_invited,
        next_url=tab_url(partnership, "people"),
        title="Add a person",
        intro="Someone who is new to the portal gets an email with a link to set their password. Someone "
        "who already has an account is added straight away.",
        partnership=partnership,
        submit_label="Add person",
        cancel_url=tab_url(partnership, "people"),
    )


def _membership(request, slug: str, pk: int) -> Membership:
    return object_or_404(
        Membership.objects.select_related("user", "partnership", "organisation"),
        request.user,
        Perm.MANAGE_MEMBERS,
        pk=pk,
        partnership__slug=slug,
    )


@login_required
@GET_POST
def membership_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = _membership(request, slug, pk)
    partnership = membership.partnership
    return form_flow(
        request,
        MembershipForm(request.POST or None, instance=membership, partnership=partnership),
        lambda data: services.change_membership(
            request.user, membership, data=data, base_revision=data.get("revision")
        ),
        success=f"{membership.user.full_name}'s role is saved.",
        stale_check=membership,
        next_url=tab_url(partnership, "people"),
        title=f"Change {membership.user.full_name}'s role",
        partnership=partnership,
        cancel_url=tab_url(partnership, "people"),
        delete_url=reverse("partnerships:membership_remove", args=[slug, membership.pk]),
        delete_label="Remove from the partnership",
    )


@login_required
@GET_POST
def membership_remove(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = _membership(request, slug, pk)
    partnership = membership.partnership
    leaving = membership.user_id == request.user.pk and not request.user.is_site_admin
    return confirm(
        request,
        lambda: services.remove_membership(request.user, membership),
        success=f"{membership.user.full_name} is removed from the partnership.",
        # Someone who removes themselves can no longer see the partnership.
        next_url=reverse("dashboard") if leaving else tab_url(partnership, "people"),
        title=f"Remove {membership.user.full_name} from {partnership.name}?",
        warning="They will no longer see this partnership. Their account stays, and the history keeps what they did.",
        partnership=partnership,
        submit_label="Remove person",
        cancel_url=tab_url(partnership, "people"),
    )
