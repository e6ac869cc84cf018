"""Placements of the world's student with the world's practice educator (tests/world.py)."""

from __future__ import annotations

import datetime as dt

from participants.models import EducatorAccount, StudentAccount
from tests.placements import factories as pf


def world_student(world):
    return StudentAccount.objects.get(user=world.user("student")).student


def world_educator(world):
    return EducatorAccount.objects.get(user=world.user("educator")).educator


def own_placement(world, *, team: str = "Duty Team", student=None, **extra):
    """A placement in progress (14 September 2026 to 29 January 2027, 100 days) of the world's
    student on an offer whose practice educator is the world's."""
    offer = pf.OfferFactory(
        partnership=world.partnership,
        employer=world.employer,
        practice_educator=world_educator(world),
        team=team,
        starts_on=dt.date(2026, 9, 14),
        ends_on=dt.date(2027, 1, 29),
    )
    return pf.PlacementFactory(
        offer=offer,
        student=student or world_student(world),
        **{"status": "in-progress", "planned_days": 100, **extra},
    )
