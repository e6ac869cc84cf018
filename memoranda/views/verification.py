"""The public verify page: anyone may check a fingerprint or a PDF (memoranda/verification.py
does the checking)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from memoranda import verification
from memoranda.forms import VerifyForm
from portal.flows import GET_POST


@GET_POST
def verify(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else (request.GET if "sha256" in request.GET else None)
    form = VerifyForm(data, request.FILES or None)
    result = None
    if data is not None and form.is_valid():
        try:
            result = verification.verify(
                request.user, sha256=form.cleaned_data["sha256"], upload=form.cleaned_data.get("pdf")
            )
        except ValidationError as exc:  # the upload is not a PDF
            form.add_error("pdf", exc.messages[0])
    return render(request, "memoranda/verify.html", {"form": form, "result": result})
