"""Bulk-built health checks for the national-scale bench (`manage.py seed_scale`): one health check
per partnership per academic year against the default framework (about 40 criteria), every
criterion rated with commentary, evidence notes on some, actions on every Red and Amber, older
years signed off and the current one in progress.

Attached to the partnerships and users that partnerships/scale.py made. No audit events are
written (bench data only, built with bulk inserts)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from healthcheck.models import (
    Action,
    ActionStatus,
    Criterion,
    Evidence,
    EvidenceKind,
    Framework,
    FrameworkStatus,
    HealthCheck,
    Rag,
    Rating,
    SignOff,
    Status,
)
from healthcheck.rules import RagCounts, overall_rating
from portal import academic_years

CURRENT_FIRST_YEAR = 2026  # 2026/27, the demo and bench "now"
TODAY = dt.date(2026, 11, 23)


def build(ctx: dict, params: dict, stdout) -> None:
    rng = random.Random(17)  # noqa: S311 - bench data
    framework = Framework.objects.filter(status=FrameworkStatus.PUBLISHED).order_by("-version").first()
    if framework is None:
        stdout.write("    no published framework: health checks skipped")
        return
    criteria = list(Criterion.objects.filter(area__framework=framework).order_by("area__position", "position"))
    partnerships = ctx["partnerships"]
    users = ctx["users"]
    # The people of each partnership, to own actions and sign off.
    people: dict[int, list] = {}
    for membership in ctx.get("memberships", []):
        people.setdefault(membership.partnership_id, []).append(membership.user_id)
    years = max(1, -(-params["health_checks"] // max(1, len(partnerships))))
    checks = []
    for index in range(params["health_checks"]):
        partnership = partnerships[index % len(partnerships)]
        first = CURRENT_FIRST_YEAR - index // len(partnerships)
        current = first == CURRENT_FIRST_YEAR
        checks.append(
            HealthCheck(
                partnership=partnership,
                academic_year=academic_years.label_for(first),
                framework=framework,
                status=Status.IN_PROGRESS if current else Status.SIGNED_OFF,
                created_at=timezone.now() - dt.timedelta(days=365 * (CURRENT_FIRST_YEAR - first)),
                submitted_at=None if current else timezone.now(),
            )
        )
    checks = HealthCheck.objects.bulk_create(checks, batch_size=500)

    ratings = []
    for check in checks:
        # Later years tend to be better, so trends show.
        age = CURRENT_FIRST_YEAR - academic_years.first_year_of(check.academic_year)
        weights = [1 + age, 2 + age, 6, 0.3]
        for position, criterion in enumerate(criteria):
            unrated = check.status == Status.IN_PROGRESS and position % 3 == 2
            value = "" if unrated else rng.choices([Rag.RED, Rag.AMBER, Rag.GREEN, Rag.NOT_APPLICABLE], weights)[0]
            ratings.append(
                Rating(
                    health_check=check,
                    criterion=criterion,
                    rating=value,
                    commentary="" if not value else f"Reviewed at the operational group; {criterion.code} discussed.",
                    updated_at=timezone.now() if value else None,
                )
            )
    ratings = Rating.objects.bulk_create(ratings, batch_size=5000)

    evidence, actions = [], []
    for n, rating in enumerate(ratings):
        if n % 4 == 0:
            evidence.append(
                Evidence(
                    rating=rating,
                    kind=EvidenceKind.NOTE,
                    title=f"Minutes of the operational group, item {n % 12 + 1}",
                    note="Figures and discussion recorded in the minutes.",
                )
            )
        if rating.rating in (Rag.RED, Rag.AMBER):
            owners = people.get(rating.health_check.partnership_id) or [users[0].pk]
            due = TODAY + dt.timedelta(days=rng.randint(-120, 200))
            done = rating.health_check.status == Status.SIGNED_OFF and rng.random() < 0.7
            actions.append(
                Action(
                    health_check=rating.health_check,
                    rating=rating,
                    description="Agree a plan at the next board and report back on progress.",
                    owner_id=owners[n % len(owners)],
                    due_on=due,
                    status=ActionStatus.DONE if done else ActionStatus.IN_PROGRESS,
                    completed_on=due if done else None,
                )
            )
    Evidence.objects.bulk_create(evidence, batch_size=5000)
    Action.objects.bulk_create(actions, batch_size=5000)

    by_check: dict[int, list[str]] = {}
    for rating in ratings:
        by_check.setdefault(rating.health_check_id, []).append(rating.rating)
    sign_offs = [
        SignOff(
            health_check=check,
            revision=1,
            signed_by_id=(people.get(check.partnership_id) or [users[0].pk])[0],
            name="Scale signatory",
            job_title="Assistant Director",
            overall_rating=overall_rating(RagCounts.of(by_check[check.pk])),
        )
        for check in checks
        if check.status == Status.SIGNED_OFF
    ]
    SignOff.objects.bulk_create(sign_offs, batch_size=1000)
    stdout.write(
        f"    {len(checks)} health checks over {years} years, {len(ratings)} ratings, "
        f"{len(evidence)} evidence notes, {len(actions)} actions"
    )
