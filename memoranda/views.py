"""Memoranda pages. Thin: parse, call a selector or service, render.

Every action page also answers GET (a form or a confirmation), so the site works without
JavaScript and every URL has a row in the access matrix."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from memoranda import selectors, services
from memoranda.canonical import canonical_content, check_version
from memoranda.checklist import REQUIRED_KEYS
from memoranda.compare import compare
from memoranda.export import active_signed_versions, build_zip
from memoranda.forms import (
    CommentForm,
    MemorandumForm,
    PartyForm,
    PlacesForm,
    ReasonForm,
    ReviewForm,
    SectionForm,
    SignForm,
    VerifyForm,
)
from memoranda.models import (
    Comment,
    Kind,
    Memorandum,
    MemorandumVersion,
    Party,
    Section,
    SectionRevision,
    Status,
    VersionStatus,
)
from memoranda.pdf import render_memorandum_pdf
from memoranda.text import word_diff
from partnerships.access import Perm, can, can_see, object_or_404, partnership_or_404
from partnerships.models import Partnership
from portal import academic_years
from portal.exceptions import InvalidTransition, StaleEdit
from portal.files import check_upload, private_file_response
from portal.forms import add_service_errors
from portal.hashing import sha256_of_file

PAGE_SIZE = 25


# --- Helpers ------------------------------------------------------------------------------------


def _memorandum(request, pk, perm: Perm = Perm.VIEW, queryset=None) -> Memorandum:
    queryset = queryset if queryset is not None else Memorandum.objects.select_related("partnership")
    return object_or_404(queryset, request.user, perm, pk=pk)


def _refused(request, memorandum: Memorandum, action: str) -> HttpResponse | None:
    """None when the memorandum's state allows `action`; otherwise back to its page, saying why."""
    if services.allowed(memorandum, action):
        return None
    try:
        services.require_state(memorandum, action)
    except InvalidTransition as exc:
        messages.error(request, exc.messages[0])
    return redirect(memorandum)


def _rebind(form_class, data, *, base_revision: int, **kwargs):
    """The same form with the user's input, now based on the latest saved revision (after a
    refused stale save, the next save is a deliberate one)."""
    data = data.copy()
    data["base_revision"] = str(base_revision)
    form = form_class(data, **kwargs)
    form.is_valid()
    return form


def _base(form) -> int:
    value = form.cleaned_data.get("base_revision")
    return -1 if value is None else value


