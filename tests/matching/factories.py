"""Preference rounds inside the access-matrix world."""

from __future__ import annotations

import datetime as dt
from typing import Any

from matching.models import PreferenceRound, RoundStatus, RoundStudent
from tests.placements.factories import AcademicYearFactory, OfferFactory, ProgrammeFactory, StudentFactory


def round_world(world, *, students: int = 3, offers: int = 3, status: str = RoundStatus.OPEN, places: int = 1):
    """A final-placement round of 2026/27 in the world's partnership: `offers` statutory offers
    from the world's employer (whose coordinator maintains them) with `places` each, and
    `students` final-year students of the world's university, none placed yet."""
    year: Any = AcademicYearFactory(label="2026/27")
    AcademicYearFactory(label="2027/28")
    programme = ProgrammeFactory(partnership=world.partnership, university=world.university, name="BA Social Work")
    offer_list = [
        OfferFactory(
            partnership=world.partnership,
            employer=world.employer,
            academic_year=year,
            team=f"Team {chr(65 + i)}" if i < 26 else f"Team {i + 1}",
            places=places,
        )
        for i in range(offers)
    ]
    student_list: list[Any] = [
        StudentFactory(partnership=world.partnership, programme=programme, final_year=year, reference=f"M{i:03d}")
        for i in range(students)
    ]
    round_ = PreferenceRound.objects.create(
        partnership=world.partnership,
        academic_year=year,
        stage="final",
        closes_on=dt.date(2026, 12, 4),
        status=status,
    )
    RoundStudent.objects.bulk_create([RoundStudent(round=round_, student=s) for s in student_list])
    return {"year": year, "programme": programme, "offers": offer_list, "students": student_list, "round": round_}
