"""Placements to put on a calendar: one call per placement, each with its own offer and student."""

from __future__ import annotations

import datetime as dt
from typing import cast

from placements.models import Placement
from tests import factories as f
from tests.placements.factories import (
    AcademicYearFactory,
    OfferFactory,
    PlacementFactory,
    ProgrammeFactory,
    StudentFactory,
)


def place(
    world,
    *,
    reference: str,
    team: str = "Duty Team",
    starts_on: dt.date = dt.date(2027, 1, 11),
    ends_on: dt.date = dt.date(2027, 6, 4),
    employer=None,
    university=None,
    partnership=None,
    name: str = "",
    status: str = "confirmed",
) -> Placement:
    partnership = partnership or world.partnership
    university = university or world.university
    year = AcademicYearFactory(label="2026/27")
    programme = ProgrammeFactory(partnership=partnership, university=university)
    offer = OfferFactory(
        partnership=partnership,
        employer=employer or world.employer,
        academic_year=year,
        team=team,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    student = StudentFactory(
        partnership=partnership, programme=programme, final_year=year, reference=reference, name=name
    )
    return cast(Placement, PlacementFactory(offer=offer, student=student, status=status))


def another_university(name: str = "Northern University"):
    return f.UniversityFactory(name=name)


def another_employer(name: str = "Riverside Council"):
    return f.OrganisationFactory(name=name)
