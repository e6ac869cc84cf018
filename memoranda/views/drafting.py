"""Drafting pages: create a draft, change its details, name each party's signatory and
responsibilities, and set placement numbers. (Sections and comments have their own modules.)"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from memoranda import selectors, services
from memoranda.canonical import canonical_content
from memoranda.forms import MemorandumForm, PartyForm, PlacesForm
from memoranda.models import Kind, Memorandum, Party
from memoranda.permissions import MemorandumPerm
from memoranda.text import word_diff
from memoranda.views.common import memorandum_or_404, refused
from partnerships.access import partnership_or_404
from portal import academic_years
from portal.exceptions import StaleEdit
from portal.flows import GET_POST
from portal.forms import submit


def _stale(form) -> bool:
    return isinstance(form.service_error, StaleEdit)


@login_required
@GET_POST
def create(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, MemorandumPerm.DRAFT)
    form = MemorandumForm(
        request.POST or None,
        partnership=partnership,
        initial={"kind": Kind.PRINCIPLES, "review_interval_months": 12, "start_date": timezone.localdate()},
    )
    warnings = []
    if request.method == "POST" and form.is_valid():
        # A draft binding no university or no employer is allowed, once the lead has seen why not.
        warnings = services.party_warnings(form.cleaned_data["organisations"])
        if not warnings or request.POST.get("warnings_seen") == "1":
            saved, memorandum = submit(
                form,
                lambda data: services.create_memorandum(
                    request.user,
                    partnership,
                    kind=data["kind"],
                    title=data["title"],
                    organisations=data["organisations"],
                    start_date=data["start_date"],
                    review_interval_months=data["review_interval_months"],
                ),
            )
            if saved:
                messages.success(request, "Draft created from the checklist. Fill in each section, then send it.")
                return redirect(cast(Memorandum, memorandum))  # saved: the service returned the draft
    return render(
        request,
        "memoranda/form_page.html",
        {
            "title": "Draft a memorandum of cooperation",
            "caption": partnership.name,
            "intro": "The draft starts with one section for each area a memorandum usually covers, each with a "
            "short guidance note. You can add, remove and reorder sections later.",
            "form": form,
            "warnings": warnings,
            "confirm_warnings": bool(warnings),
            "submit_label": "Create anyway" if warnings else "Create draft",
            "cancel_url": partnership.get_absolute_url(),
        },
    )


@login_required
@GET_POST
def details(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = memorandum_or_404(request, pk, MemorandumPerm.DRAFT)
    if refusal := refused(request, memorandum, "edit"):
        return refusal
    initial = {
        "kind": memorandum.kind,
        "title": memorandum.title,
        "organisations": list(memorandum.parties.values_list("organisation_id", flat=True)),
        "start_date": memorandum.start_date,
        "review_interval_months": memorandum.review_interval_months,
        "revision": memorandum.details_revision,
    }
    form = MemorandumForm(request.POST or None, initial=initial, partnership=memorandum.partnership)
    stale = None
    if request.method == "POST":
        saved, _ = submit(
            form,
            lambda data: services.update_details(
                request.user,
                memorandum,
                title=data["title"],
                kind=data["kind"],
                organisations=data["organisations"],
                start_date=data["start_date"],
                review_interval_months=data["review_interval_months"],
                base_revision=data["revision"],
            ),
        )
        if saved:
            for warning in services.party_warnings(form.cleaned_data["organisations"]):
                messages.warning(request, warning)
            messages.success(request, "Details saved.")
            return redirect(memorandum)
        if _stale(form):
            memorandum.refresh_from_db()
            stale = {"memorandum": memorandum, "parties": memorandum.parties.select_related("organisation")}
    return render(
        request,
        "memoranda/form_page.html",
        {
            "title": "Change the details",
            "caption": memorandum.title,
            "intro": "Removing a party also removes its signatory, responsibilities and placement numbers from this "
            "draft.",
            "form": form,
            "stale_details": stale,
            "submit_label": "Save details",
            "cancel_url": memorandum.get_absolute_url(),
        },
    )


@login_required
@GET_POST
def party_edit(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    memorandum = memorandum_or_404(request, pk, MemorandumPerm.DRAFT)
    if refusal := refused(request, memorandum, "edit"):
        return refusal
    party = get_object_or_404(
        Party.objects.select_related("organisation", "signatory"), pk=party_pk, memorandum=memorandum
    )
    signatories = list(services.signatory_choices(memorandum, party.organisation_id))
    only = signatories[0] if len(signatories) == 1 else None
    initial = {
        "signatory": party.signatory_id or (only.user_id if only else None),
        "signatory_position": party.signatory_position or (only.job_title if only and not party.signatory_id else ""),
        "seniority": party.seniority,
        "commitments": party.commitments,
        "revision": party.revision,
    }
    form = PartyForm(request.POST or None, initial=initial, signatories=signatories)
    stale = None
    if request.method == "POST":
        saved, _ = submit(
            form,
            lambda data: services.update_party(
                request.user,
                party,
                signatory=data["signatory"],
                signatory_position=data["signatory_position"],
                seniority=data["seniority"],
                commitments=data["commitments"],
                base_revision=data["revision"],
            ),
        )
        if saved:
            messages.success(request, f"Saved the signatory and responsibilities of {party.organisation}.")
            return redirect(f"{memorandum.get_absolute_url()}#parties")
        if _stale(form):
            current = Party.objects.select_related("signatory").get(pk=party.pk)
            stale = {
                "party": current,
                "commitments_diff": word_diff(form.cleaned_data["commitments"], current.commitments),
            }
    return render(
        request,
        "memoranda/party_edit.html",
        {"memorandum": memorandum, "party": party, "form": form, "stale": stale, "signatories": signatories},
    )


@login_required
@GET_POST
def places(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = memorandum_or_404(request, pk, MemorandumPerm.DRAFT)
    if refusal := refused(request, memorandum, "edit"):
        return refusal
    this_year = academic_years.label_of(timezone.localdate())
    years = academic_years.recent(timezone.localdate(), back=1, ahead=3)
    year = (request.POST.get("academic_year") or request.GET.get("year") or this_year).strip()[:10]
    error = None
    try:
        year = services.check_academic_year(year)
    except ValidationError:
        error, year = f"Choose an academic year like {this_year}", this_year
    existing = list(memorandum.place_commitments.select_related("organisation"))
    years = sorted(set(years) | {c.academic_year for c in existing} | {year})
    parties = list(memorandum.parties.select_related("organisation"))
    initial = {f"org_{c.organisation_id}": c.places for c in existing if c.academic_year == year}
    initial["revision"] = memorandum.places_revision
    form = PlacesForm(request.POST or None, initial=initial, parties=parties)
    stale = None
    if request.method == "POST" and error is None:
        saved, _ = submit(
            form,
            lambda data: services.set_places(
                request.user, memorandum, academic_year=year, places=form.places(), base_revision=data["revision"]
            ),
        )
        if saved:
            messages.success(request, f"Saved placement numbers for {year}.")
            return redirect(f"{memorandum.get_absolute_url()}#places")
        if _stale(form):
            stale = {
                c.organisation.name: c.places
                for c in memorandum.place_commitments.filter(academic_year=year).select_related("organisation")
            }
    elif request.method == "POST":
        form.is_valid()  # show the form's own errors beside the year's
    table_years, rows = selectors.places(canonical_content(selectors.memorandum_queryset().get(pk=memorandum.pk)))
    return render(
        request,
        "memoranda/places.html",
        {
            "memorandum": memorandum,
            "form": form,
            "year": year,
            "years": years,
            "error": error,
            "stale": stale,
            "table_years": table_years,
            "rows": rows,
        },
    )
