"""factory-boy factories for the core and partnerships models.

Apps above partnerships keep their factories in tests/<app>/factories.py and build on these.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.utils.text import slugify

from partnerships.models import (
    Aim,
    GovernanceGroup,
    Meeting,
    Membership,
    Organisation,
    OrganisationKind,
    Outcome,
    Partner,
    PartnerLevel,
    Partnership,
    Region,
    Role,
)
from portal.models import User

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test Person {n}")
    job_title = "Practice learning coordinator"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Borough Council {n}")
    kind = OrganisationKind.LOCAL_AUTHORITY
    region = Region.LONDON


class UniversityFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"University of Testshire {n}")
    kind = OrganisationKind.UNIVERSITY


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Test Teaching Partnership {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name)[:80])
    region = Region.LONDON
    status = "active"
    established_on = dt.date(2016, 9, 1)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    partnership = factory.SubFactory(PartnershipFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    level = PartnerLevel.CORE
    joined_on = dt.date(2016, 9, 1)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    partnership = factory.SubFactory(PartnershipFactory)
    role = Role.MEMBER
    job_title = "Member"


class AimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Aim

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Improve practice learning {n}")


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    aim = factory.SubFactory(AimFactory)
    description = "Every student has a statutory placement"
    measure = "Share of students with a statutory placement"
    target = "100%"


class GovernanceGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GovernanceGroup

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Strategic board {n}")
    kind = "board"
    frequency = "quarterly"


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    group = factory.SubFactory(GovernanceGroupFactory)
    held_on = dt.date(2026, 6, 1)