def _render_form(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    return render(request, template, context, status=status)


# --- Lists ----------------------------------------------------------------------------------------


@login_required
def memorandum_list(request: HttpRequest) -> HttpResponse:
    params = {
        k: request.GET.get(k, "").replace("\x00", "").strip()[:100]
        for k in ("partnership", "status", "kind", "review_due", "q")
    }
    page = Paginator(selectors.memoranda_for(request.user, **params), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "memoranda/list.html",
        {
            "page_obj": page,
            "params": params,
            "statuses": Status.choices,
            "kinds": Kind.choices,
            "partnerships": Partnership.objects.visible_to(request.user).only("name", "slug").order_by("name"),
            "querystring_without_page": query.urlencode(),
            "filtered": any(params.values()),
        },
    )


# --- Creating and editing ---------------------------------------------------------------------


@login_required
def create(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, Perm.DRAFT_MEMORANDUM)
    today = timezone.localdate()
    form = MemorandumForm(
        request.POST or None,
        partnership=partnership,
        initial={"kind": Kind.PRINCIPLES, "review_interval_months": 12, "start_date": today},
    )
    warnings = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        warnings = services.party_warnings(data["organisations"])
        if not warnings or request.POST.get("warnings_seen") == "1":
            try:
                memorandum = services.create_memorandum(
                    request.user,
                    partnership,
                    kind=data["kind"],
                    title=data["title"],
                    organisations=data["organisations"],
                    start_date=data["start_date"],
                    review_interval_months=data["review_interval_months"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Draft created from the checklist. Fill in each section, then send it.")
                return redirect(memorandum)
    return _render_form(
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
def details(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = _memorandum(request, pk, Perm.DRAFT_MEMORANDUM)
    if refused := _refused(request, memorandum, "edit"):
        return refused
    current = list(memorandum.parties.values_list("organisation_id", flat=True))
    initial = {
        "kind": memorandum.kind,
        "title": memorandum.title,
        "organisations": current,
        "start_date": memorandum.start_date,
        "review_interval_months": memorandum.review_interval_months,
        "base_revision": memorandum.details_revision,
    }
    kwargs = {"partnership": memorandum.partnership}
    form = MemorandumForm(request.POST or None, initial=initial, **kwargs)
    stale = None
    warnings = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        warnings = services.party_warnings(data["organisations"])
        try:
            services.update_details(
                request.user,
                memorandum,
                title=data["title"],
                kind=data["kind"],
                organisations=data["organisations"],
                start_date=data["start_date"],
                review_interval_months=data["review_interval_months"],
                base_revision=_base(form),
            )
        except StaleEdit as exc:
            memorandum.refresh_from_db()
            stale = {"memorandum": memorandum, "parties": memorandum.parties.select_related("organisation")}
            form = _rebind(MemorandumForm, request.POST, base_revision=exc.current_revision, **kwargs)
            form.add_error(None, exc.messages[0])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            for warning in warnings:
                messages.warning(request, warning)
            messages.success(request, "Details saved.")
            return redirect(memorandum)
    return _render_form(
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
def section_edit(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    memorandum = _memorandum(request, pk, Perm.DRAFT_MEMORANDUM)
    if refused := _refused(request, memorandum, "edit"):
        return refused
    section = get_object_or_404(Section, pk=section_pk, memorandum=memorandum)
    kwargs = {"guidance": section.guidance}
    form = SectionForm(
        request.POST or None,
        initial={"heading": section.heading, "body": section.body, "base_revision": section.revision},
        **kwargs,
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.update_section(
                request.user,
                section,
                heading=form.cleaned_data["heading"],
                body=form.cleaned_data["body"],
                base_revision=_base(form),
            )
        except StaleEdit as exc:
            stale = _what_changed(section, _base(form))
            form = _rebind(SectionForm, request.POST, base_revision=exc.current_revision, **kwargs)
            form.add_error(None, exc.messages[0])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Saved the section {saved.heading}.")
            return redirect(f"{memorandum.get_absolute_url()}#section-{saved.pk}")
    comments = section.comments.filter(resolved_at__isnull=True).select_related("author")
    return render(
        request,
        "memoranda/section_edit.html",
        {"memorandum": memorandum, "section": section, "form": form, "stale": stale, "comments": comments},
    )


def _what_changed(section: Section, base_revision: int) -> dict:
    """Someone saved this section after the editor opened it: what they changed, who, when."""
    current = Section.objects.get(pk=section.pk)
    revisions = {r.number: r for r in SectionRevision.objects.filter(section=section).select_related("saved_by")}
    base = revisions.get(base_revision)
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
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = _memorandum(request, pk, Perm.DRAFT_MEMORANDUM)
    if refused := _refused(request, memorandum, "edit"):
        return refused
    form = SectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            section = services.add_section(
                request.user, memorandum, heading=form.cleaned_data["heading"], body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Added the section {section.heading} at the end.")
            return redirect(f"{memorandum.get_absolute_url()}#section-{section.pk}")
    return _render_form(
        request,
        "memoranda/form_page.html",
        {
            "title": "Add a section",
            "caption": memorandum.title,
            "intro": "The new section goes at the end. You can move it afterwards.",
            "form": form,
            "submit_label": "Add section",
            "cancel_url": memorandum.get_absolute_url(),
        },
    )


@login_required
def section_remove(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    memorandum = _memorandum(request, pk, Perm.DRAFT_MEMORANDUM)
    if refused := _refused(request, memorandum, "edit"):
        return refused
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
def sections_order(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = _memorandum(request, pk, Perm.DRAFT_MEMORANDUM)
    if refused := _refused(request, memorandum, "edit"):
        return refused
    if request.method == "POST":
        section = Section.objects.filter(memorandum=memorandum, pk=_int(request.POST.get("section"))).first()
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


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


@login_required
def party_edit(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    memorandum = _memorandum(request, pk, Perm.DRAFT_MEMORANDUM)
    if refused := _refused(request, memorandum, "edit"):
        return refused
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
        "base_revision": party.revision,
    }
    kwargs = {"signatories": signatories}
    form = PartyForm(request.POST or None, initial=initial, **kwargs)
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_party(
                request.user,
                party,
                signatory=data["signatory"],
                signatory_position=data["signatory_position"],
                seniority=data["seniority"],
                commitments=data["commitments"],
                base_revision=_base(form),
            )
        except StaleEdit as exc:
            current = Party.objects.select_related("signatory").get(pk=party.pk)
            stale = {"party": current, "commitments_diff": word_diff(data["commitments"], current.commitments)}
            form = _rebind(PartyForm, request.POST, base_revision=exc.current_revision, **kwargs)
            form.add_error(None, exc.messages[0])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Saved the signatory and responsibilities of {party.organisation}.")
            return redirect(f"{memorandum.get_absolute_url()}#parties")
    return render(
        request,
        "memoranda/party_edit.html",
        {"memorandum": memorandum, "party": party, "form": form, "stale": stale, "signatories": signatories},
    )


@login_required
def places(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = _memorandum(request, pk, Perm.DRAFT_MEMORANDUM)
    if refused := _refused(request, memorandum, "edit"):
        return refused
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
    initial["base_revision"] = memorandum.places_revision
    form = PlacesForm(request.POST or None, initial=initial, parties=parties)
    stale = None
    if request.method == "POST" and form.is_valid() and error is None:
        try:
            services.set_places(
                request.user, memorandum, academic_year=year, places=form.places(), base_revision=_base(form)
            )
        except StaleEdit as exc:
            stale = {
                c.organisation.name: c.places
                for c in memorandum.place_commitments.filter(academic_year=year).select_related("organisation")
            }
            form = _rebind(PlacesForm, request.POST, base_revision=exc.current_revision, parties=parties)
            form.add_error(None, exc.messages[0])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Saved placement numbers for {year}.")
            return redirect(f"{memorandum.get_absolute_url()}#places")
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


# --- Comments -------------------------------------------------------------------------------------


@login_required
def comments(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = _memorandum(request, pk, Perm.VIEW)
    can_comment = can(request.user, memorandum.partnership, Perm.COMMENT) and services.allowed(memorandum, "comment")
    section_id = _int(request.GET.get("section"))
    form = CommentForm(request.POST or None, memorandum=memorandum, initial={"section": section_id})
    if request.method == "POST":
        if not can(request.user, memorandum.partnership, Perm.COMMENT):
            raise PermissionDenied("Your role does not allow comments.")
        if refused := _refused(request, memorandum, "comment"):
            return refused
        if form.is_valid():
            try:
                comment = services.add_comment(
                    request.user, memorandum, body=form.cleaned_data["body"], section=form.cleaned_data["section"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Comment added. The partnership lead will see it.")
                return redirect(reverse("memoranda:comments", kwargs={"pk": pk}) + f"#comment-{comment.pk}")
    all_comments = list(memorandum.comments.select_related("author", "resolved_by", "section"))
    return render(
        request,
        "memoranda/comments.html",
        {
            "memorandum": memorandum,
            "form": form if can_comment else None,
            "open_comments": [c for c in all_comments if c.resolved_at is None],
            "resolved_comments": [c for c in all_comments if c.resolved_at is not None],
            "can_resolve": can(request.user, memorandum.partnership, Perm.DRAFT_MEMORANDUM),
        },
    )


@login_required
def comment_resolve(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    memorandum = _memorandum(request, pk, Perm.DRAFT_MEMORANDUM)
    comment = get_object_or_404(
        Comment.objects.select_related("author", "section"), pk=comment_pk, memorandum=memorandum
    )
    if request.method == "POST":
        try:
            services.resolve_comment(request.user, comment)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Resolved the comment by {comment.author}.")
        return redirect("memoranda:comments", pk=pk)
    return render(request, "memoranda/comment_resolve.html", {"memorandum": memorandum, "comment": comment})


# --- The memorandum page --------------------------------------------------------------------------


@login_required
def memorandum_detail(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = _memorandum(request, pk, Perm.VIEW, queryset=selectors.memorandum_queryset())
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
            "can_draft": can(user, memorandum.partnership, Perm.DRAFT_MEMORANDUM),
            "edit_parties": is_draft and can(user, memorandum.partnership, Perm.DRAFT_MEMORANDUM),
            "can_comment": can(user, memorandum.partnership, Perm.COMMENT) and services.allowed(memorandum, "comment"),
            "my_party": my_party,
            "hash_ok": version.hash_matches() if version is not None else True,
            "newer": list(memorandum.replaced_by.all()),
            "reviews": list(memorandum.reviews.all()),
            "events": selectors.history(memorandum),
            "allowed": {action: services.allowed(memorandum, action) for action in services.TRANSITIONS},
        },
    )


# --- Sending, signing, declining ----------------------------------------------------------------


@login_required
def send(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = _memorandum(request, pk, Perm.DRAFT_MEMORANDUM, queryset=selectors.memorandum_queryset())
    if refused := _refused(request, memorandum, "send"):
        return refused
    errors: list[str] = []
    revision = memorandum.revision
    if request.method == "POST":
        try:
            version = services.send_for_signature(
                request.user, memorandum, base_revision=_int(request.POST.get("base_revision")) or -1
            )
        except StaleEdit as exc:
            errors = exc.messages
        except ValidationError as exc:
            errors = exc.messages
        else:
            names = ", ".join(p["signatory"] for p in version.parties)
            messages.success(request, f"Version {version.number} sent for signature. We e-mailed {names}.")
            return redirect(memorandum)
        memorandum = selectors.memorandum_queryset().get(pk=pk)
        revision = memorandum.revision
    content = canonical_content(memorandum)
    return render(
        request,
        "memoranda/send.html",
        {
            "memorandum": memorandum,
            "check": services.completeness(memorandum),
            "parties": selectors.party_lines(content, None, memorandum.parties.all()),
            "revision": revision,
            "errors": errors,
            "next_number": services.next_version_number(memorandum),
        },
    )


@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = _memorandum(request, pk, Perm.DRAFT_MEMORANDUM)
    if refused := _refused(request, memorandum, "withdraw"):
        return refused
    form = ReasonForm(
        request.POST or None,
        label="Why are you withdrawing it?",
        required="Say why you are withdrawing it",
        help_text="The signatories will receive this by e-mail. Signatures already given will not carry over.",
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.withdraw(request.user, memorandum, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Version {version.number} withdrawn from signing. The memorandum is a draft again."
            )
            return redirect(memorandum)
    return _render_form(
        request,
        "memoranda/form_page.html",
        {
            "title": "Withdraw from signing",
            "caption": memorandum.title,
            "intro": "The memorandum goes back to draft so you can correct it. You will need to send a new version, "
            "which every party signs again.",
            "form": form,
            "submit_label": "Withdraw from signing",
            "warning_button": True,
            "cancel_url": memorandum.get_absolute_url(),
        },
    )


def _awaiting_version(memorandum: Memorandum) -> MemorandumVersion | None:
    version = memorandum.versions.order_by("-number").first()
    return version if version and version.status == VersionStatus.AWAITING else None


@login_required
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = _memorandum(request, pk, Perm.SIGN_MEMORANDUM)
    version = _awaiting_version(memorandum) if memorandum.status == Status.AWAITING else None
    context = {"memorandum": memorandum, "version": version}
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
    if request.method == "POST" and signature is None and form.is_valid():
        data = form.cleaned_data
        try:
            services.sign(
                request.user,
                version,
                password=data["password"],
                typed_name=data["typed_name"],
                position=data["position"],
                authority_confirmed=data["authority"],
                expected_sha256=data["expected_sha256"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            memorandum.refresh_from_db()
            version = _awaiting_version(memorandum) if memorandum.status == Status.AWAITING else None
            if version is None:
                messages.error(request, " ".join(exc.messages))
                return redirect(memorandum)
            # Show the text as it is now, with its current fingerprint, so they can read it again.
            form.data = form.data.copy()
            form.data["expected_sha256"] = version.sha256
        else:
            memorandum.refresh_from_db()
            if memorandum.status == Status.ACTIVE:
                messages.success(request, "You signed. Every party has now signed: the memorandum is active.")
            else:
                messages.success(request, f"You signed for {party['organisation']}. Thank you.")
            return redirect(memorandum)
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
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = _memorandum(request, pk, Perm.SIGN_MEMORANDUM)
    if refused := _refused(request, memorandum, "decline"):
        return refused
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
    if request.method == "POST" and form.is_valid():
        try:
            services.decline(request.user, version, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "You declined to sign. The lead has been told; the memorandum is a draft again.")
            return redirect(memorandum)
    return _render_form(
        request,
        "memoranda/form_page.html",
        {
            "title": "Decline to sign",
            "caption": f"{memorandum.title}, version {version.number}, for {party['organisation']}",
            "intro": "Declining returns the memorandum to draft. A new version will be needed, and every party "
            "signs it again.",
            "form": form,
            "submit_label": "Decline to sign",
            "warning_button": True,
            "cancel_url": reverse("memoranda:sign", kwargs={"pk": pk}),
        },
    )


# --- Versions, comparison, PDF ---------------------------------------------------------------------


@login_required
def versions(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = _memorandum(request, pk, Perm.VIEW)
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
    memorandum = _memorandum(request, pk, Perm.VIEW, queryset=selectors.memorandum_queryset())
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


def _pdf_response(memorandum: Memorandum, version: MemorandumVersion | None) -> HttpResponse:
    """The stored signed PDF when there is one (rendered once, never again); otherwise a fresh
    rendering watermarked as not signed."""
    if version is not None and version.status == VersionStatus.SIGNED:
        if not version.pdf:
            raise Http404("The signed PDF is missing from storage. Tell the site administrator.")
        return private_file_response(version.pdf, f"memorandum-{memorandum.pk}-version-{version.number}-signed.pdf")
    pdf = render_memorandum_pdf(memorandum, version)
    name = f"memorandum-{memorandum.pk}-" + (f"version-{version.number}" if version else "draft") + "-not-signed.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def memorandum_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = _memorandum(request, pk, Perm.VIEW)
    version = memorandum.versions.order_by("-number").first()
    signed = memorandum.versions.filter(status=VersionStatus.SIGNED).order_by("-number").first()
    if signed is not None and memorandum.status != Status.DRAFT:
        return _pdf_response(memorandum, signed)
    if memorandum.status == Status.AWAITING:
        return _pdf_response(memorandum, version)
    return _pdf_response(memorandum, None)


@login_required
def version_pdf(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    memorandum = _memorandum(request, pk, Perm.VIEW)
    version = (
        MemorandumVersion.objects.filter(memorandum__lineage=memorandum.lineage, number=number)
        .select_related("memorandum__partnership")
        .first()
    )
    if version is None:
        raise Http404("No such version")
    return _pdf_response(version.memorandum, version)


@login_required
def export(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, Perm.VIEW)
    signed = active_signed_versions(partnership)
    if not signed:
        return render(request, "memoranda/export_empty.html", {"partnership": partnership})
    archive = build_zip(partnership, signed)
    name = f"memoranda-{partnership.slug}-{timezone.localdate():%Y-%m-%d}.zip"
    response = FileResponse(archive, as_attachment=True, filename=name, content_type="application/zip")
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- Review, amendment, ending --------------------------------------------------------------------


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = _memorandum(request, pk, Perm.DRAFT_MEMORANDUM)
    if refused := _refused(request, memorandum, "review"):
        return refused
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _, shown = services.record_review(
                request.user, memorandum, outcome=data["outcome"], note=data["note"], reviewed_on=data["reviewed_on"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _review_message(data["outcome"], shown))
            return redirect(shown)
    next_date = services.add_months(timezone.localdate(), memorandum.review_interval_months)
    return render(request, "memoranda/review.html", {"memorandum": memorandum, "form": form, "next_date": next_date})


def _review_message(outcome: str, memorandum: Memorandum) -> str:
    if outcome == "unchanged":
        return f"Review recorded. The memorandum continues unchanged; the next review is due by {date_format(memorandum.review_date, 'j F Y')}."
    if outcome == "amend":
        return "Review recorded. This new draft is the amendment: the current memorandum stays in force until it is signed."
    return "Review recorded. The memorandum has ended."


@login_required
def amend(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = _memorandum(request, pk, Perm.DRAFT_MEMORANDUM)
    if refused := _refused(request, memorandum, "amend"):
        return refused
    in_progress = memorandum.replaced_by.filter(status__in=[Status.DRAFT, Status.AWAITING]).first()
    if request.method == "POST":
        try:
            draft = services.start_amendment(request.user, memorandum)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(memorandum)
        messages.success(request, "Amendment started. The memorandum in force stays active until this one is signed.")
        return redirect(draft)
    return render(request, "memoranda/amend.html", {"memorandum": memorandum, "in_progress": in_progress})


@login_required
def end(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = _memorandum(request, pk, Perm.DRAFT_MEMORANDUM)
    if refused := _refused(request, memorandum, "end"):
        return refused
    form = ReasonForm(
        request.POST or None,
        label="Why does it end?",
        required="Say why it ends",
        help_text="Every party's signatory will receive this by e-mail.",
        with_date=memorandum.status in (Status.ACTIVE, Status.EXPIRED),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.end_memorandum(
                request.user, memorandum, reason=form.cleaned_data["reason"], ended_on=form.cleaned_data.get("ended_on")
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "The memorandum has ended.")
            return redirect(memorandum)
    is_draft = memorandum.status in (Status.DRAFT, Status.AWAITING)
    return _render_form(
        request,
        "memoranda/form_page.html",
        {
            "title": "Abandon this draft" if is_draft else "End this memorandum",
            "caption": memorandum.title,
            "intro": (
                "The draft will be kept for the record but can no longer be edited or signed."
                if is_draft
                else "The memorandum stops being in force. It stays on record with its signed PDF."
            ),
            "form": form,
            "submit_label": "Abandon draft" if is_draft else "End memorandum",
            "warning_button": True,
            "cancel_url": memorandum.get_absolute_url(),
        },
    )


# --- Verification (public) ----------------------------------------------------------------------


_VERIFIED = {
    Status.ACTIVE: ("green", "Signed and in force"),
    Status.SUPERSEDED: ("grey", "Signed, but superseded by a later version"),
    Status.EXPIRED: ("red", "Signed, but expired: its review date passed without a review"),
    Status.ENDED: ("grey", "Signed, but ended"),
}
_UNSIGNED = {
    VersionStatus.AWAITING: ("blue", "Sent for signature, not yet signed by every party"),
    VersionStatus.DECLINED: ("red", "Declined by a signatory: never came into force"),
    VersionStatus.WITHDRAWN: ("grey", "Withdrawn from signing: never came into force"),
}


def verification_status(version: MemorandumVersion) -> tuple[str, str]:
    """(colour, words) for a version, as a stranger holding a copy needs to hear it."""
    if version.status == VersionStatus.SIGNED:
        colour, words = _VERIFIED.get(version.memorandum.status, ("grey", "Signed"))
        if version.memorandum.status == Status.ENDED and version.memorandum.ended_on:
            words += f" on {date_format(version.memorandum.ended_on, 'j F Y')}"
        return colour, words
    return _UNSIGNED.get(version.status, ("grey", version.get_status_display()))


def verify(request: HttpRequest) -> HttpResponse:
    """Anyone may check a fingerprint or a PDF. Strangers learn only the title, partnership,
    parties, status and dates; members of the partnership also get a link to it."""
    data = request.POST if request.method == "POST" else (request.GET if "sha256" in request.GET else None)
    form = VerifyForm(data, request.FILES or None)
    result = None
    if data is not None and form.is_valid():
        sha, matched_by = form.cleaned_data["sha256"], "fingerprint"
        upload = form.cleaned_data.get("pdf")
        if upload is not None:
            try:
                check_upload(upload, allowed={"application/pdf": "PDF"}, max_bytes=settings.MAX_UPLOAD_BYTES)
            except ValidationError as exc:
                form.add_error("pdf", exc.messages[0])
            else:
                upload.seek(0)
                sha, matched_by = sha256_of_file(upload), "pdf"
        if not form.errors:
            version = selectors.find_version_by_hash(sha)
            result = {"sha256": sha, "matched_by": matched_by, "version": version}
            if version is not None:
                memorandum = version.memorandum
                colour, words = verification_status(version)
                integrity = check_version(version)
                if matched_by == "pdf" and sha != version.pdf_sha256:
                    matched_by = "fingerprint"
                result.update(
                    {
                        "memorandum": memorandum,
                        "colour": "red" if not integrity.ok else colour,
                        "words": "Record altered: do not rely on it" if not integrity.ok else words,
                        "problems": integrity.problems,
                        "is_pdf": sha == version.pdf_sha256,
                        "member": can_see(request.user, memorandum.partnership_id),
                    }
                )
    return render(request, "memoranda/verify.html", {"form": form, "result": result})
