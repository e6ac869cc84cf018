"""Preference round pages: the rounds of a partnership, setting one up, its students and their
preferences, the proposed allocation with pins, and confirming it. All for those who manage
placements (PlacementPerm.MANAGE): outsiders get 404, other members 403."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from matching import services
from matching.forms import PinForm, PreferencesForm, RoundEditForm, RoundForm
from matching.models import Pin, PinKind, PreferenceRound, RoundStatus, RoundStudent
from matching.selectors import entries, offers_with_room, pins, proposal_lines, round_offers, rounds_for
from matching.states import TRANSITIONS, allowed
from participants.selectors import student_for_user
from partnerships.access import object_or_404, partnership_or_404
from placements.models import Stage
from placements.permissions import PlacementPerm
from placements.selectors.years import current_year
from portal.dates import long_date
from portal.flows import GET_ONLY, GET_POST, POST_ONLY, form_page

FORM_TEMPLATE = "matching/form_page.html"
ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}


def ordinal(n: int) -> str:
    return ORDINALS.get(n, f"{n}th")


def round_or_404(request: HttpRequest, pk: int) -> PreferenceRound:
    return object_or_404(
        PreferenceRound.objects.select_related("partnership", "academic_year"),
        request.user,
        PlacementPerm.MANAGE,
        pk=pk,
    )


def _entry_or_404(round_: PreferenceRound, student_pk: int) -> RoundStudent:
    entry = (
        RoundStudent.objects.filter(round=round_, student_id=student_pk)
        .select_related("student", "student__partnership")
        .prefetch_related("choices__offer__employer")
        .first()
    )
    if entry is None:
        raise Http404("No such student in this round")
    return entry


def _breadcrumbs(round_: PreferenceRound | None, partnership) -> list[tuple[str, str]]:
    crumbs = [("Preference rounds", reverse("matching:round_list", args=[partnership.slug]))]
    if round_ is not None:
        crumbs.append((str(round_), round_.get_absolute_url()))
    return crumbs


@login_required
@GET_ONLY
def round_list(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, PlacementPerm.MANAGE)
    return render(
        request,
        "matching/round_list.html",
        {"partnership": partnership, "rounds": list(rounds_for(partnership))},
    )


@login_required
@GET_POST
def round_create(request: HttpRequest, slug: str) -> HttpResponse:
    partnership = partnership_or_404(request.user, slug, PlacementPerm.MANAGE)
    year = current_year()
    form = RoundForm(
        request.POST or None,
        initial={"academic_year": year, "stage": Stage.FINAL, "max_choices": 3, "place_unranked": True},
    )
    return form_page(
        request,
        form,
        lambda data: services.create_round(request.user, partnership, **data),
        template=FORM_TEMPLATE,
        success=lambda r: f"Set up the {r.words} with {r.entries.count()} students. Open it when you are ready.",
        next_url=lambda r: r.get_absolute_url(),
        title="Set up a preference round",
        partnership=partnership,
        intro="The round takes in the partnership's students who need a placement of that stage in the year and "
        "have none arranged. You can take students out before it closes.",
        submit_label="Set up the round",
        cancel_url=reverse("matching:round_list", args=[slug]),
        breadcrumbs=_breadcrumbs(None, partnership),
    )


@login_required
@GET_ONLY
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_or_404(request, pk)
    rows = list(entries(round_))
    answered = sum(1 for e in rows if e.answered_at)
    return render(
        request,
        "matching/round_detail.html",
        {
            "round": round_,
            "partnership": round_.partnership,
            "entries": rows,
            "answered": answered,
            "unanswered": len(rows) - answered,
            "can": {action: allowed(round_, action) for action in TRANSITIONS},
            "closed_by_date": round_.closes_on < timezone.localdate(),
            "breadcrumbs": _breadcrumbs(None, round_.partnership),
        },
    )


@login_required
@GET_POST
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_or_404(request, pk)
    if not allowed(round_, "edit"):
        messages.error(request, "Only a draft or open round can be changed.")
        return redirect(round_)
    form = RoundEditForm(
        request.POST or None,
        initial={
            "closes_on": round_.closes_on,
            "max_choices": round_.max_choices,
            "place_unranked": round_.place_unranked,
            "revision": round_.revision,
        },
    )
    return form_page(
        request,
        form,
        lambda data: services.update_round(
            request.user,
            round_,
            data={k: v for k, v in data.items() if k != "revision"},
            base_revision=data["revision"],
        ),
        template=FORM_TEMPLATE,
        success="Saved the round's settings",
        next_url=round_.get_absolute_url(),
        stale_check=round_,
        title="Change the round",
        caption=str(round_),
        submit_label="Save",
        cancel_url=round_.get_absolute_url(),
        breadcrumbs=_breadcrumbs(round_, round_.partnership),
    )


@login_required
def round_move(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    round_ = round_or_404(request, pk)
    if action not in ("open", "close", "reopen"):
        raise Http404("No such action")
    return _move(request, round_, action)


_MOVED = {
    "open": "Opened the round: students can now give their preferences.",
    "close": "Closed the round. You can still enter late preferences for students, then propose an allocation.",
    "reopen": "Opened the round again.",
}


@POST_ONLY
def _move(request: HttpRequest, round_: PreferenceRound, action: str) -> HttpResponse:
    try:
        services.move_round(request.user, round_, action)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _MOVED[action])
    return redirect(round_)


@login_required
@GET_POST
def preferences(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    """A coordinator enters a student's preferences on their behalf."""
    round_ = round_or_404(request, pk)
    entry = _entry_or_404(round_, student_pk)
    if not allowed(round_, "answer"):
        messages.error(request, "Preferences can be entered once the round is open.")
        return redirect(round_)
    student = entry.student
    return _preferences_form(
        request,
        round_,
        entry,
        success=f"Saved {student.reference}'s preferences",
        next_url=round_.get_absolute_url(),
        caption=f"{student.reference}{f' ({student.name})' if student.name else ''}: {round_}",
        intro=f"Rank up to {round_.max_choices} offers with a place left, first choice first, and note what "
        "the student told you about travel and adjustments. You are entering this on the student's behalf.",
        breadcrumbs=_breadcrumbs(round_, round_.partnership),
    )


