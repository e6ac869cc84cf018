"""Proposing an allocation for a round (the optimiser over the database's data), pinning, and
confirming it into placements through the placements service."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from matching import optimiser
from matching.actions import Action
from matching.models import Pin, PinKind, PreferenceRound, ProposalLine, RoundStudent
from matching.reminders import send_results
from matching.selectors import entries, round_offers
from matching.services.rounds import lock
from matching.states import require_state
from partnerships.access import require
from placements.models import HOLDS_PLACE, Placement, PlacementOffer, PlacementStatus, Stage, Student
from placements.permissions import PlacementPerm
from placements.rules import required_days
from placements.services.allocations import allocate, allocation_problems
from placements.services.common import student_subjects
from portal.audit import record

# Re-solving after the portal's own check refuses a pair: it never should (the optimiser applies
# the same rules), so a few passes are plenty; anything still refused is left unplaced with the
# portal's words.
_CHECK_PASSES = 3


def _name(offer: PlacementOffer) -> str:
    return f"{offer.team}, {offer.employer.name}"


def build_inputs(round_: PreferenceRound):
    """The optimiser's inputs from the database, in a constant number of queries: the round's
    students with their choices, pins and placements; its offers with the places held; and
    their practice educators' placements at the same time."""
    offers = list(round_offers(round_))
    offer_map = {o.pk: o for o in offers}
    round_entries = list(entries(round_))
    student_ids = [e.student_id for e in round_entries]
    busy: dict[int, list] = defaultdict(list)
    statutory: set[int] = set()
    for student_id, starts, ends, is_statutory, status in Placement.objects.filter(
        student_id__in=student_ids
    ).values_list("student_id", "starts_on", "ends_on", "offer__statutory", "status"):
        # allocation_problems: a student's placements cannot overlap, whatever their status.
        busy[student_id].append((starts, ends))
        # allocation_warnings: the statutory placement counts when it holds a place.
        if is_statutory and status in HOLDS_PLACE:
            statutory.add(student_id)
    pinned: dict[int, int] = {}
    excluded: dict[int, set[int]] = defaultdict(set)
    for pin in Pin.objects.filter(round=round_):
        if pin.kind == PinKind.PIN:
            pinned[pin.student_id] = pin.offer_id
        else:
            excluded[pin.student_id].add(pin.offer_id)
    educator_ids = {o.practice_educator_id for o in offers if o.practice_educator_id}
    educator_busy: dict[int, list] = defaultdict(list)
    for educator_id, starts, ends in Placement.objects.filter(
        offer__practice_educator_id__in=educator_ids, status__in=HOLDS_PLACE
    ).values_list("offer__practice_educator_id", "starts_on", "ends_on"):
        educator_busy[educator_id].append((starts, ends))
    educators = {}
    for o in offers:
        e = o.practice_educator
        if e is not None and e.pk not in educators:
            educators[e.pk] = optimiser.EducatorIn(e.pk, e.full_name, e.max_students, tuple(educator_busy[e.pk]))
    students = [
        optimiser.StudentIn(
            id=e.student_id,
            name=e.student.reference,
            ranked=tuple(c.offer_id for c in e.choices.all() if c.offer_id in offer_map),
            needs_statutory=round_.stage == Stage.FINAL and e.student_id not in statutory,
            busy=tuple(busy[e.student_id]),
            pinned=pinned.get(e.student_id),
            excluded=frozenset(excluded[e.student_id]),
        )
        for e in round_entries
    ]
    offers_in = [
        optimiser.OfferIn(
            id=o.pk,
            name=_name(o),
            stage=o.stage,
            statutory=o.statutory,
            starts_on=o.starts_on,
            ends_on=o.ends_on,
            remaining=o.places - o.held,  # type: ignore[attr-defined]  # annotated by with_held
            educator_id=o.practice_educator_id,
        )
        for o in offers
    ]
    settings = optimiser.Settings(stage=round_.stage, place_unranked=round_.place_unranked)
    return students, offers_in, settings, list(educators.values()), offer_map, {e.student_id: e for e in round_entries}


def portal_problems(student: Student, offer: PlacementOffer, stage: str) -> dict[str, str]:
    """The portal's own refusals for this pair (placements.services.allocations), on the offer's
    block dates."""
    if offer.starts_on is None or offer.ends_on is None:
        return {"starts_on": f"{offer.team} has no block dates"}
    return allocation_problems(student, offer, stage, offer.starts_on, offer.ends_on)


def solve_round(round_: PreferenceRound) -> optimiser.Result:
    """The optimiser's result, every proposed pair checked against the portal's
    `allocation_problems` (a refused pair is forbidden and the round solved again)."""
    students, offers, settings, educators, offer_map, by_student = build_inputs(round_)
    forbidden: set[tuple[int, int]] = set()
    refusals: dict[int, str] = {}
    for _ in range(_CHECK_PASSES):
        result = optimiser.solve(students, offers, settings, educators, forbidden)
        fresh = False
        for a in result.assignments.values():
            if a.offer_id is None:
                continue
            problems = portal_problems(by_student[a.student_id].student, offer_map[a.offer_id], round_.stage)
            if problems:
                forbidden.add((a.student_id, a.offer_id))
                refusals[a.student_id] = " ".join(problems.values())
                fresh = True
        if not fresh:
            return result
    for a in result.assignments.values():
        if a.offer_id is not None and (a.student_id, a.offer_id) in forbidden:
            a.offer_id, a.rank, a.reason = None, None, refusals[a.student_id]
    return result


