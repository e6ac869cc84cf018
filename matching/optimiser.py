"""The preference round's optimiser: pure functions over plain data (no Django), so it can be
tested and benchmarked on its own. matching/services/proposals.py builds its inputs from the
database and checks every pair it proposes against placements.services.allocations
`allocation_problems`, so the portal keeps one definition of what refuses an allocation.

The problem is a min-cost assignment (scipy.optimize.linear_sum_assignment):
* rows are the round's students;
* columns are place slots: each offer's remaining places (its places less the placements already
  holding one, placements.models.HOLDS_PLACE) become that many columns, plus one "unplaced"
  column per student;
* a student's cost for a slot is `rank ** 2` for their choice at that rank (first choice 1,
  second 4, third 9...). The convex cost is the fairness: two second choices (4 + 4) beat a first
  and a fifth (1 + 25), so nobody is sacrificed for someone else's first choice;
* an offer the student did not rank but could take costs more than any ranked one (only when the
  round allows it), and leaving them unplaced costs more than any possible rearrangement of the
  others, so the fewest students are left unplaced first, then preferences are satisfied;
* pairs a hard rule forbids cost FORBIDDEN and are never chosen (the unplaced columns always give
  a complete assignment, so the solver never needs one).

Practice educator capacity is the one rule the assignment problem cannot express exactly. An
offer never gets more columns than its educator can still take during its block (students at
once, less the placements overlapping it), which is exact for an educator with one offer. One
educator may support students on several offers, though, and their spare capacity is then shared
between those offers' columns: we solve, then repair: for each educator over capacity the pairs
they are asked to take are kept best first (lowest cost), the offers of the rest lose a column
each, and the whole problem is solved again. Each pass removes at least one column, so it ends;
the result never breaks the rule, though it may not be the exact optimum of the shared-capacity
problem (that needs an integer program; the benchmark shows the loss is small).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

FORBIDDEN = 1e12
EITHER = "either"
FINAL = "final"


@dataclass(frozen=True)
class OfferIn:
    id: int
    name: str
    stage: str  # "first", "final" or "either"
    statutory: bool
    starts_on: dt.date | None
    ends_on: dt.date | None
    remaining: int  # places not yet held by a placement
    educator_id: int | None = None


@dataclass(frozen=True)
class EducatorIn:
    id: int
    name: str
    max_students: int
    # (starts_on, ends_on) of placements holding a place on any of their offers
    busy: tuple[tuple[dt.date, dt.date], ...] = ()


@dataclass(frozen=True)
class StudentIn:
    id: int
    name: str
    ranked: tuple[int, ...] = ()  # offer ids, first choice first
    needs_statutory: bool = False  # final stage with no statutory placement holding a place
    busy: tuple[tuple[dt.date, dt.date], ...] = ()  # their placements' dates
    pinned: int | None = None  # the offer a coordinator pinned them to
    excluded: frozenset[int] = frozenset()  # offers a coordinator excluded for them


@dataclass(frozen=True)
class Settings:
    stage: str  # the round's stage, "first" or "final"
    place_unranked: bool = True  # use offers they did not rank when none of theirs is free
    unranked_cost: float | None = None  # default: above the cost of any ranked choice


@dataclass
class Assignment:
    student_id: int
    offer_id: int | None
    rank: int | None = None  # 1 for first choice; None when unranked or unplaced
    reason: str = ""  # why unplaced (or why a pin could not be honoured)
    pinned: bool = False


@dataclass
class Result:
    assignments: dict[int, Assignment] = field(default_factory=dict)
    pin_problems: dict[int, str] = field(default_factory=dict)  # student id -> why the pin failed

    def counts(self) -> dict[str, int]:
        """How many got each choice ("1", "2", ...), "unranked" and "unplaced"."""
        counts: dict[str, int] = defaultdict(int)
        for a in self.assignments.values():
            if a.offer_id is None:
                counts["unplaced"] += 1
            elif a.rank is None:
                counts["unranked"] += 1
            else:
                counts[str(a.rank)] += 1
        return dict(counts)


def overlaps(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def block(offer: OfferIn) -> tuple[dt.date, dt.date] | None:
    if offer.starts_on is None or offer.ends_on is None:
        return None
    return (offer.starts_on, offer.ends_on)


def educator_spare(educator: EducatorIn, offer: OfferIn) -> int:
    """Students the educator can still take during the offer's block."""
    span = block(offer)
    if span is None:
        return educator.max_students
    return educator.max_students - sum(1 for b in educator.busy if overlaps(b, span))


# Reasons, in the words the proposal page shows. Each hard rule has a key so that reasons for
# several offers can be summed up ("every offer they ranked is full").
RULE_WORDS = {
    "stage": "is for another stage",
    "dates": "has no block dates",
    "clash": "clashes with a placement they already have",
    "full": "is full",
    "educator": "has a practice educator with no room at that time",
    "statutory": "is not statutory and they still need a statutory placement",
    "excluded": "was excluded for them",
}


