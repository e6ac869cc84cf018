"""Pages for a memorandum's life after signing: review, amendment, ending (or abandoning a
draft)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateformat import format as date_format

from memoranda import services
from memoranda.forms import ReasonForm, ReviewForm
from memoranda.models import Memorandum, ReviewOutcome, Status
from memoranda.permissions import MemorandumPerm
from memoranda.views.common import memorandum_or_404, refused
from portal.flows import GET_POST, form_page


@login_required
@GET_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = memorandum_or_404(request, pk, MemorandumPerm.DRAFT)
    if refusal := refused(request, memorandum, "review"):
        return refusal
    return form_page(
        request,
        ReviewForm(request.POST or None),
        lambda data: services.record_review(
            request.user, memorandum, outcome=data["outcome"], note=data["note"], reviewed_on=data["reviewed_on"]
        ),
        template="memoranda/review.html",
        success=lambda result: _review_message(result[0].outcome, result[1]),
        next_url=lambda result: result[1],  # the new draft when amending
        memorandum=memorandum,
        next_date=services.add_months(timezone.localdate(), memorandum.review_interval_months),
    )


def _review_message(outcome: str, memorandum: Memorandum) -> str:
    if outcome == ReviewOutcome.UNCHANGED:
        if memorandum.review_date is None:  # never: continuing unchanged sets the next review date
            raise ValueError("A memorandum continued unchanged must have a review date")
        return f"Review recorded. The memorandum continues unchanged; the next review is due by {date_format(memorandum.review_date, 'j F Y')}."
    if outcome == ReviewOutcome.AMEND:
        return "Review recorded. This new draft is the amendment: the current memorandum stays in force until it is signed."
    return "Review recorded. The memorandum has ended."


@login_required
@GET_POST
def amend(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = memorandum_or_404(request, pk, MemorandumPerm.DRAFT)
    if refusal := refused(request, memorandum, "amend"):
        return refusal
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
@GET_POST
def end(request: HttpRequest, pk: int) -> HttpResponse:
    memorandum = memorandum_or_404(request, pk, MemorandumPerm.DRAFT)
    if refusal := refused(request, memorandum, "end"):
        return refusal
    form = ReasonForm(
        request.POST or None,
        label="Why does it end?",
        required="Say why it ends",
        help_text="Every party's signatory will receive this by e-mail.",
        with_date=memorandum.status in (Status.ACTIVE, Status.EXPIRED),
    )
    is_draft = memorandum.status in (Status.DRAFT, Status.AWAITING)
    return form_page(
        request,
        form,
        lambda data: services.end_memorandum(
            request.user, memorandum, reason=data["reason"], ended_on=data.get("ended_on")
        ),
        template="memoranda/form_page.html",
        success="The memorandum has ended.",
        next_url=memorandum,
        title="Abandon this draft" if is_draft else "End this memorandum",
        caption=memorandum.title,
        intro=(
            "The draft will be kept for the record but can no longer be edited or signed."
            if is_draft
            else "The memorandum stops being in force. It stays on record with its signed PDF."
        ),
        submit_label="Abandon draft" if is_draft else "End memorandum",
        warning_button=True,
        cancel_url=memorandum.get_absolute_url(),
    )
