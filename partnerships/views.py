"""Partnership and organisation pages. Thin: find the object through the access rules, run the
form through a service (`portal.forms.submit`), render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from partnerships import selectors, services
from partnerships.access import (
    Perm,
    can,
    can_add_organisation,
    can_edit_organisation,
    membership_of,
    object_or_404,
    partnership_or_404,
    require_organisation_edit,
)
from partnerships.forms import (
    AimForm,
    GroupForm,
    InviteForm,
    MeetingForm,
    MembershipForm,
    OrganisationFilterForm,
    OrganisationForm,
    OutcomeForm,
    PartnerEndForm,
    PartnerForm,
    PartnershipCreateForm,
    PartnershipFilterForm,
    PartnershipForm,
    PeopleFilterForm,
    filter_values,
)
from partnerships.models import Aim, GovernanceGroup, Meeting, Membership, Organisation, Outcome, Partner, Role
from portal.audit import history_for
from portal.flows import GET_POST, form_page
from portal.paging import paginate
from portal.registry import find_partnership_section, partnership_sections


def _form_flow(request, form, service, *, success, next_url, stale_check=None, **page) -> HttpResponse:
    """portal.flows.form_page on partnerships/form_page.html (title, intro, partnership, cancel_url...)."""
    return form_page(
        request,
        form,
        service,
        template="partnerships/form_page.html",
        success=success,
        next_url=next_url,
        stale_check=stale_check,
        **page,
    )


def _tab_url(partnership, tab: str) -> str:
    return f"{partnership.get_absolute_url()}#{tab}"


# --- Organisations -----------------------------------------------------------------------------


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
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
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
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
def organisation_create(request: HttpRequest) -> HttpResponse:
    require_organisation_edit(request.user)
    return _form_flow(
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
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    require_organisation_edit(request.user, organisation)
    return _form_flow(
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


# --- Partnerships ------------------------------------------------------------------------------


@login_required
def partnership_list(request: HttpRequest) -> HttpResponse:
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
def partnership_detail(request: HttpRequest, slug: str) -> HttpResponse:
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
def partnership_create(request: HttpRequest) -> HttpResponse:
    if not request.user.is_site_admin:
        raise PermissionDenied("Only site administrators can create partnerships.")
    return _form_flow(
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
def partnership_edit(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, Perm.EDIT_PARTNERSHIP)
    return _form_flow(
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
        cancel_url=_tab_url(partnership, "overview"),
    )


@login_required
def partnership_section(request: HttpRequest, slug: str, key: str) -> HttpResponse:
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
def membership_list(request: HttpRequest, slug: str) -> HttpResponse:
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
                (partnership.name, _tab_url(partnership, "people")),
            ],
            **paginate(request, selectors.people_list(partnership, **values), per_page=50),
        },
    )


@login_required
def partnership_history(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, Perm.VIEW)
    return render(
        request,
        "partnerships/history.html",
        {"partnership": partnership, **paginate(request, selectors.partnership_history(partnership), per_page=50)},
    )


# --- Partners ----------------------------------------------------------------------------------


@login_required
@GET_POST
def partner_add(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, Perm.EDIT_PARTNERSHIP)
    register = reverse("partnerships:organisation_create")
    return _form_flow(
        request,
        PartnerForm(request.POST or None, partnership=partnership),
        lambda data: services.add_partner(request.user, partnership, data=data),
        success=lambda partner: f"{partner.organisation.name} is now a partner.",
        next_url=_tab_url(partnership, "partners"),
        title="Add a partner",
        partnership=partnership,
        submit_label="Add partner",
        cancel_url=_tab_url(partnership, "partners"),
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
def partner_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partner = _partner(request, slug, pk)
    partnership = partner.partnership
    return _form_flow(
        request,
        PartnerForm(request.POST or None, instance=partner, partnership=partnership),
        lambda data: services.update_partner(request.user, partner, data=data, base_revision=data.get("revision")),
        success=f"The details of {partner.organisation.name} are saved.",
        stale_check=partner,
        next_url=_tab_url(partnership, "partners"),
        title=f"Change {partner.organisation.name}'s place in the partnership",
        partnership=partnership,
        cancel_url=_tab_url(partnership, "partners"),
    )


@login_required
@GET_POST
def partner_end(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    partner = _partner(request, slug, pk)
    partnership = partner.partnership
    return _form_flow(
        request,
        PartnerEndForm(request.POST or None),
        lambda data: services.end_partner(request.user, partner, left_on=data["left_on"]),
        success=f"{partner.organisation.name} is recorded as having left.",
        next_url=_tab_url(partnership, "partners"),
        title=f"Record that {partner.organisation.name} left",
        intro="They stay on the record as a former partner: memoranda and the history still name them. "
        "Nobody can sign for them here after they leave.",
        partnership=partnership,
        submit_label="Record leaving",
        cancel_url=_tab_url(partnership, "partners"),
    )


# --- Aims and outcomes -------------------------------------------------------------------------


@login_required
@GET_POST
def aim_add(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, Perm.EDIT_PARTNERSHIP)
    return _form_flow(
        request,
        AimForm(request.POST or None),
        lambda data: services.add_aim(request.user, partnership, data=data),
        success="The aim is added. Now add the outcomes that show it is met.",
        next_url=lambda aim: reverse("partnerships:outcome_add", args=[partnership.slug, aim.pk]),
        title="Add a joint aim",
        intro="An aim the partners agree to work towards together. Outcomes, measures and each partner's "
        "part come next.",
        partnership=partnership,
        submit_label="Add aim",
        cancel_url=_tab_url(partnership, "aims"),
    )


def _aim(request, slug: str, pk: int) -> Aim:
    return object_or_404(
        Aim.objects.select_related("partnership"), request.user, Perm.EDIT_PARTNERSHIP, pk=pk, partnership__slug=slug
    )


@login_required
@GET_POST
def aim_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    aim = _aim(request, slug, pk)
    return _form_flow(
        request,
        AimForm(request.POST or None, instance=aim),
        lambda data: services.update_aim(request.user, aim, data=data, base_revision=data.get("revision")),
        success="The aim is saved.",
        stale_check=aim,
        next_url=_tab_url(aim.partnership, "aims"),
        title="Change the aim",
        partnership=aim.partnership,
        cancel_url=_tab_url(aim.partnership, "aims"),
        delete_url=reverse("partnerships:aim_delete", args=[slug, aim.pk]),
        delete_label="Remove this aim",
    )


def _confirm(request, action, *, success: str, next_url: str, **page) -> HttpResponse:
    """An "are you sure?" page; on POST run `action()` and move on, or show why it was refused."""
    if request.method == "POST":
        try:
            action()
        except ValidationError as refusal:
            page["error"] = " ".join(refusal.messages)
        else:
            messages.success(request, success)
            return redirect(next_url)
    return render(request, "partnerships/confirm.html", page)


@login_required
@GET_POST
def aim_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    aim = _aim(request, slug, pk)
    outcomes = aim.outcomes.count()
    return _confirm(
        request,
        lambda: services.delete_aim(request.user, aim),
        success=f"The aim “{aim.title}” is removed.",
        next_url=_tab_url(aim.partnership, "aims"),
        title=f"Remove the aim “{aim.title}”?",
        warning=f"Its {outcomes} outcome(s) and the partners' responsibilities for them go too." if outcomes else "",
        partnership=aim.partnership,
        submit_label="Remove aim",
        cancel_url=_tab_url(aim.partnership, "aims"),
    )


@login_required
@GET_POST
def outcome_add(request: HttpRequest, slug: str, aim_pk: int) -> HttpResponse:
    aim = _aim(request, slug, aim_pk)
    partnership = aim.partnership
    form = OutcomeForm(request.POST or None, partnership=partnership)
    return _form_flow(
        request,
        form,
        lambda data: services.add_outcome(request.user, aim, data=data, responsibilities=form.responsibilities()),
        success="The outcome is added.",
        next_url=_tab_url(partnership, "aims"),
        title="Add an outcome",
        intro=f"For the aim “{aim.title}”. Say how progress is measured, the target, how it is evaluated "
        "and what each partner does towards it (leave a partner empty if they have no part).",
        partnership=partnership,
        submit_label="Add outcome",
        cancel_url=_tab_url(partnership, "aims"),
    )


def _outcome(request, slug: str, pk: int) -> Outcome:
    return object_or_404(
        Outcome.objects.select_related("aim__partnership"),
        request.user,
        Perm.EDIT_PARTNERSHIP,
        partnership_attr="aim.partnership_id",
        pk=pk,
        aim__partnership__slug=slug,
    )


@login_required
@GET_POST
def outcome_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    outcome = _outcome(request, slug, pk)
    partnership = outcome.aim.partnership
    form = OutcomeForm(request.POST or None, instance=outcome, partnership=partnership)
    return _form_flow(
        request,
        form,
        lambda data: services.update_outcome(
            request.user,
            outcome,
            data=data,
            base_revision=data.get("revision"),
            responsibilities=form.responsibilities(),
        ),
        success="The outcome is saved.",
        stale_check=outcome,
        next_url=_tab_url(partnership, "aims"),
        title="Change the outcome",
        intro=f"For the aim “{outcome.aim.title}”.",
        partnership=partnership,
        cancel_url=_tab_url(partnership, "aims"),
        delete_url=reverse("partnerships:outcome_delete", args=[slug, outcome.pk]),
        delete_label="Remove this outcome",
    )


@login_required
@GET_POST
def outcome_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    outcome = _outcome(request, slug, pk)
    partnership = outcome.aim.partnership
    return _confirm(
        request,
        lambda: services.delete_outcome(request.user, outcome),
        success="The outcome is removed.",
        next_url=_tab_url(partnership, "aims"),
        title=f"Remove the outcome “{outcome.description}”?",
        warning="The partners' responsibilities for it go too.",
        partnership=partnership,
        submit_label="Remove outcome",
        cancel_url=_tab_url(partnership, "aims"),
    )


# --- Governance ---------------------------------------------------------------------------------


@login_required
@GET_POST
def group_add(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, Perm.EDIT_PARTNERSHIP)
    return _form_flow(
        request,
        GroupForm(request.POST or None, partnership=partnership),
        lambda data: services.add_group(request.user, partnership, data=data),
        success=lambda group: f"{group.name} is added.",
        next_url=_tab_url(partnership, "governance"),
        title="Add a governance group",
        partnership=partnership,
        submit_label="Add group",
        cancel_url=_tab_url(partnership, "governance"),
    )


def _group(request, slug: str, pk: int, perm: Perm) -> GovernanceGroup:
    return object_or_404(
        GovernanceGroup.objects.select_related("partnership", "chair_organisation"),
        request.user,
        perm,
        pk=pk,
        partnership__slug=slug,
    )


@login_required
def group_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    group = _group(request, slug, pk, Perm.VIEW)
    return render(
        request,
        "partnerships/group_detail.html",
        {
            "group": group,
            "partnership": group.partnership,
            "can_edit": can(request.user, group.partnership, Perm.EDIT_PARTNERSHIP),
            "can_record_meetings": can(request.user, group.partnership, Perm.RECORD_MEETING),
            **paginate(request, group.meetings.order_by("-held_on", "-id"), per_page=10),
        },
    )


@login_required
@GET_POST
def group_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    group = _group(request, slug, pk, Perm.EDIT_PARTNERSHIP)
    group_url = reverse("partnerships:group_detail", args=[slug, group.pk])
    return _form_flow(
        request,
        GroupForm(request.POST or None, instance=group, partnership=group.partnership),
        lambda data: services.update_group(request.user, group, data=data, base_revision=data.get("revision")),
        success="The group is saved.",
        stale_check=group,
        next_url=group_url,
        title=f"Change {group.name}",
        partnership=group.partnership,
        cancel_url=group_url,
    )


@login_required
@GET_POST
def meeting_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    group = _group(request, slug, pk, Perm.RECORD_MEETING)
    group_url = reverse("partnerships:group_detail", args=[slug, group.pk])
    return _form_flow(
        request,
        MeetingForm(request.POST or None),
        lambda data: services.record_meeting(request.user, group, data=data),
        success="The meeting is recorded.",
        next_url=group_url,
        title=f"Record a meeting of {group.name}",
        partnership=group.partnership,
        submit_label="Record meeting",
        cancel_url=group_url,
    )


@login_required
@GET_POST
def meeting_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    meeting = object_or_404(
        Meeting.objects.select_related("group__partnership"),
        request.user,
        Perm.RECORD_MEETING,
        partnership_attr="group.partnership_id",
        pk=pk,
        group__partnership__slug=slug,
    )
    group_url = reverse("partnerships:group_detail", args=[slug, meeting.group_id])
    return _form_flow(
        request,
        MeetingForm(request.POST or None, instance=meeting),
        lambda data: services.update_meeting(request.user, meeting, data=data, base_revision=data.get("revision")),
        success="The meeting record is saved.",
        stale_check=meeting,
        next_url=group_url,
        title=f"Change the record of a {meeting.group.name} meeting",
        partnership=meeting.group.partnership,
        cancel_url=group_url,
    )


# --- People ------------------------------------------------------------------------------------


def _invited(invitation: services.Invitation) -> str:
    user = invitation.membership.user
    if invitation.resent:
        return f"The invitation to {user.email} is sent again."
    if invitation.new_account:
        return f"{user.full_name} is invited. They get an email at {user.email} to set a password."
    return f"{user.full_name} already had an account and is now a member."


@login_required
@GET_POST
def membership_invite(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, Perm.MANAGE_MEMBERS)
    # "Add a signatory for X" links name the organisation to represent.
    wanted = request.GET.get("organisation", "")
    initial = {"organisation": int(wanted), "role": Role.SIGNATORY} if wanted.isdigit() else {}
    return _form_flow(
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
        next_url=_tab_url(partnership, "people"),
        title="Add a person",
        intro="Someone who is new to the portal gets an email with a link to set their password. Someone "
        "who already has an account is added straight away.",
        partnership=partnership,
        submit_label="Add person",
        cancel_url=_tab_url(partnership, "people"),
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
def membership_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = _membership(request, slug, pk)
    partnership = membership.partnership
    return _form_flow(
        request,
        MembershipForm(request.POST or None, instance=membership, partnership=partnership),
        lambda data: services.change_membership(
            request.user, membership, data=data, base_revision=data.get("revision")
        ),
        success=f"{membership.user.full_name}'s role is saved.",
        stale_check=membership,
        next_url=_tab_url(partnership, "people"),
        title=f"Change {membership.user.full_name}'s role",
        partnership=partnership,
        cancel_url=_tab_url(partnership, "people"),
        delete_url=reverse("partnerships:membership_remove", args=[slug, membership.pk]),
        delete_label="Remove from the partnership",
    )


@login_required
@GET_POST
def membership_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = _membership(request, slug, pk)
    partnership = membership.partnership
    leaving = membership.user_id == request.user.pk and not request.user.is_site_admin
    return _confirm(
        request,
        lambda: services.remove_membership(request.user, membership),
        success=f"{membership.user.full_name} is removed from the partnership.",
        # Someone who removes themselves can no longer see the partnership.
        next_url=reverse("dashboard") if leaving else _tab_url(partnership, "people"),
        title=f"Remove {membership.user.full_name} from {partnership.name}?",
        warning="They will no longer see this partnership. Their account stays, and the history keeps what they did.",
        partnership=partnership,
        submit_label="Remove person",
        cancel_url=_tab_url(partnership, "people"),
    )
