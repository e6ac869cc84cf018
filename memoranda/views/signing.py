"""Signing pages: send a draft for signature, withdraw it, sign for one's own organisation,
decline."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from memoranda import selectors, services
from memoranda.canonical import canonical_content
from memoranda.forms import ReasonForm, SignForm
from memoranda.models import Memorandum, MemorandumVersion, Status, VersionStatus
from memoranda.permissions import MemorandumPerm
from memoranda.views.common import memorandum_or_404, refused
from portal.flows import GET_POST, form_page
from portal.forms import submit
from portal.proxy import client_of


@login_required
@GET_POST
def send(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = memorandum_or_404(request, pk, MemorandumPerm.DRAFT, queryset=selectors.memorandum_queryset())
    if refusal := refused(request, memorandum, "send"):
        return refusal
    errors: list[str] = []
    if request.method == "POST":
        try:
            version = services.send_for_signature(request.user, memorandum, base_revision=request.POST.get("revision"))
        except ValidationError as exc:  # a stale page or an incomplete draft
            errors = exc.messages
        else:
            names = ", ".join(p["signatory"] for p in version.parties)
            messages.success(request, f"Version {version.number} sent for signature. We e-mailed {names}.")
            return redirect(memorandum)
        memorandum = selectors.memorandum_queryset().get(pk=pk)
    content = canonical_content(memorandum)
    return render(
        request,
        "memoranda/send.html",
        {
            "memorandum": memorandum,
            "check": services.completeness(memorandum),
            "parties": selectors.party_lines(content, None, memorandum.parties.all()),
            "revision": memorandum.revision,
            "errors": errors,
            "next_number": services.next_version_number(memorandum),
            # Shown beside the table so a contradiction between the two is seen before anyone signs.
            "responsibility_sections": [s for s in content["sections"] if s["key"] == "responsibilities"],
        },
    )


@login_required
@GET_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = memorandum_or_404(request, pk, MemorandumPerm.DRAFT)
    if refusal := refused(request, memorandum, "withdraw"):
        return refusal
    form = ReasonForm(
        request.POST or None,
        label="Why are you withdrawing it?",
        required="Say why you are withdrawing it",
        help_text="The signatories will receive this by e-mail. Signatures already given will not carry over.",
    )
    return form_page(
        request,
        form,
        lambda data: services.withdraw(request.user, memorandum, reason=data["reason"]),
        template="memoranda/form_page.html",
        success=lambda version: f"Version {version.number} withdrawn from signing. The memorandum is a draft again.",
        next_url=memorandum,
        title="Withdraw from signing",
        caption=memorandum.title,
        intro="The memorandum goes back to draft so you can correct it. You will need to send a new version, "
        "which every party signs again.",
        submit_label="Withdraw from signing",
        warning_button=True,
        cancel_url=memorandum.get_absolute_url(),
    )


def _awaiting_version(memorandum: Memorandum) -> MemorandumVersion | None:
    version = memorandum.versions.order_by("-number").first()
    return version if version and version.status == VersionStatus.AWAITING else None


@login_required
@GET_POST
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = memorandum_or_404(request, pk, MemorandumPerm.SIGN)
    version = _awaiting_version(memorandum) if memorandum.status == Status.AWAITING else None
    context: dict[str, Any] = {"memorandum": memorandum, "version": version}
    if version is None:
        return render(request, "memoranda/sign.html", context)
    party = services.signer_party(request.user, version)  # 403 with the reason for anyone else
    signature = version.signatures.filter(organisation_id=party["organisation_id"]).first()
    form = SignForm(
        request.POST or None,
        user=request.user,
        request=request,
        organisation=party["organisation"],
        initial={"position": party["signatory_position"], "expected_sha256": version.sha256},
    )
    if request.method == "POST" and signature is None:
        shown = version  # the version on the page, which the signature is for
        saved, _ = submit(
            form,
            lambda data: services.sign(
                request.user,
                shown,
                password=data["password"],
                typed_name=data["typed_name"],
                position=data["position"],
                authority_confirmed=data["authority"],
                expected_sha256=data["expected_sha256"],
                client=client_of(request),
            ),
        )
        if saved:
            memorandum.refresh_from_db()
            if memorandum.status == Status.ACTIVE:
                messages.success(request, "You signed. Every party has now signed: the memorandum is active.")
            else:
                messages.success(request, f"You signed for {party['organisation']}. Thank you.")
            return redirect(memorandum)
        if form.service_error is not None:
            memorandum.refresh_from_db()
            version = _awaiting_version(memorandum) if memorandum.status == Status.AWAITING else None
            if version is None:
                messages.error(request, " ".join(form.service_error.messages))
                return redirect(memorandum)
            # Show the text as it is now, with its current fingerprint, so they can read it again.
            data = cast(QueryDict, form.data).copy()  # a bound (posted) form holds a QueryDict
            data["expected_sha256"] = version.sha256
            form.data = data
    if request.method == "GET" and signature is None:
        services.record_viewed(request.user, version, client=client_of(request))
    content = version.content
    place_years, place_rows = selectors.places(content)
    context.update(
        {
            "party": party,
            "signature": signature,
            "form": form,
            "content": content,
            "sections": content["sections"],
            "parties": selectors.party_lines(content, version),
            "place_years": place_years,
            "place_rows": place_rows,
            "hash_ok": version.hash_matches(),
        }
    )
    return render(request, "memoranda/sign.html", context)


@login_required
@GET_POST
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = memorandum_or_404(request, pk, MemorandumPerm.SIGN)
    if refusal := refused(request, memorandum, "decline"):
        return refusal
    version = _awaiting_version(memorandum)
    if version is None:
        raise Http404("No version is awaiting signatures")
    party = services.signer_party(request.user, version)
    form = ReasonForm(
        request.POST or None,
        label="Why do you decline to sign?",
        required="Say why you decline to sign",
        help_text="The partnership lead and the other signatories will read this. Say what would need to change.",
    )
    return form_page(
        request,
        form,
        lambda data: services.decline(request.user, version, reason=data["reason"], client=client_of(request)),
        template="memoranda/form_page.html",
        success="You declined to sign. The lead has been told; the memorandum is a draft again.",
        next_url=memorandum,
        title="Decline to sign",
        caption=f"{memorandum.title}, version {version.number}, for {party['organisation']}",
        intro="Declining returns the memorandum to draft. A new version will be needed, and every party "
        "signs it again.",
        submit_label="Decline to sign",
        warning_button=True,
        cancel_url=reverse("memoranda:sign", kwargs={"pk": pk}),
    )
