"""factory-boy factories for the placements app, built on tests/factories.py."""

from __future__ import annotations

import datetime as dt

import factory

from placements.models import (
    AcademicYear,
    Placement,
    PlacementOffer,
    PracticeEducator,
    Programme,
    ProgrammeDemand,
    QualityReview,
    Student,
)
from tests import factories as f


class AcademicYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AcademicYear
        django_get_or_create = ("label",)

    label = "2026/27"
    starts_on = factory.LazyAttribute(lambda o: dt.date(int(o.label[:4]), 9, 1))
    ends_on = factory.LazyAttribute(lambda o: dt.date(int(o.label[:4]) + 1, 8, 31))


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    partnership = factory.SubFactory(f.PartnershipFactory)
    university = factory.SubFactory(f.UniversityFactory)
    name = factory.Sequence(lambda n: f"BA (Hons) Social Work {n}")
    level = "ba"


class DemandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeDemand

    programme = factory.SubFactory(ProgrammeFactory)
    academic_year = factory.SubFactory(AcademicYearFactory)
    first_placements = 10
    final_placements = 10


class EducatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeEducator

    partnership = factory.SubFactory(f.PartnershipFactory)
    full_name = factory.Sequence(lambda n: f"Practice Educator {n}")
    email = factory.Sequence(lambda n: f"pe{n}@example.org")
    employer = factory.SubFactory(f.OrganisationFactory)
    peps_stage = 2
    qualified_on = dt.date(2020, 6, 30)
    last_student_on = dt.date(2026, 5, 29)
    last_cpd_on = dt.date(2026, 3, 1)


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlacementOffer

    partnership = factory.SubFactory(f.PartnershipFactory)
    employer = factory.SubFactory(f.OrganisationFactory)
    academic_year = factory.SubFactory(AcademicYearFactory)
    team = factory.Sequence(lambda n: f"Assessment Team {n}")
    service_area = "children"
    statutory = True
    stage = "final"
    places = 2
    starts_on = dt.date(2027, 1, 11)
    ends_on = dt.date(2027, 6, 4)


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Student

    partnership = factory.SubFactory(f.PartnershipFactory)
    reference = factory.Sequence(lambda n: f"S{n:06d}")
    programme = factory.SubFactory(ProgrammeFactory, partnership=factory.SelfAttribute("..partnership"))
    university = factory.LazyAttribute(lambda o: o.programme.university)
    cohort = "September 2024 intake"
    final_year = factory.SubFactory(AcademicYearFactory)


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    offer = factory.SubFactory(OfferFactory)
    partnership = factory.LazyAttribute(lambda o: o.offer.partnership)
    academic_year = factory.LazyAttribute(lambda o: o.offer.academic_year)
    student = factory.SubFactory(StudentFactory, partnership=factory.SelfAttribute("..partnership"))
    stage = "final"
    starts_on = factory.LazyAttribute(lambda o: o.offer.starts_on or dt.date(2027, 1, 11))
    ends_on = factory.LazyAttribute(lambda o: o.offer.ends_on or dt.date(2027, 6, 4))
    planned_days = 100
    status = "confirmed"


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QualityReview

    placement = factory.SubFactory(PlacementFactory)
    point = "four-weeks"
    role = "student"
    learning_opportunities = "good"
    support = "very-good"
    performance = "on-track"
    completed_on = dt.date(2027, 2, 8)


def placements_world(world):
    """Objects inside the access-matrix world: an offer from the world's employer (whose
    coordinator maintains it), a student of the world's university placed on it, a practice
    educator on the register, a programme and an import."""
    year = AcademicYearFactory(label="2026/27")
    programme = ProgrammeFactory(partnership=world.partnership, university=world.university, name="BA Social Work")
    educator = EducatorFactory(employer=world.employer, partnership=world.partnership)
    offer = OfferFactory(
        partnership=world.partnership, employer=world.employer, academic_year=year, practice_educator=educator
    )
    student = StudentFactory(partnership=world.partnership, programme=programme, final_year=year)
    placement = PlacementFactory(offer=offer, student=student)
    return {
        "year": year,
        "programme": programme,
        "educator": educator,
        "offer": offer,
        "student": student,
        "placement": placement,
    }
