"""Makes the demo's rows from story.py. Idempotent: everything is found by a natural key first,
so a second run creates nothing."""

from __future__ import annotations

import datetime as dt
import functools
import random

from django.contrib.auth.hashers import make_password
from django.utils.text import slugify

from partnerships.actions import Action
from partnerships.demo.story import (
    AIMS,
    DEMO_MEMBERSHIPS,
    DEMO_PARTNERSHIP_SLUGS,
    DEMO_PASSWORD,
    DEMO_USERS,
    FIRST_NAMES,
    GSS_CODES,
    LAST_NAMES,
    MEETINGS,
    ORGANISATIONS,
    PARTNERSHIPS,
    SUC,
    VOL,
    YEAR_LABELS,
)
from partnerships.models import (
    Aim,
    GovernanceGroup,
    Measurement,
    Meeting,
    Membership,
    Organisation,
    OrganisationKind,
    Outcome,
    OutcomeResponsibility,
    Partner,
    PartnerLevel,
    Partnership,
    Role,
)
from portal import demo_clock
from portal.audit import record
from portal.models import User


def _invented_name(index: int) -> str:
    """A distinct invented name for each index below 400 (first and last name never repeat as a pair)."""
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[(index // len(FIRST_NAMES) + index) % len(LAST_NAMES)]
    return f"{first} {last}"


def _signatory_title(organisation: Organisation) -> str:
    if organisation.kind == OrganisationKind.UNIVERSITY:
        return "Head of the School of Social Work"
    if organisation.kind == OrganisationKind.LOCAL_AUTHORITY:
        if organisation.la_services == "adults":
            return "Assistant Director, Adult Social Care"
        return "Assistant Director, Children's Services"
    if organisation.kind == OrganisationKind.SERVICE_USER_GROUP:
        return "Chair of the forum"
    return "Chief Executive"


@functools.cache
def demo_password_hash() -> str:
    # Hashing is slow on purpose (about half a second); the demo has some sixty people who all
    # share the published demo password, so it is hashed once.
    return make_password(DEMO_PASSWORD)


def _user(email: str, full_name: str, job_title: str, *, admin: bool = False) -> User:
    user, _ = User.objects.get_or_create(
        email=email,
        defaults={
            "full_name": full_name,
            "job_title": job_title,
            "is_staff": admin,
            "is_superuser": admin,
            "password": demo_password_hash(),
        },
    )
    return user


def _organisation(name: str) -> Organisation:
    kind, region, la_services, website = ORGANISATIONS[name]
    gss_code = GSS_CODES.get(name, "")
    existing = Organisation.objects.filter(name__iexact=name).first()
    if existing:
        if gss_code and not existing.gss_code:
            # Demos built before the register held official codes get them on the next run.
            Organisation.objects.filter(pk=existing.pk).update(gss_code=gss_code)
            existing.gss_code = gss_code
        return existing
    organisation = Organisation.objects.create(
        name=name, kind=kind, region=region, la_services=la_services, website=website, gss_code=gss_code
    )
    record(
        None,
        Action.ORGANISATION_CREATED,
        organisation,
        summary=f"Added {name} (demo data)",
        organisation_id=organisation.pk,
    )
    return organisation


def _membership(user, partnership, role, organisation, job_title, actor) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user,
        partnership=partnership,
        defaults={"role": role, "organisation": organisation, "job_title": job_title},
    )
    if created:
        record(
            actor,
            Action.MEMBERSHIP_ADDED,
            membership,
            summary=f"Added {user.full_name} as {membership.get_role_display().lower()}",
            partnership_id=partnership.pk,
        )
    return membership


def seed(stdout) -> None:
    for email, (name, title, admin) in DEMO_USERS.items():
        _user(email, name, title, admin=admin)

    person = 0  # index into the invented names, so every invented person is distinct
    for spec in PARTNERSHIPS:
        partnership = _partnership(spec)
        organisations = [_organisation(name) for name in spec["partners"]]
        slug = spec["slug"]
        lead_person = _user(
            f"lead.{slug}@example.org", _invented_name(person), "Partnership lead"
        )  # the partnership's own lead
        coordinator_person = _user(
            f"coordinator.{slug}@example.org", _invented_name(person + 1), "Practice learning coordinator"
        )
        person += 2
        lead_org = next(o for o in organisations if o.name == spec["lead_partner"])
        _membership(lead_person, partnership, Role.LEAD, lead_org, "Partnership lead", lead_person)
        _membership(
            coordinator_person,
            partnership,
            Role.COORDINATOR,
            lead_org,
            "Practice learning coordinator",
            lead_person,
        )
        for organisation in organisations:
            level = PartnerLevel.LEAD if organisation == lead_org else PartnerLevel.CORE
            if organisation.kind == SUC or (organisation.kind == VOL and slug == "salford-greater-manchester"):
                level = PartnerLevel.ASSOCIATE
            partner, created = Partner.objects.get_or_create(
                partnership=partnership,
                organisation=organisation,
                defaults={
                    "level": level,
                    "joined_on": spec["established_on"],
                    "contribution": _contribution(organisation),
                },
            )
            if created:
                record(
                    lead_person,
                    Action.PARTNER_ADDED,
                    partner,
                    summary=f"Added {organisation.name} as {partner.get_level_display().lower()}",
                    partnership_id=partnership.pk,
                    organisation_id=organisation.pk,
                )
            # Every current partner has a senior manager who can sign for it.
            signatory = _user(
                f"signatory.{slugify(organisation.name)}@example.org",
                _invented_name(person),
                _signatory_title(organisation),
            )
            person += 1
            _membership(
                signatory, partnership, Role.SIGNATORY, organisation, _signatory_title(organisation), lead_person
            )
        for email, role, org_name, title in DEMO_MEMBERSHIPS[slug]:
            represented = next((o for o in organisations if o.name == org_name), None)  # None: no organisation
            _membership(User.objects.get(email=email), partnership, role, represented, title, lead_person)
        _aims(partnership, organisations)
        _governance(partnership, lead_org, organisations)
    stdout.write(f"Partnerships: {len(PARTNERSHIPS)} demo partnerships ready ({', '.join(DEMO_PARTNERSHIP_SLUGS)}).")


def _partnership(spec: dict) -> Partnership:
    partnership, created = Partnership.objects.get_or_create(
        slug=spec["slug"],
        defaults={
            "name": spec["name"],
            "region": spec["region"],
            "status": spec["status"],
            "established_on": spec["established_on"],
            "description": spec["description"],
        },
    )
    if created:
        record(
            None,
            Action.PARTNERSHIP_CREATED,
            partnership,
            summary=f"Created the partnership {partnership.name} (demo data)",
            partnership_id=partnership.pk,
        )
    return partnership


def _contribution(organisation: Organisation) -> str:
    if organisation.kind == OrganisationKind.UNIVERSITY:
        return (
            "Runs the qualifying programmes, trains practice educators, moderates ASYE portfolios and "
            "shares student numbers each spring."
        )
    if organisation.kind == OrganisationKind.LOCAL_AUTHORITY:
        return (
            "Offers statutory placements in children's and adults' teams, releases practice educators "
            "and shares workforce figures."
        )
    if organisation.kind == OrganisationKind.SERVICE_USER_GROUP:
        return "Experts by experience on admissions panels, in teaching and on the board."
    return "Offers contrasting placements and a voice for the voluntary and independent sector."


def _aims(partnership: Partnership, organisations: list[Organisation]) -> None:
    partners = list(partnership.partners.select_related("organisation"))
    for position, (title, description, outcomes) in enumerate(AIMS):
        aim, _ = Aim.objects.get_or_create(
            partnership=partnership, title=title, defaults={"description": description, "position": position}
        )
        for text, measure, target, evaluation, duties in outcomes:
            outcome, _ = Outcome.objects.get_or_create(
                aim=aim,
                description=text,
                defaults={"measure": measure, "target": target, "evaluation": evaluation},
            )
            _measured(partnership, outcome)
            # The first two partners of each kind named in the duties take the responsibility.
            for kind, duty in duties.items():
                for partner in [p for p in partners if p.organisation.kind == kind][:2]:
                    OutcomeResponsibility.objects.get_or_create(
                        outcome=outcome, partner=partner, defaults={"responsibility": duty}
                    )


def _measured(partnership: Partnership, outcome: Outcome) -> None:
    """A target like "100% in every academic year" becomes a target figure, measured at the end of
    each of the last three summers, rising towards it, so the outcome's chart has a story."""
    number = outcome.target.split("%")[0]
    if not outcome.target.startswith(number) or not number.isdigit() or outcome.measurements.exists():
        return
    outcome.target_value = float(number)
    outcome.save(update_fields=["target_value"])
    rng = random.Random(f"{partnership.slug}/{outcome.description}")  # keyed on the story, not the day
    value = float(rng.randint(70, 85))
    latest = demo_clock.shift_past(dt.date(2026, 7, 31))  # the last summer before the demo's day
    for years_before in (2, 1, 0):
        Measurement.objects.create(
            outcome=outcome,
            measured_on=latest.replace(year=latest.year - years_before),
            value=min(value, outcome.target_value),
            note="From the placement figures at the end of the academic year",
        )
        value += rng.randint(-2, 9)


def _governance(partnership: Partnership, lead_org: Organisation, organisations: list[Organisation]) -> None:
    university = next((o for o in organisations if o.kind == OrganisationKind.UNIVERSITY), lead_org)
    groups = [
        (
            "Strategic board",
            "board",
            "quarterly",
            "Director of Children's Services",
            lead_org,
            "Sets direction, agrees the memorandum of cooperation and holds partners to their commitments.",
        ),
        (
            "Operational group",
            "operational",
            "monthly",
            "Teaching partnership programme manager",
            lead_org,
            "Runs placements, practice educator support and the CPD programme day to day.",
        ),
        (
            "Practice educator forum",
            "forum",
            "bimonthly",
            "Practice education lead",
            university,
            "Peer support and updates for practice educators across the partners.",
        ),
    ]
    for name, kind, frequency, chair, chair_org, purpose in groups:
        group, _ = GovernanceGroup.objects.get_or_create(
            partnership=partnership,
            name=name,
            defaults={
                "kind": kind,
                "frequency": frequency,
                "chair": chair,
                "chair_organisation": chair_org,
                "purpose": purpose,
            },
        )
        for held_on, attendees, decisions in MEETINGS.get(name, []):
            # A meeting has been held, so it stays in the past; its minutes name the years
            # as they were on the day it was held.
            years = demo_clock.years_moved_past(held_on)
            labels = {key: demo_clock.shift_year_label(label, years) for key, label in YEAR_LABELS.items()}
            Meeting.objects.get_or_create(
                group=group,
                held_on=demo_clock.shift(held_on, years),
                defaults={"attendees": attendees, "decisions": decisions.format(**labels)},
            )
