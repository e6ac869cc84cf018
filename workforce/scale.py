"""Bulk-built workforce figures for the national-scale bench (`manage.py seed_scale`): every
employer of every partnership, each of its services, for `workforce_years` years up to 2025/26
(the year before the bench's "now", 2026/27), so the workforce page and the forecast of the
largest partnership (the first) are measured with every employer, both services, five years."""

from __future__ import annotations

import random
from decimal import Decimal

from partnerships.models import EMPLOYER_KINDS
from portal import academic_years
from workforce.models import WorkforceFigures
from workforce.services.figures import services_of

LATEST_FIRST_YEAR = 2025  # 2025/26


def _d(value: float) -> Decimal:
    return Decimal(str(round(value, 1)))


def build(ctx: dict, params: dict, stdout) -> None:
    rng = random.Random(12)  # noqa: S311 - bench data
    years = [academic_years.label_for(y) for y in range(LATEST_FIRST_YEAR - params["workforce_years"] + 1, 2026)]
    rows = []
    for partner in ctx["partners"]:
        org = partner.organisation
        if org.kind not in EMPLOYER_KINDS:
            continue
        for service in services_of(org):
            in_post = rng.uniform(40, 400)
            for year in years:
                leavers = in_post * rng.uniform(0.1, 0.2)
                starters = leavers * rng.uniform(0.8, 1.2)
                rows.append(
                    WorkforceFigures(
                        partnership_id=partner.partnership_id,
                        employer=org,
                        service=service,
                        year=year,
                        inpost_fte=_d(in_post),
                        inpost_headcount=Decimal(round(in_post * 1.06)),
                        starters_fte=_d(starters),
                        leavers_fte=_d(leavers),
                        agency_fte=_d(in_post * rng.uniform(0.05, 0.2)),
                        vacancy_fte=_d(in_post * rng.uniform(0.05, 0.2)),
                        caseload_fte=_d(rng.uniform(14, 22)),
                        asye_headcount=Decimal(round(starters * 0.3)),
                        stage_nq_fte=_d(in_post * 0.1),
                        stage_early_fte=_d(in_post * 0.25),
                        stage_experienced_fte=_d(in_post * 0.5),
                        stage_senior_fte=_d(in_post * 0.15),
                    )
                )
                in_post = max(10.0, in_post - leavers + starters)
    WorkforceFigures.objects.bulk_create(rows, batch_size=5000)
    stdout.write(f"    {len(rows):,} employer figures over {len(years)} years")
