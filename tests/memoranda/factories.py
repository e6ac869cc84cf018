"""Memoranda in each state, built through the services (so every row is one a user could make)."""

from __future__ import annotations

from datetime import date

from memoranda import services
from memoranda.models import Memorandum, MemorandumVersion
from partnerships.models import Role
from tests import factories as f

REQUIRED_TEXT = {
    "aims": "Grow a confident, well-supported social work workforce across the partnership.",
    "activities": "- Joint teaching days\n- Shared practice educator training",
    "responsibilities": "Each party does what the table below says.",
    "review": "The partnership board reviews this memorandum every year in September.",
}


def draft_memorandum(world, **kwargs) -> Memorandum:
    return services.create_memorandum(
        world.user("lead"),
        world.partnership,
        kind=kwargs.get("kind", "principles"),
        title=kwargs.get("title", "Matrix memorandum"),
        organisations=kwargs.get("organisations", [world.employer, world.university]),
        start_date=kwargs.get("start_date", date(2026, 9, 1)),
    )


def university_signatory(world):
    """The university's signatory; the same person for every memorandum built in one test."""
    user = f.UserFactory(email="uma@matrix.test", full_name="Uma University", job_title="Head of the School")
    if not user.memberships.filter(partnership=world.partnership, role=Role.SIGNATORY).exists():
        f.MembershipFactory(
            user=user,
            partnership=world.partnership,
            role=Role.SIGNATORY,
            organisation=world.university,
            job_title="Head of the School of Social Work",
        )
    return user


def ready_memorandum(world, **kwargs) -> Memorandum:
    """A draft with every required area written and a signatory for both parties."""
    m = draft_memorandum(world, **kwargs)
    lead = world.user("lead")
    for section in m.sections.filter(key__in=list(REQUIRED_TEXT)):
        services.update_section(
            lead, section, heading=section.heading, body=REQUIRED_TEXT[section.key], base_revision=section.revision
        )
    uni = university_signatory(world)
    for party in m.parties.select_related("organisation"):
        is_employer = party.organisation_id == world.employer.pk
        services.update_party(
            lead,
            party,
            signatory=world.user("signatory") if is_employer else uni,
            signatory_position="Assistant Director, Children's Services" if is_employer else "Head of the School",
            seniority="assistant_director" if is_employer else "head_of_faculty",
            commitments="- Host students\n- Release practice educators" if is_employer else "- Teach the programme",
            base_revision=party.revision,
        )
    m.refresh_from_db()
    return m


def awaiting_memorandum(world, **kwargs) -> tuple[Memorandum, MemorandumVersion]:
    m = ready_memorandum(world, **kwargs)
    version = services.send_for_signature(world.user("lead"), m, base_revision=m.revision)
    m.refresh_from_db()
    return m, version


def sign_as(user, version, password=f.PASSWORD):
    party = services.signer_party(user, version)
    return services.sign(
        user,
        version,
        password=password,
        typed_name=user.full_name,
        position=party["signatory_position"],
        authority_confirmed=True,
        expected_sha256=version.sha256,
    )


def active_memorandum(world, **kwargs) -> tuple[Memorandum, MemorandumVersion]:
    from portal.models import User

    m, version = awaiting_memorandum(world, **kwargs)
    sign_as(world.user("signatory"), version)
    sign_as(User.objects.get(email="uma@matrix.test"), version)
    m.refresh_from_db()
    version.refresh_from_db()
    return m, version
