"""Lists: every memorandum the user may see (filtered, paged), and a partnership's signed
memoranda as one download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from memoranda import selectors
from memoranda.export import active_signed_versions
from memoranda.models import Kind, Status
from partnerships.access import Perm, partnership_or_404
from partnerships.models import Partnership
from portal.jobs.exports import start_export
from portal.paging import paginate, query_params


@login_required
def memorandum_list(request: HttpRequest) -> HttpResponse:
    params = query_params(request, "partnership", "status", "kind", "review_due", "q")
    return render(
        request,
        "memoranda/list.html",
        {
            **paginate(request, selectors.memoranda_for(request.user, **params)),
            "params": params,
            "statuses": Status.choices,
            "kinds": Kind.choices,
            "partnerships": Partnership.objects.visible_to(request.user).only("name", "slug").order_by("name"),
            "filtered": any(params.values()),
        },
    )


@login_required
def export(request: HttpRequest, slug: str) -> HttpResponseBase:
    partnership = partnership_or_404(request.user, slug, Perm.VIEW)
    signed = active_signed_versions(partnership)
    if not signed:
        return render(request, "memoranda/export_empty.html", {"partnership": partnership})
    # Every signed PDF of a partnership: built by a worker; the progress page offers the zip.
    export = start_export(
        request.user,
        "memoranda_zip",
        "zip",
        filename=f"memoranda-{partnership.slug}-{timezone.localdate():%Y-%m-%d}",
        params={"partnership": partnership.pk},
        perm=Perm.VIEW.value,
        partnership_ids=[partnership.pk],
    )
    return redirect("export_detail", pk=export.pk)
