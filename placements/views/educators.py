"""The practice educator register: list with currency counts and filters, one educator (with
their currency explained), adding, changing and downloading everything held on them."""

from __future__ import annotations

import copy

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from partnerships.access import can, partnership_or_404
from placements import exports
from placements.forms import EducatorForm
from placements.models import EducatorStatus, PracticeEducator
from placements.permissions import PlacementPerm
from placements.selectors.educators import currency_q, educator_counts, with_currency_dates
from placements.services.common import can_manage_employer, own_employer
from placements.services.data_protection import export_educator_record
from placements.services.educators import EDUCATOR_FIELDS, add_educator, update_educator
from placements.views.common import (
    PAGE_SIZE,
    export_format,
    filter_employers,
    form_flow,
    manage_context,
    pick,
    visible_partnerships,
)
from portal.audit import history_for
from portal.flows import GET_POST
from portal.paging import paginate, positive_int, query_params


@login_required
def educator_list(request: HttpRequest) -> HttpResponse:
    partnerships = visible_partnerships(request.user)
    selected = query_params(request, "partnership", "status", "stage", "employer", "q")
    qs = PracticeEducator.objects.visible_to(request.user)
    if selected["partnership"]:
        partnership = next((p for p in partnerships if p.slug == selected["partnership"]), None)
        qs = qs.on_register_of(partnership) if partnership else qs.none()
    if selected["stage"] in ("1", "2"):
        qs = qs.filter(peps_stage=int(selected["stage"]))
    if selected["employer"] == "independent":
        qs = qs.filter(employer__isnull=True)
    elif positive_int(selected["employer"]):
        qs = qs.filter(employer_id=positive_int(selected["employer"]))
    if selected["q"]:
        qs = qs.filter(Q(full_name__icontains=selected["q"]) | Q(email__icontains=selected["q"]))
    today = timezone.localdate()
    # The counts cover the filters above but not the currency filter, so they always show the
    # whole picture (current, lapsing, lapsed) for the register being looked at.
    counts = educator_counts(qs, today)
    qs = with_currency_dates(qs)
    conditions = currency_q(today)
    if selected["status"] in conditions:
        qs = qs.filter(conditions[selected["status"]])
    qs = qs.select_related("employer").order_by("full_name", "id")
    fmt = export_format(request)
    if fmt:
        return exports.download("practice-educators", exports.EDUCATORS, _with_status(qs.iterator(), today), fmt)
    paged = paginate(request, qs, PAGE_SIZE)
    page_obj = paged["page_obj"]
    page_obj.object_list = list(_with_status(page_obj.object_list, today))
    return render(
        request,
        "placements/educator_list.html",
        {
            **paged,
            "partnerships": partnerships,
            **manage_context(request.user, partnerships, selected["partnership"]),
            "counts": counts,
            "employers": filter_employers(request.user),
            "statuses": EducatorStatus.choices,
            "selected": selected,
        },
    )


def _with_status(educators, today):
    for educator in educators:
        educator.status = educator.currency(today)
        yield educator


def _educator_for(request, pk) -> PracticeEducator:
    """The educator if their record belongs to a partnership the user is in (404 otherwise: a
    record another partnership keeps on the same person is not theirs to see)."""
    educator = (
        PracticeEducator.objects.visible_to(request.user)
        .select_related("employer", "partnership")
        .filter(pk=pk)
        .first()
    )
    if educator is None:
        raise Http404("No such practice educator")
    return educator


def _require_maintainer(request, educator) -> None:
    """403 for a member whose role does not allow maintaining educators, or for an employer's
    coordinator when the educator works for someone else."""
    if not can(request.user, educator.partnership, PlacementPerm.MANAGE):
        raise PermissionDenied("Your role does not allow changing practice educators.")
    if not can_manage_employer(request.user, educator.partnership, educator.employer_id):
        raise PermissionDenied("You can only maintain your own organisation's practice educators.")


@login_required
def educator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    educator = _educator_for(request, pk)
    partnership = educator.partnership
    offers = educator.offers.filter(partnership=partnership).select_related("employer", "academic_year")[:50]
    return render(
        request,
        "placements/educator_detail.html",
        {
            "educator": educator,
            "currency": educator.currency(),
            "register": partnership,
            "offers": offers,
            "can_manage": can_manage_employer(request.user, partnership, educator.employer_id),
            # Records split from a shared one keep its older events: show this register's only.
            "events": history_for(target=educator, partnership_id=partnership.pk, limit=10),
        },
    )


@login_required
@GET_POST
def educator_create(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, PlacementPerm.MANAGE)
    own = own_employer(request.user, partnership)
    form = EducatorForm(request.POST or None, partnership=partnership, own_employer=own, initial={"employer": own})
    return form_flow(
        request,
        form,
        lambda data: add_educator(request.user, partnership, data=pick(data, EDUCATOR_FIELDS)),
        success=lambda educator: f"{educator.full_name} is on the register of {partnership.name}",
        next_url=lambda educator: educator.get_absolute_url(),
        title="Add a practice educator",
        caption=partnership.name,
        intro="A practice educator is current while they have supported a student within the last two "
        "years and done CPD within the last year.",
        submit_label="Add to register",
        cancel_url=reverse("placements:educator_list"),
    )


@login_required
@GET_POST
def educator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    educator = _educator_for(request, pk)
    _require_maintainer(request, educator)
    partnership = educator.partnership
    form = EducatorForm(
        request.POST or None,
        instance=copy.copy(educator),
        partnership=partnership,
        own_employer=own_employer(request.user, partnership),
        initial={"revision": educator.revision},
    )
    return form_flow(
        request,
        form,
        lambda data: update_educator(
            request.user, educator, data=pick(data, EDUCATOR_FIELDS), base_revision=data.get("revision")
        ),
        success="Practice educator saved",
        next_url=lambda saved: saved.get_absolute_url(),
        stale_check=educator,
        title="Change practice educator",
        caption=educator.full_name,
        cancel_url=educator.get_absolute_url(),
    )


@login_required
def educator_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything held on one practice educator, for a subject access request."""
    educator = _educator_for(request, pk)
    _require_maintainer(request, educator)
    data = export_educator_record(request.user, educator)
    return exports.json_download(f"practice-educator-{educator.pk}", data)