def rule_broken(
    student: StudentIn,
    offer: OfferIn,
    settings: Settings,
    educators: dict[int, EducatorIn],
) -> str | None:
    """The first hard rule that forbids this pair before any other student is placed, or None."""
    if offer.id in student.excluded:
        return "excluded"
    if offer.stage != EITHER and offer.stage != settings.stage:
        return "stage"
    span = block(offer)
    if span is None:
        return "dates"
    if any(overlaps(span, b) for b in student.busy):
        return "clash"
    if student.needs_statutory and not offer.statutory:
        return "statutory"
    if offer.remaining <= 0:
        return "full"
    if offer.educator_id is not None and offer.educator_id in educators:
        if educator_spare(educators[offer.educator_id], offer) <= 0:
            return "educator"
    return None


def _rank_cost(rank: int) -> float:
    return float(rank * rank)


def solve(
    students: Iterable[StudentIn],
    offers: Iterable[OfferIn],
    settings: Settings,
    educators: Iterable[EducatorIn] = (),
    forbidden: Iterable[tuple[int, int]] = (),
) -> Result:
    """The proposed assignment. `forbidden`: (student id, offer id) pairs refused from outside
    (the portal's own check found a problem with them)."""
    students = list(students)
    offers = [o for o in offers]
    by_id = {o.id: o for o in offers}
    educator_map = {e.id: e for e in educators}
    refused = set(forbidden)
    result = Result()
    if not students:
        return result

    max_rank = max((len(s.ranked) for s in students), default=0)
    unranked_cost = settings.unranked_cost if settings.unranked_cost is not None else _rank_cost(max_rank + 2) * 2
    top_cost = max(unranked_cost, _rank_cost(max_rank + 1))
    unplaced_cost = top_cost * (len(students) + 1)

    # Static feasibility and each student's cost per offer.
    costs: list[dict[int, float]] = []
    reasons: list[dict[int, str]] = []
    for s in students:
        row: dict[int, float] = {}
        why: dict[int, str] = {}
        ranks = {offer_id: i + 1 for i, offer_id in enumerate(s.ranked)}
        if s.pinned is not None:
            offer = by_id.get(s.pinned)
            problem = "missing" if offer is None else rule_broken(s, offer, settings, educator_map)
            if offer is not None and (s.id, offer.id) in refused:
                problem = "portal"
            if problem is None:
                row[s.pinned] = 0.0
            else:
                name = offer.name if offer else "an offer no longer in the round"
                words = RULE_WORDS.get(problem, "cannot take them")
                result.pin_problems[s.id] = f"Pinned to {name}, which {words}"
        else:
            for offer in offers:
                if (s.id, offer.id) in refused:
                    why[offer.id] = "portal"
                    continue
                problem = rule_broken(s, offer, settings, educator_map)
                if problem is not None:
                    why[offer.id] = problem
                    continue
                if offer.id in ranks:
                    row[offer.id] = _rank_cost(ranks[offer.id])
                elif settings.place_unranked:
                    row[offer.id] = unranked_cost
        costs.append(row)
        reasons.append(why)

    # Each offer's columns: its remaining places, no more than its practice educator can still
    # take during its block (exact for an educator with one offer). Then the repair loop for an
    # educator shared by several offers (see the module's docstring).
    caps: dict[int, int] = {}
    for offer in offers:
        cap = max(offer.remaining, 0)
        if offer.educator_id is not None and offer.educator_id in educator_map:
            cap = min(cap, max(educator_spare(educator_map[offer.educator_id], offer), 0))
        caps[offer.id] = cap
    while True:
        chosen = _assign(students, offers, costs, caps, unplaced_cost)
        excess = _educator_excess(chosen, by_id, educator_map, costs)
        if not excess:
            break
        for over_offer, n in excess.items():
            caps[over_offer] -= n

    for i, s in enumerate(students):
        offer_id = chosen.get(i)
        if offer_id is not None:
            rank = s.ranked.index(offer_id) + 1 if offer_id in s.ranked else None
            result.assignments[s.id] = Assignment(s.id, offer_id, rank, pinned=s.pinned is not None)
        else:
            reason = result.pin_problems.get(s.id) or _why_unplaced(s, offers, reasons[i], settings)
            result.assignments[s.id] = Assignment(s.id, None, None, reason, pinned=s.pinned is not None)
    return result


def _assign(
    students: list[StudentIn],
    offers: list[OfferIn],
    costs: list[dict[int, float]],
    caps: dict[int, int],
    unplaced_cost: float,
) -> dict[int, int]:
    """Row index -> offer id for the students placed."""
    wanted = {offer_id for row in costs for offer_id in row}
    columns: list[int] = []  # offer id per place column
    for offer in offers:
        if offer.id in wanted:
            columns.extend([offer.id] * caps[offer.id])
    n, m = len(students), len(columns)
    matrix = np.full((n, m + n), FORBIDDEN)
    matrix[:, m:] = unplaced_cost
    index: dict[int, list[int]] = defaultdict(list)
    for j, offer_id in enumerate(columns):
        index[offer_id].append(j)
    for i, row in enumerate(costs):
        for offer_id, cost in row.items():
            if index[offer_id]:
                matrix[i, index[offer_id]] = cost
    rows, cols = linear_sum_assignment(matrix)
    chosen = {}
    for i, j in zip(rows, cols, strict=True):
        if j < m and matrix[i, j] < FORBIDDEN:
            chosen[int(i)] = columns[j]
    return chosen


