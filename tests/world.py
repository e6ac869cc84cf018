"""The "world" every access test starts from: one partnership, one user per role."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from partnerships.models import Organisation, Partner, PartnerLevel, Partnership, Role
from portal.models import User
from tests import factories as f

# "student" and "educator" sign in without a membership (participants/): a student of the world's
# partnership and a practice educator on its register, each linked to their own account.
ROLES = ["anonymous", "non_member", "member", "coordinator", "signatory", "lead", "admin", "student", "educator"]


@dataclass
class World:
    partnership: Partnership
    employer: Organisation  # a local authority, partner in the partnership
    university: Organisation
    employer_partner: Partner
    university_partner: Partner
    other_partnership: Partnership  # where the non-member belongs
    users: dict[str, User] = field(default_factory=dict)

    def user(self, role: str) -> User:
        if role in ("student", "educator"):
            # Their student and educator records are made the first time either is asked for (and
            # again after a rolled-back test of a shared world), so a test that counts the
            # partnership's students or educators finds only its own.
            from participants.models import EducatorAccount, StudentAccount

            linked = StudentAccount.objects.filter(user=self.users["student"]).exists()
            if not linked or not EducatorAccount.objects.filter(user=self.users["educator"]).exists():
                _link_participants(self.partnership, self.university, self.users)
                from participants.selectors import forget

                for kind in ("student", "educator"):
                    forget(self.users[kind])  # a link cached before a rolled-back test is gone
        return self.users[role]


def _link_participants(partnership: Partnership, university: Organisation, users: dict) -> None:
    """The world's student and practice educator sign-ins: a student (no placement) and an
    educator on the register (no offer) of the world's partnership, linked to their accounts."""
    from participants.models import EducatorAccount, StudentAccount
    from placements.models import PracticeEducator, Programme, Student
    from tests.placements import factories as pf

    programme = Programme.objects.filter(partnership=partnership, name="BA Social Work (world)").first()
    programme = programme or cast(
        Programme, pf.ProgrammeFactory(partnership=partnership, university=university, name="BA Social Work (world)")
    )
    if not StudentAccount.objects.filter(user=users["student"]).exists():
        student = Student.objects.filter(partnership=partnership, reference="WORLD-STUDENT").first()
        student = student or cast(
            Student, pf.StudentFactory(partnership=partnership, programme=programme, reference="WORLD-STUDENT")
        )
        StudentAccount.objects.create(user=users["student"], student=student)
    if not EducatorAccount.objects.filter(user=users["educator"]).exists():
        educator = pf.EducatorFactory(partnership=partnership, employer=None, full_name="Eddie Educator")
        EducatorAccount.objects.create(user=users["educator"], educator=cast(PracticeEducator, educator))


def build_world() -> World:
    partnership = f.PartnershipFactory(name="Matrix Teaching Partnership", slug="matrix-tp")
    employer = f.OrganisationFactory(name="Matrix Borough Council")
    university = f.UniversityFactory(name="University of Matrix")
    employer_partner = f.PartnerFactory(partnership=partnership, organisation=employer, level=PartnerLevel.LEAD)
    university_partner = f.PartnerFactory(partnership=partnership, organisation=university)
    other = f.PartnershipFactory(name="Elsewhere Partnership", slug="elsewhere")
    f.PartnerFactory(partnership=other, organisation=f.OrganisationFactory(name="Elsewhere Council"))

    users = {
        "lead": f.UserFactory(email="lead@matrix.test", full_name="Lena Lead"),
        "signatory": f.UserFactory(
            email="signatory@matrix.test", full_name="Sam Signatory", job_title="Assistant Director"
        ),
        "coordinator": f.UserFactory(email="coordinator@matrix.test", full_name="Cora Coordinator"),
        "member": f.UserFactory(email="member@matrix.test", full_name="Max Member"),
        "non_member": f.UserFactory(email="outsider@matrix.test", full_name="Olly Outsider"),
        "admin": f.UserFactory(email="admin@matrix.test", full_name="Ada Admin", is_staff=True, is_superuser=True),
        "student": f.UserFactory(email="student@matrix.test", full_name="Stevie Student"),
        "educator": f.UserFactory(email="educator@matrix.test", full_name="Eddie Educator"),
    }
    f.MembershipFactory(user=users["lead"], partnership=partnership, role=Role.LEAD, organisation=employer)
    f.MembershipFactory(
        user=users["signatory"],
        partnership=partnership,
        role=Role.SIGNATORY,
        organisation=employer,
        job_title="Assistant Director, Children's Services",
    )
    f.MembershipFactory(
        user=users["coordinator"], partnership=partnership, role=Role.COORDINATOR, organisation=employer
    )
    f.MembershipFactory(user=users["member"], partnership=partnership, role=Role.MEMBER)
    f.MembershipFactory(user=users["non_member"], partnership=other, role=Role.LEAD)
    # factory-boy types calling a factory as returning the factory; it returns the saved model.
    return World(
        partnership=cast(Partnership, partnership),
        employer=cast(Organisation, employer),
        university=cast(Organisation, university),
        employer_partner=cast(Partner, employer_partner),
        university_partner=cast(Partner, university_partner),
        other_partnership=cast(Partnership, other),
        users=cast(dict[str, User], users),
    )
