"""An export's progress page and its download. Anyone but the person who asked (or someone the
export's own rule allows) gets 404, as for any object outside their partnerships."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from portal.files import private_file_response
from portal.flows import GET_ONLY
from portal.jobs.exports import may_fetch
from portal.jobs.models import Export, ExportStatus

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}
REFRESH_SECONDS = 2


def _export_or_404(user, pk: int) -> Export:
    export = get_object_or_404(Export.objects.select_related("owner"), pk=pk)
    if not may_fetch(user, export):
        raise Http404("No such export")
    return export


@login_required
@GET_ONLY
@never_cache
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    export = _export_or_404(request.user, pk)
    working = export.status in (ExportStatus.WAITING, ExportStatus.RUNNING)
    return render(
        request,
        "portal/export_detail.html",
        {
            "export": export,
            "working": working,
            "refresh_seconds": REFRESH_SECONDS,
            "Status": ExportStatus,
            "unit": "PDF" if export.fmt == "zip" else "row",
        },
    )


@login_required
@GET_ONLY
def export_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    export = _export_or_404(request.user, pk)
    if export.status != ExportStatus.READY or not export.file:
        raise Http404("The file is not ready")
    return private_file_response(
        export.file, f"{export.filename}.{export.fmt}", CONTENT_TYPES.get(export.fmt, "application/octet-stream")
    )
