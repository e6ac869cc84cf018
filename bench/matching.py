"""The preference round's optimiser at the issue's scale: 400 students over 450 places, against
first come, first served on the same data (matching/optimiser.py; no database). Run alone with
`python -m bench.matching`; `make bench` includes it in its timings.

The data are invented but shaped like a real round: 150 offers of 1 to 5 places in two blocks,
some far more popular than others (students' choices follow a skewed popularity), half statutory,
40 % of the students without a statutory placement yet, a few with a placement already in the
first block, and practice educators who take as many students at once as their offer's places (or
one fewer), a quarter of them shared by a second offer in an overlapping block, so fewer students
can be placed than there are places (`places_educators_can_take`)."""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time

from matching.optimiser import EducatorIn, OfferIn, Result, Settings, StudentIn, greedy, solve

BLOCKS = [(dt.date(2027, 1, 11), dt.date(2027, 6, 4)), (dt.date(2027, 2, 1), dt.date(2027, 6, 25))]


def round_data(students: int = 400, places: int = 450, seed: int = 13):
    rng = random.Random(seed)  # noqa: S311 - benchmark data
    offers: list[OfferIn] = []
    educators: list[EducatorIn] = []
    left = places
    i = 0
    while left > 0:
        n = min(left, rng.randint(1, 5))
        left -= n
        educator_id = None
        if rng.random() < 0.8:
            if educators and rng.random() < 0.25:
                educator_id = rng.choice(educators).id  # shared with another offer
            else:
                # Most take as many students as their offer's places, some fewer.
                educator_id = 10_000 + len(educators)
                educators.append(EducatorIn(educator_id, f"PE {educator_id}", max(1, n - rng.choice([0, 0, 1]))))
        block = BLOCKS[i % 2]
        offers.append(OfferIn(i, f"Team {i}", "either", rng.random() < 0.5, *block, n, educator_id))
        i += 1
    weights = [1 / (k + 1) ** 0.6 for k in range(len(offers))]
    rng.shuffle(weights)
    people = []
    for s in range(students):
        ranked: list[int] = []
        while len(ranked) < 3:
            pick = rng.choices(offers, weights)[0].id
            if pick not in ranked:
                ranked.append(pick)
        busy = (BLOCKS[0],) if rng.random() < 0.05 else ()
        people.append(StudentIn(s, f"S{s}", tuple(ranked), needs_statutory=rng.random() < 0.4, busy=busy))
    return people, offers, educators


def figures(result: Result, seconds: float) -> dict:
    counts = result.counts()
    total = len(result.assignments)
    top_two = counts.get("1", 0) + counts.get("2", 0)
    return {
        "seconds": round(seconds, 3),
        "first": counts.get("1", 0),
        "second": counts.get("2", 0),
        "third": counts.get("3", 0),
        "unranked": counts.get("unranked", 0),
        "unplaced": counts.get("unplaced", 0),
        "first_or_second_pct": round(100 * top_two / total, 1) if total else None,
    }


def run(students: int = 400, places: int = 450) -> dict:
    people, offers, educators = round_data(students, places)
    # The blocks overlap, so an educator takes at most max_students across all their offers.
    by_educator: dict[int, int] = {}
    for o in offers:
        if o.educator_id is not None:
            by_educator[o.educator_id] = by_educator.get(o.educator_id, 0) + o.remaining
    usable = sum(o.remaining for o in offers if o.educator_id is None) + sum(
        min(e.max_students, by_educator.get(e.id, 0)) for e in educators
    )
    out = {
        "students": students,
        "places": places,
        "places_educators_can_take": usable,
        "offers": len(offers),
        "educators": len(educators),
    }
    for label, settings in (
        ("optimiser", Settings("final", place_unranked=True)),
        ("optimiser_ranked_only", Settings("final", place_unranked=False)),
    ):
        started = time.perf_counter()
        result = solve(people, offers, settings, educators)
        out[label] = figures(result, time.perf_counter() - started)
    started = time.perf_counter()
    baseline = greedy(people, offers, Settings("final", place_unranked=False), educators)
    out["first_come_first_served"] = figures(baseline, time.perf_counter() - started)
    return out


if __name__ == "__main__":
    result = run()
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