def _educator_excess(
    chosen: dict[int, int],
    offers: dict[int, OfferIn],
    educators: dict[int, EducatorIn],
    costs: list[dict[int, float]],
) -> dict[int, int]:
    """Places to take off each offer because its educator would support too many students at
    once: for each educator, keep the cheapest pairs while they fit; the offers of the rest lose
    a column each."""
    by_educator: dict[int, list[tuple[float, int, int]]] = defaultdict(list)
    for i, offer_id in chosen.items():
        educator_id = offers[offer_id].educator_id
        if educator_id is not None and educator_id in educators:
            by_educator[educator_id].append((costs[i][offer_id], i, offer_id))
    excess: dict[int, int] = defaultdict(int)
    for educator_id, pairs in by_educator.items():
        educator = educators[educator_id]
        kept: list[tuple[dt.date, dt.date]] = []
        for _cost, _i, offer_id in sorted(pairs):
            span = block(offers[offer_id])
            assert span is not None  # offers without dates are never feasible
            at_once = sum(1 for b in (*educator.busy, *kept) if overlaps(b, span))
            if at_once < educator.max_students:
                kept.append(span)
            else:
                excess[offer_id] += 1
    return dict(excess)


def _why_unplaced(
    student: StudentIn,
    offers: list[OfferIn],
    why: dict[int, str],
    settings: Settings,
) -> str:
    by_id = {o.id: o for o in offers}
    if student.pinned is not None:
        name = by_id[student.pinned].name if student.pinned in by_id else "an offer"
        return f"Pinned to {name}, but its places (or its practice educator's) went to other pinned students"
    ranked = [by_id[o] for o in student.ranked if o in by_id]
    if not ranked and not settings.place_unranked:
        return "They have not ranked any offers, and this round places students only on offers they ranked"
    considered = ranked if not settings.place_unranked else offers
    if not considered:
        return "There are no offers in the round"
    blocked = {o.id: why[o.id] for o in considered if o.id in why}
    if len(blocked) == len(considered):
        scope = "offer they ranked" if not settings.place_unranked else "offer in the round"
        if student.needs_statutory:
            statutory = [o for o in considered if o.statutory]
            if not statutory:
                return f"They still need a statutory placement and no {scope} is statutory"
            if all(blocked[o.id] in ("full", "educator") for o in statutory):
                return "No statutory place left: they still need a statutory placement"
        kinds = set(blocked.values())
        if len(kinds) == 1:
            (kind,) = kinds
            if kind == "portal":
                return f"The portal refuses every {scope} for them"
            return f"Every {scope} {RULE_WORDS[kind]}"
        parts = [f"{by_id[o].name} {RULE_WORDS.get(k, 'cannot take them')}" for o, k in list(blocked.items())[:3]]
        more = len(blocked) - 3
        return "No offer can take them: " + "; ".join(parts) + (f"; and {more} more" if more > 0 else "")
    if not settings.place_unranked:
        return "Every place on the offers they ranked went to students who ranked it higher or had no other choice"
    return "Every place they could take went to other students"


def greedy(
    students: Iterable[StudentIn],
    offers: Iterable[OfferIn],
    settings: Settings,
    educators: Iterable[EducatorIn] = (),
) -> Result:
    """First come, first served: each student in turn gets their best ranked choice still free
    (the baseline the benchmark compares with; the same hard rules)."""
    offers = list(offers)
    remaining = {o.id: o.remaining for o in offers}
    by_id = {o.id: o for o in offers}
    educator_map = {e.id: e for e in educators}
    taken: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    result = Result()
    for s in students:
        got = None
        for rank, offer_id in enumerate(s.ranked, start=1):
            offer = by_id.get(offer_id)
            if offer is None or remaining[offer_id] <= 0:
                continue
            if rule_broken(s, offer, settings, educator_map) is not None:
                continue
            if offer.educator_id in educator_map:
                educator = educator_map[offer.educator_id]
                span = block(offer)
                assert span is not None
                if sum(1 for b in (*educator.busy, *taken[educator.id]) if overlaps(b, span)) >= educator.max_students:
                    continue
                taken[educator.id].append(span)
            got = (offer_id, rank)
            break
        if got:
            remaining[got[0]] -= 1
            result.assignments[s.id] = Assignment(s.id, got[0], got[1])
        else:
            result.assignments[s.id] = Assignment(s.id, None, None, "None of their choices was free")
    return result