@login_required
@GET_POST
def my_preferences(request: HttpRequest, pk: int) -> HttpResponse:
    """A student, signed in, ranks the offers of an open round they are in (404 for anyone else:
    a student never reaches another student's entry)."""
    student = student_for_user(request.user)
    entry = (
        RoundStudent.objects.select_related("round", "round__partnership", "round__academic_year", "student")
        .filter(round_id=pk, student=student)
        .first()
        if student is not None
        else None
    )
    if entry is None:
        raise Http404("No such preference round")
    round_ = entry.round
    home = reverse("participants:home")
    if round_.status != RoundStatus.OPEN:  # a late answer after closing is the coordinator's to enter
        messages.error(
            request, "This round is closed for preferences: your coordinator will tell you what happens next."
        )
        return redirect(home)
    return _preferences_form(
        request,
        round_,
        entry,
        own=True,
        success="Saved your preferences. You can change them until the round closes.",
        next_url=home,
        caption=round_.words[:1].upper() + round_.words[1:],
        intro=f"Rank up to {round_.max_choices} of the offers that still have a place, first choice first, by "
        f"{long_date(round_.closes_on)}. Tell us whether you drive, where you can travel to, and any adjustments "
        "you need: your coordinator reads them when working out who goes where.",
        breadcrumbs=[("Your placements", home)],
    )


def _preferences_form(request, round_, entry: RoundStudent, *, own: bool = False, **page) -> HttpResponse:
    """The preferences form of one entry, for whoever may answer for the student (the service
    asks `may_answer_for`)."""
    chosen = [c.offer_id for c in entry.choices.all()]
    offers = round_offers(round_).filter(pk__in=[o.pk for o in offers_with_room(round_)] + chosen)
    initial: dict[str, Any] = {f"choice_{c.rank}": c.offer_id for c in entry.choices.all()}
    initial.update(
        drives=entry.drives, travel_area=entry.travel_area, adjustments=entry.adjustments, revision=entry.revision
    )
    form = PreferencesForm(request.POST or None, round_=round_, offers=offers, initial=initial, own=own)
    student = entry.student
    return form_page(
        request,
        form,
        lambda data: services.save_preferences(
            request.user,
            round_,
            student,
            offers=form.ranked(),
            drives=data["drives"],
            travel_area=data["travel_area"],
            adjustments=data["adjustments"],
            base_revision=data["revision"],
        ),
        template=FORM_TEMPLATE,
        stale_check=entry,
        title="Preferences",
        submit_label="Save preferences",
        cancel_url=page["next_url"],
        **page,
    )


@login_required
def remove_student(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    round_ = round_or_404(request, pk)
    entry = _entry_or_404(round_, student_pk)
    return _remove(request, round_, entry)


@POST_ONLY
def _remove(request: HttpRequest, round_: PreferenceRound, entry: RoundStudent) -> HttpResponse:
    try:
        services.remove_student(request.user, round_, entry)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"Took {entry.student.reference} out of the round")
    return redirect(round_)


