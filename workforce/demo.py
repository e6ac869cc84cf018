"""Demo workforce figures: four years for every employer's service in each demo partnership, up to
last year's count (the DfE counts at 30 September), and England's benchmark line. Numbers are
invented but of a realistic size; random choices are keyed on the story's labels so they stay the
same from year to year. Idempotent: a year already recorded is left as it is."""

from __future__ import annotations

import random
from decimal import Decimal

from partnerships.demo import DEMO_PARTNERSHIP_SLUGS
from partnerships.models import Partnership
from portal import academic_years
from portal.audit import record
from portal.demo_clock import shift_year_label
from workforce.actions import Action
from workforce.models import Benchmark, BenchmarkLevel, FigureSource, WorkforceFigures
from workforce.services.figures import employers_of, services_of

# The story's years (written around 2026/27): the last counted is 2025/26.
STORY_YEARS = ["2022/23", "2023/24", "2024/25", "2025/26"]
ENGLAND_TURNOVER = {"2022/23": "17.1", "2023/24": "16.2", "2024/25": "15.8", "2025/26": "15.5"}


def _d(value: float) -> Decimal:
    return Decimal(str(round(value, 1)))


def seed(stdout) -> None:
    seeded = []
    for slug in DEMO_PARTNERSHIP_SLUGS:
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is None:
            continue
        added = _seed_partnership(partnership)
        if added:
            seeded.append(f"{slug} ({added})")
    for story in STORY_YEARS:
        Benchmark.objects.get_or_create(
            year=shift_year_label(story),
            level=BenchmarkLevel.NATIONAL,
            code="E92000001",
            defaults={"name": "England", "turnover_rate_fte": Decimal(ENGLAND_TURNOVER[story])},
        )
    stdout.write(f"workforce: figures for {', '.join(seeded) or 'no new years'}")


def _seed_partnership(partnership) -> int:
    added = 0
    for employer in employers_of(partnership):
        for service in services_of(employer):
            rng = random.Random(f"{partnership.slug}:{employer.name}:{service}")
            size = rng.uniform(40, 260) if employer.kind == "local-authority" else rng.uniform(6, 30)
            for story in STORY_YEARS:
                year = shift_year_label(story)
                if academic_years.problem(year):
                    continue
                size *= rng.uniform(0.97, 1.04)
                leavers = size * rng.uniform(0.12, 0.2)
                nq = max(1, round(size * rng.uniform(0.05, 0.1)))
                _, created = WorkforceFigures.objects.get_or_create(
                    partnership=partnership,
                    employer=employer,
                    service=service,
                    year=year,
                    defaults={
                        "inpost_fte": _d(size),
                        "inpost_headcount": Decimal(round(size * 1.07)),
                        "starters_fte": _d(leavers * rng.uniform(0.85, 1.1)),
                        "leavers_fte": _d(leavers),
                        "agency_fte": _d(size * rng.uniform(0.05, 0.2)),
                        "vacancy_fte": _d(size * rng.uniform(0.08, 0.2)),
                        "caseload_fte": _d(rng.uniform(13, 19)),
                        "asye_headcount": Decimal(nq),
                        "source": FigureSource.ENTERED,
                    },
                )
                if created:
                    added += 1
    if added:
        record(
            None,
            Action.FIGURES_SAVED,
            partnership,
            summary=f"Added {added} years of employers' workforce figures (demo data)",
            partnership_id=partnership.pk,
        )
    return added
