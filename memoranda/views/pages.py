"""Reading a memorandum: its page, its versions, a comparison of two texts, and its PDFs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from memoranda import selectors, services
from memoranda.canonical import canonical_content
from memoranda.compare import compare
from memoranda.models import Memorandum, MemorandumVersion, Status, VersionStatus
from memoranda.pdf import render_memorandum_pdf
from memoranda.permissions import MemorandumPerm
from memoranda.views.common import memorandum_or_404
from partnerships.access import Perm, can
from portal.files import private_file_response


@login_required
def memorandum_detail(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = memorandum_or_404(request, pk, Perm.VIEW, queryset=selectors.memorandum_queryset())
    versions = selectors.lineage_versions(memorandum)
    content, version = selectors.page_content(memorandum, versions)
    is_draft = memorandum.status == Status.DRAFT
    by_section, general = selectors.section_comments(memorandum)
    if is_draft:
        sections = [
            {
                "id": s.pk,
                "key": s.key,
                "heading": s.heading,
                "body": s.body,
                "guidance": s.guidance,
                "comments": by_section.get(s.pk, []),
            }
            for s in memorandum.sections.all()
        ]
    else:
        sections = [{**s, "comments": []} for s in content["sections"]]
    parties = selectors.party_lines(content, version, memorandum.parties.all() if is_draft else None)
    user = request.user
    my_party = None
    if version is not None and version.status == VersionStatus.AWAITING:
        my_party = next((p for p in parties if p.signatory_id == user.pk and p.signature is None), None)
    place_years, place_rows = selectors.places(content)
    signed_count = sum(1 for p in parties if p.signature)
    own_versions = [v for v in versions if v.memorandum_id == memorandum.pk]
    return render(
        request,
        "memoranda/detail.html",
        {
            "memorandum": memorandum,
            "content": content,
            "version": version,
            "sections": sections,
            "general_comments": general,
            "open_comment_count": len(general) + sum(len(c) for c in by_section.values()),
            "parties": parties,
            "place_years": place_years,
            "place_rows": place_rows,
            "signed_count": signed_count,
            "signed_percent": round(100 * signed_count / len(parties)) if parties else 0,
            "versions": versions[:5],
            "version_total": len(versions),
            "last_declined": next((v for v in own_versions if v.status != VersionStatus.AWAITING), None)
            if is_draft
            else None,
            "check": services.completeness(memorandum) if is_draft else None,
            "can_draft": can(user, memorandum.partnership, MemorandumPerm.DRAFT),
            "edit_parties": is_draft and can(user, memorandum.partnership, MemorandumPerm.DRAFT),
            "can_comment": can(user, memorandum.partnership, Perm.COMMENT) and services.allowed(memorandum, "comment"),
            "my_party": my_party,
            "hash_ok": version.hash_matches() if version is not None else True,
            "newer": list(memorandum.replaced_by.all()),
            "reviews": list(memorandum.reviews.all()),
            "events": selectors.history(memorandum),
            "allowed": {action: services.allowed(memorandum, action) for action in services.TRANSITIONS},
        },
    )


@login_required
def versions(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = memorandum_or_404(request, pk, Perm.VIEW)
    all_versions = selectors.lineage_versions(memorandum)
    return render(
        request,
        "memoranda/versions.html",
        {"memorandum": memorandum, "versions": all_versions, "choices": _diff_choices(memorandum, all_versions)},
    )


def _diff_choices(memorandum: Memorandum, versions) -> list[tuple[str, str]]:
    choices = [(str(v.number), f"Version {v.number} ({v.get_status_display().lower()})") for v in versions]
    if memorandum.status == Status.DRAFT:
        choices.insert(0, ("draft", "The current draft"))
    return choices


@login_required
def diff(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = memorandum_or_404(request, pk, Perm.VIEW, queryset=selectors.memorandum_queryset())
    all_versions = selectors.lineage_versions(memorandum)
    choices = _diff_choices(memorandum, all_versions)
    texts = {str(v.number): v.content for v in all_versions}
    if memorandum.status == Status.DRAFT:
        texts["draft"] = canonical_content(memorandum)
    keys = [value for value, _ in choices]
    new = request.GET.get("to") or (keys[0] if keys else "")
    old = request.GET.get("from") or (keys[1] if len(keys) > 1 else "")
    error = None
    comparison = None
    if len(keys) < 2:
        error = "There is only one text so far. Once a version has been sent, you can compare the draft or later versions with it."
    elif old not in texts or new not in texts:
        error = "Choose two versions from the lists."
    elif old == new:
        error = "Choose two different versions to compare."
    else:
        comparison = compare(texts[old], texts[new])
    label = dict(choices)
    return render(
        request,
        "memoranda/diff.html",
        {
            "memorandum": memorandum,
            "choices": choices,
            "old": old,
            "new": new,
            "old_label": label.get(old, ""),
            "new_label": label.get(new, ""),
            "comparison": comparison,
            "error": error,
        },
    )


def _pdf_response(request, memorandum: Memorandum, version: MemorandumVersion | None) -> HttpResponseBase:
    """The stored signed PDF when there is one (rendered once, never again); otherwise a fresh
    rendering watermarked as not signed."""
    if version is not None and version.status == VersionStatus.SIGNED:
        if not version.pdf:
            # Rendered by a job just after the last signature (memoranda.services.signing.seal_signed_pdf).
            return render(
                request, "memoranda/pdf_preparing.html", {"memorandum": memorandum, "version": version}, status=202
            )
        return private_file_response(version.pdf, f"memorandum-{memorandum.pk}-version-{version.number}-signed.pdf")
    pdf = render_memorandum_pdf(memorandum, version)
    name = f"memorandum-{memorandum.pk}-" + (f"version-{version.number}" if version else "draft") + "-not-signed.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def memorandum_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    memorandum = memorandum_or_404(request, pk, Perm.VIEW)
    version = memorandum.versions.order_by("-number").first()
    signed = memorandum.versions.filter(status=VersionStatus.SIGNED).order_by("-number").first()
    if signed is not None and memorandum.status != Status.DRAFT:
        return _pdf_response(request, memorandum, signed)
    if memorandum.status == Status.AWAITING:
        return _pdf_response(request, memorandum, version)
    return _pdf_response(request, memorandum, None)


@login_required
def version_pdf(request: HttpRequest, pk: int, number: int) -> HttpResponseBase:
    memorandum = memorandum_or_404(request, pk, Perm.VIEW)
    version = (
        MemorandumVersion.objects.filter(memorandum__lineage=memorandum.lineage, number=number)
        .select_related("memorandum__partnership")
        .first()
    )
    if version is None:
        raise Http404("No such version")
    return _pdf_response(request, version.memorandum, version)