@transaction.atomic
def run_proposal(actor, round_: PreferenceRound) -> PreferenceRound:
    """Propose an allocation and keep it as the round's proposal lines (replacing the last)."""
    require(actor, round_.partnership_id, PlacementPerm.MANAGE)
    locked = lock(round_)
    require_state(locked, "propose")
    result = solve_round(locked)
    ProposalLine.objects.filter(round=locked).delete()
    ProposalLine.objects.bulk_create(
        [
            ProposalLine(
                round=locked,
                student_id=a.student_id,
                offer_id=a.offer_id,
                rank=a.rank,
                pinned=a.pinned,
                reason=a.reason[:500],
            )
            for a in result.assignments.values()
        ]
    )
    locked.proposed_at = timezone.now()
    locked.revision += 1
    locked.save(update_fields=["proposed_at", "revision"])
    counts = result.counts()
    placed = len(result.assignments) - counts.get("unplaced", 0)
    record(
        actor,
        Action.PROPOSAL_RUN,
        locked,
        changes={"counts": [None, counts]},
        summary=f"Proposed an allocation for the {locked.words}: {placed} of {len(result.assignments)} students placed",
        partnership_id=locked.partnership_id,
    )
    return locked


@transaction.atomic
def set_pin(actor, round_: PreferenceRound, student: Student, *, offer: PlacementOffer, kind: str) -> Pin:
    """Pin the student to an offer (replacing an earlier pin) or exclude an offer for them."""
    require(actor, round_.partnership_id, PlacementPerm.MANAGE)
    locked = lock(round_)
    require_state(locked, "pin")
    if not RoundStudent.objects.filter(round=locked, student=student).exists():
        raise ValidationError(f"{student.reference} is not in this round")
    if not round_offers(locked).filter(pk=offer.pk).exists():
        raise ValidationError({"offer": "Choose one of the round's offers"})
    if kind == PinKind.PIN:
        Pin.objects.filter(round=locked, student=student, kind=PinKind.PIN).delete()
    Pin.objects.filter(round=locked, student=student, offer=offer).delete()
    pin = Pin.objects.create(round=locked, student=student, offer=offer, kind=kind)
    words = "Pinned" if kind == PinKind.PIN else "Excluded"
    record(
        actor,
        Action.PIN_SET,
        locked,
        changes={"pin": [None, f"{kind}: {offer}"]},
        summary=f"{words} {student.reference} {'to' if kind == PinKind.PIN else 'from'} {offer.team} "
        f"in the {locked.words}",
        partnership_id=locked.partnership_id,
        subjects=student_subjects(student),
    )
    return pin


@transaction.atomic
def remove_pin(actor, round_: PreferenceRound, pin: Pin) -> None:
    require(actor, round_.partnership_id, PlacementPerm.MANAGE)
    locked = lock(round_)
    require_state(locked, "pin")
    student, offer, kind = pin.student, pin.offer, pin.kind
    if not Pin.objects.filter(pk=pin.pk, round=locked).delete()[0]:
        return
    record(
        actor,
        Action.PIN_REMOVED,
        locked,
        changes={"pin": [f"{kind}: {offer}", None]},
        summary=f"Removed the {'pin' if kind == PinKind.PIN else 'exclusion'} of {student.reference} "
        f"at {offer.team} in the {locked.words}",
        partnership_id=locked.partnership_id,
        subjects=student_subjects(student),
    )


@transaction.atomic
def confirm_proposal(actor, round_: PreferenceRound) -> list[Placement]:
    """Create a proposed placement for every student the proposal places, through
    placements.services.allocations.allocate (the same checks and audit trail as the place-the-
    student page), all or nothing: if any pair became invalid meanwhile nothing is created and the
    ValidationError lists every one."""
    require(actor, round_.partnership_id, PlacementPerm.MANAGE)
    locked = lock(round_)
    require_state(locked, "confirm")
    lines = list(
        ProposalLine.objects.filter(round=locked, offer__isnull=False).select_related(
            "student", "student__programme", "offer", "offer__employer"
        )
    )
    if not lines:
        raise ValidationError("There is no proposal to confirm: propose an allocation first")
    placements: list[Placement] = []
    problems: list[str] = []
    for line in lines:
        offer, student = line.offer, line.student
        assert offer is not None
        if offer.starts_on is None or offer.ends_on is None:
            problems.append(f"{student.reference} at {offer.team}: the offer has no block dates")
            continue
        try:
            placements.append(
                allocate(
                    actor,
                    student,
                    offer=offer,
                    stage=locked.stage,
                    starts_on=offer.starts_on,
                    ends_on=offer.ends_on,
                    planned_days=required_days(student.programme, locked.stage),
                    status=PlacementStatus.PROPOSED,
                )
            )
        except ValidationError as exc:
            problems.append(f"{student.reference} at {offer.team}: {' '.join(exc.messages)}")
        except PermissionDenied as exc:
            problems.append(f"{student.reference} at {offer.team}: {exc}")
    if problems:
        # Nothing is kept: the transaction rolls back every placement made above.
        raise ValidationError(problems)
    before = locked.status
    require_state(locked, "confirm")
    locked.status = "confirmed"
    locked.revision += 1
    locked.save(update_fields=["status", "revision"])
    record(
        actor,
        Action.ROUND_CONFIRMED,
        locked,
        changes={"status": [before, locked.status], "placements": [None, len(placements)]},
        summary=f"Confirmed the allocation of the {locked.words}: "
        f"{len(placements)} placement{'s' if len(placements) != 1 else ''} proposed",
        partnership_id=locked.partnership_id,
    )
    send_results(locked, placements)
    return placements