def summary(lines) -> dict:
    """How many got each choice, were placed on an offer they did not rank, or are unplaced."""
    by_rank: dict[int, int] = {}
    unranked = unplaced = 0
    for line in lines:
        if line.offer_id is None:
            unplaced += 1
        elif line.rank is None:
            unranked += 1
        else:
            by_rank[line.rank] = by_rank.get(line.rank, 0) + 1
    ranks = [(ordinal(rank), n) for rank, n in sorted(by_rank.items())]
    return {"ranks": ranks, "unranked": unranked, "unplaced": unplaced, "total": len(lines)}


@login_required
@GET_ONLY
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_or_404(request, pk)
    lines = proposal_lines(round_)
    for line in lines:
        line.choice_words = (  # type: ignore[attr-defined]  # for the template
            "Unplaced"
            if line.offer_id is None
            else ("Not ranked" if line.rank is None else f"{ordinal(line.rank)} choice")
        )
    return render(
        request,
        "matching/proposal.html",
        {
            "round": round_,
            "partnership": round_.partnership,
            "lines": lines,
            "unplaced": [line for line in lines if line.offer_id is None],
            "summary": summary(lines),
            "pins": list(pins(round_)),
            "can_propose": allowed(round_, "propose"),
            "can_pin": allowed(round_, "pin"),
            "can_confirm": allowed(round_, "confirm") and any(line.offer_id for line in lines),
            "breadcrumbs": _breadcrumbs(round_, round_.partnership),
        },
    )


@login_required
def proposal_run(request: HttpRequest, pk: int) -> HttpResponse:
    return _run(request, round_or_404(request, pk))


@POST_ONLY
def _run(request: HttpRequest, round_: PreferenceRound) -> HttpResponse:
    try:
        services.run_proposal(request.user, round_)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect(round_)
    messages.success(request, "Proposed an allocation. Nothing is saved as a placement until you confirm it.")
    return redirect("matching:proposal", pk=round_.pk)


@login_required
@GET_POST
def pin(request: HttpRequest, pk: int, student_pk: int) -> HttpResponse:
    round_ = round_or_404(request, pk)
    entry = _entry_or_404(round_, student_pk)
    next_url = reverse("matching:proposal", args=[round_.pk])
    if not allowed(round_, "pin"):
        messages.error(request, "Students can be pinned while the round is open or closed.")
        return redirect(next_url)
    form = PinForm(request.POST or None, offers=round_offers(round_), initial={"kind": PinKind.PIN})
    student = entry.student
    return form_page(
        request,
        form,
        lambda data: services.set_pin(request.user, round_, student, offer=data["offer"], kind=data["kind"]),
        template=FORM_TEMPLATE,
        success=lambda p: (
            f"{'Pinned' if p.kind == PinKind.PIN else 'Excluded'} {student.reference}: propose again to see the effect"
        ),
        next_url=next_url,
        title="Pin or exclude an offer",
        caption=f"{student.reference}: {round_}",
        intro="A pin places the student on that offer in every proposal from now on, if the offer can take them; "
        "otherwise the proposal says why not. An exclusion keeps them off it.",
        submit_label="Save",
        cancel_url=next_url,
        breadcrumbs=_breadcrumbs(round_, round_.partnership),
    )


@login_required
def unpin(request: HttpRequest, pk: int, pin_pk: int) -> HttpResponse:
    round_ = round_or_404(request, pk)
    found = Pin.objects.filter(round=round_, pk=pin_pk).select_related("student", "offer").first()
    if found is None:
        raise Http404("No such pin")
    return _unpin(request, round_, found)


@POST_ONLY
def _unpin(request: HttpRequest, round_: PreferenceRound, found: Pin) -> HttpResponse:
    try:
        services.remove_pin(request.user, round_, found)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"Removed it for {found.student.reference}: propose again to see the effect")
    return redirect("matching:proposal", pk=round_.pk)


@login_required
@GET_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_or_404(request, pk)
    lines = proposal_lines(round_)
    problems: list[str] = []
    if request.method == "POST":
        try:
            made = services.confirm_proposal(request.user, round_)
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(
                request,
                f"Confirmed the allocation: {len(made)} placement{'s' if len(made) != 1 else ''} "
                "saved as proposed. Confirm each with the employer as usual.",
            )
            return redirect(round_)
    placed = [line for line in lines if line.offer_id]
    return render(
        request,
        "matching/confirm.html",
        {
            "round": round_,
            "partnership": round_.partnership,
            "placed": len(placed),
            "unplaced": len(lines) - len(placed),
            "problems": problems,
            "can_confirm": allowed(round_, "confirm") and bool(placed),
            "breadcrumbs": _breadcrumbs(round_, round_.partnership),
        },
    )
