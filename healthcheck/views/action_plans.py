"""The action plan: actions across health checks, and updating one (its owner, or coordinators
and leads). Actions are added on the criterion page (views/running.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from healthcheck import selectors
from healthcheck.forms import ActionUpdateForm
from healthcheck.models import Action, ActionStatus
from healthcheck.permissions import HealthCheckPerm
from healthcheck.services import action_plans
from healthcheck.views.common import PAGE_SIZE
from partnerships.access import Perm, can, object_or_404
from partnerships.auth import AuthenticatedHttpRequest
from partnerships.models import Partnership
from portal.flows import GET_POST, form_page
from portal.paging import paginate, query_params


@login_required
def action_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    params = query_params(request, "owner", "status", "overdue", "partnership")
    today = timezone.localdate()
    qs = selectors.filter_actions(
        request.user,
        owner=params["owner"],
        status=params["status"],
        overdue=params["overdue"] == "1",
        partnership=params["partnership"],
        today=today,
    )
    paged = paginate(request, qs, PAGE_SIZE)
    partnerships = list(Partnership.objects.visible_to(request.user).only("name", "slug").order_by("name"))
    # Named owners are offered within one partnership: across many, the list would run to
    # thousands of people (and cost more than the page itself).
    one = params["partnership"] or (partnerships[0].slug if len(partnerships) == 1 else "")
    return render(
        request,
        "healthcheck/action_list.html",
        {
            **paged,
            "params": params,
            "owners": selectors.action_owners(request.user, one) if one else [],
            "statuses": ActionStatus.choices,
            "partnerships": partnerships,
            "today": today,
            "filtered": any(params.values()),
        },
    )


def _back(request: HttpRequest) -> str:
    """Where the form came from, if that is a path on this site: redirect() would read any other
    word as a page's name."""
    back = request.POST.get("next", "")
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("healthcheck:action_list") + "?owner=me&status=open"
    return back


@login_required
@GET_POST
def action_edit(request: AuthenticatedHttpRequest, action_pk: int) -> HttpResponse:
    action = object_or_404(
        Action.objects.select_related(
            "owner", "health_check__partnership", "health_check__organisation", "rating__criterion"
        ),
        request.user,
        Perm.VIEW,
        partnership_attr="health_check.partnership_id",
        pk=action_pk,
    )
    context = {"action": action, "today": timezone.localdate(), "hc": action.health_check}
    if not action_plans.can_update_action(request.user, action):
        if request.method == "POST":
            raise PermissionDenied("Only the action's owner, coordinators and leads can update it.")
        return render(request, "healthcheck/action_edit.html", {**context, "form": None})
    initial = {
        "description": action.description,
        "owner": action.owner_id,
        "due_on": action.due_on,
        "status": action.status,
        "revision": action.revision,
        "next": request.GET.get("next", ""),
    }
    form = ActionUpdateForm(
        request.POST or None,
        initial=initial,
        partnership=action.health_check.partnership,
        status_only=not can(request.user, action.health_check.partnership_id, HealthCheckPerm.RUN),
    )
    return form_page(
        request,
        form,
        lambda data: action_plans.update_action(request.user, action, data=data, base_revision=data["revision"]),
        template="healthcheck/action_edit.html",
        success="Action updated.",
        next_url=lambda _: _back(request),
        stale_check=action,  # re-read after a stale edit, so the page shows what is saved now
        **context,
    )
