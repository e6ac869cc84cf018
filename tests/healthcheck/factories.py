"""Builders for health check tests, on top of tests/factories.py and the role world."""

from __future__ import annotations

import datetime as dt

from healthcheck.models import Area, Criterion, Framework, FrameworkStatus, HealthCheck, Rag
from healthcheck.services import action_plans, running, signing

YEAR = "2026/27"


def framework(
    *,
    areas: int = 2,
    per_area: int = 2,
    family: str = "test",
    metric_key: str = "",
    green_at=None,
    amber_at=None,
    status: str = FrameworkStatus.PUBLISHED,
    version: int = 1,
) -> Framework:
    """A small framework: areas A, B, ... each with criteria A1, A2, ... The first criterion can
    carry a live figure."""
    fw = Framework.objects.create(family=family, version=version, name=f"Test framework {family}", status=status)
    for a in range(areas):
        code = chr(ord("A") + a)
        area = Area.objects.create(framework=fw, code=code, title=f"Area {code}", position=a + 1)
        for c in range(per_area):
            first = a == 0 and c == 0
            Criterion.objects.create(
                area=area,
                code=f"{code}{c + 1}",
                statement=f"Statement {code}{c + 1}",
                red_means=f"Red for {code}{c + 1}",
                amber_means=f"Amber for {code}{c + 1}",
                green_means=f"Green for {code}{c + 1}",
                position=c + 1,
                metric_key=metric_key if first else "",
                green_at=green_at if first else None,
                amber_at=amber_at if first else None,
            )
    return fw


def health_check(world, *, fw: Framework | None = None, year: str = YEAR, organisation=None) -> HealthCheck:
    return running.start_health_check(
        world.user("coordinator"),
        world.partnership,
        academic_year=year,
        framework=fw or framework(),
        organisation=organisation,
    )


def rate(world, hc: HealthCheck, code: str, value: str, commentary: str = "Because of the evidence.", **kwargs):
    rating = hc.ratings.get(criterion__code=code)
    return running.save_rating(
        world.user("coordinator"), rating, value=value, commentary=commentary, base_revision=rating.revision, **kwargs
    )


def complete(world, hc: HealthCheck, value: str = Rag.GREEN) -> HealthCheck:
    """Rate every criterion `value` (with an action where Red or Amber) and submit."""
    for rating in hc.ratings.select_related("criterion"):
        rate(world, hc, rating.criterion.code, value)
        if value in (Rag.RED, Rag.AMBER):
            action_plans.add_action(
                world.user("coordinator"),
                hc.ratings.get(pk=rating.pk),
                description="Fix it",
                owner=world.user("coordinator"),
                due_on=dt.date(2027, 3, 31),
            )
    # Sent to the default signatory, or to the world's signatory when several could sign and
    # none has before (pages that add a university signatory).
    memberships = signing.signatory_memberships(hc)
    chosen = signing.default_signatory(hc, memberships) or next(
        (m.user for m in memberships if m.user == world.user("signatory")), None
    )
    return signing.submit(world.user("coordinator"), hc, signatory=chosen)


def signed_off(world, **kwargs) -> HealthCheck:
    hc = health_check(world, **kwargs)
    complete(world, hc)
    signing.sign_off(world.user("signatory"), hc)
    hc.refresh_from_db()
    return hc
