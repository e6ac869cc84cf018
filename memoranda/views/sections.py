"""Section pages of a draft: edit one (showing what someone else saved meanwhile), add, remove
and reorder."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from memoranda import services
from memoranda.checklist import REQUIRED_KEYS
from memoranda.forms import SectionForm
from memoranda.models import Section, SectionRevision
from memoranda.permissions import MemorandumPerm
from memoranda.text import word_diff
from memoranda.views.common import memorandum_or_404, refused
from portal.exceptions import StaleEdit
from portal.flows import GET_POST, form_page
from portal.forms import submit
from portal.paging import positive_int


@login_required
@GET_POST
def section_edit(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    memorandum = memorandum_or_404(request, pk, MemorandumPerm.DRAFT)
    if refusal := refused(request, memorandum, "edit"):
        return refusal
    section = get_object_or_404(Section, pk=section_pk, memorandum=memorandum)
    form = SectionForm(
        request.POST or None,
        initial={"heading": section.heading, "body": section.body, "revision": section.revision},
        guidance=section.guidance,
    )
    stale = None
    if request.method == "POST":
        saved, result = submit(
            form,
            lambda data: services.update_section(
                request.user, section, heading=data["heading"], body=data["body"], base_revision=data["revision"]
            ),
        )
        if saved:
            updated = cast(Section, result)  # saved: the service returned the section
            messages.success(request, f"Saved the section {updated.heading}.")
            return redirect(f"{memorandum.get_absolute_url()}#section-{updated.pk}")
        if isinstance(form.service_error, StaleEdit):
            stale = _what_changed(section, form.cleaned_data.get("revision"))
    comments = section.comments.filter(resolved_at__isnull=True).select_related("author")
    return render(
        request,
        "memoranda/section_edit.html",
        {"memorandum": memorandum, "section": section, "form": form, "stale": stale, "comments": comments},
    )


def _what_changed(section: Section, base_revision: int | None) -> dict[str, Any]:
    """Someone saved this section after the editor opened it: what they changed, who, when."""
    current = Section.objects.get(pk=section.pk)
    revisions = {r.number: r for r in SectionRevision.objects.filter(section=section).select_related("saved_by")}
    base = revisions.get(base_revision) if base_revision is not None else None
    latest = revisions.get(current.revision)
    return {
        "heading_changed": base is not None and base.heading != current.heading,
        "old_heading": base.heading if base else "",
        "heading": current.heading,
        "body_diff": word_diff(base.body if base else "", current.body),
        "known_base": base is not None,
        "saved_by": latest.saved_by if latest else None,
        "saved_at": latest.saved_at if latest else None,
        "current_body": current.body,
    }


@login_required
@GET_POST
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = memorandum_or_404(request, pk, MemorandumPerm.DRAFT)
    if refusal := refused(request, memorandum, "edit"):
        return refusal
    return form_page(
        request,
        SectionForm(request.POST or None),
        lambda data: services.add_section(request.user, memorandum, heading=data["heading"], body=data["body"]),
        template="memoranda/form_page.html",
        success=lambda section: f"Added the section {section.heading} at the end.",
        next_url=lambda section: f"{memorandum.get_absolute_url()}#section-{section.pk}",
        title="Add a section",
        caption=memorandum.title,
        intro="The new section goes at the end. You can move it afterwards.",
        submit_label="Add section",
        cancel_url=memorandum.get_absolute_url(),
    )


@login_required
@GET_POST
def section_remove(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    memorandum = memorandum_or_404(request, pk, MemorandumPerm.DRAFT)
    if refusal := refused(request, memorandum, "edit"):
        return refusal
    section = get_object_or_404(Section, pk=section_pk, memorandum=memorandum)
    if request.method == "POST":
        try:
            services.remove_section(request.user, section)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Removed the section {section.heading}.")
        return redirect(memorandum)
    return render(
        request,
        "memoranda/section_remove.html",
        {"memorandum": memorandum, "section": section, "required": section.key in REQUIRED_KEYS},
    )


@login_required
@GET_POST
def sections_order(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = memorandum_or_404(request, pk, MemorandumPerm.DRAFT)
    if refusal := refused(request, memorandum, "edit"):
        return refusal
    if request.method == "POST":
        section_pk = positive_int(request.POST.get("section"))
        section = (
            Section.objects.filter(memorandum=memorandum, pk=section_pk).first() if section_pk is not None else None
        )
        if section is None:
            messages.error(request, "That section is no longer in this memorandum.")
        else:
            try:
                services.move_section(request.user, section, request.POST.get("direction", ""))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                return redirect(reverse("memoranda:sections_order", kwargs={"pk": pk}) + f"#order-{section.pk}")
        return redirect("memoranda:sections_order", pk=pk)
    return render(
        request, "memoranda/sections_order.html", {"memorandum": memorandum, "sections": memorandum.sections.all()}
    )
