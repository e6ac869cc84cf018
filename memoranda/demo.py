"""Demo memoranda for `manage.py seed_demo`, in every state, made through the services (the same
checks, hashes, PDFs and audit trail as real use) for the demo partnerships (looked up by the
contract's slugs; a missing one is skipped quietly).

* West London Alliance: the 2024 agreement, superseded by an amended one in force whose review is
  due within 60 days; an operational agreement for this academic year awaiting signatures, among them
  signatory@example.org's for the London Borough of Ealing.
* Salford and Greater Manchester: an agreement in force whose review is overdue, and a draft
  operational agreement with open comments.
* Leeds and Wakefield: an agreement in force (signed by signatory@ for Wakefield Council) and an
  older recruitment agreement that has ended.
* NESWA: a draft whose first version a signatory declined.
* Cumbria: an agreement that expired because its review was never recorded.

Histories happen in the past, relative to the day the demo is built (portal.demo_clock's
`demo_today()`; the year labels are the story's 2026/27 and 2027/28 moved to the current year by
`shift_year_label`): each step runs through the services at its own moment (memoranda.clock.at),
so sending, signing, effective and review dates and the signed PDFs agree. Idempotent: a memorandum is found by its partnership and title, and
skipped when it exists.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from memoranda import clock, services
from memoranda.checklist import AREAS
from memoranda.models import Kind, Memorandum, MemorandumVersion, Seniority, Status
from memoranda.services import add_months
from partnerships.models import Membership, OrganisationKind, Partnership, Role
from portal import academic_years, demo_clock
from portal.mail import suppressed

try:
    from partnerships.demo import DEMO_PARTNERSHIP_SLUGS, DEMO_PASSWORD
except ImportError:  # the partnerships demo is the foundation's; keep working without it
    DEMO_PARTNERSHIP_SLUGS = [
        "west-london-alliance",
        "salford-greater-manchester",
        "leeds-wakefield",
        "neswa",
        "cumbria",
    ]
    DEMO_PASSWORD = "demo-password"

# Text for each checklist area, in the partnership's voice. {name} is the partnership's name.
TEXT = {
    "aims": (
        "{name} exists so that people who use social care services are supported by well-trained, "
        "confident social workers who stay.\n\n"
        "- Every student gets good practice learning, including a statutory placement.\n"
        "- Newly qualified social workers get a consistent first year across the partners.\n"
        "- Experienced staff have a clear route into practice education and leadership.\n\n"
        "We will know it works when placement feedback, ASYE completion and retention improve year on year."
    ),
    "activities": (
        "- Plan placements together each spring for the following academic year.\n"
        "- Run shared teaching days where practitioners teach on the university programmes.\n"
        "- Offer one practice educator training pathway open to staff of every partner.\n"
        "- Hold a joint ASYE programme with shared workshops and moderation."
    ),
    "responsibilities": (
        "Each party commits to the responsibilities in the table below. The lead partner hosts the "
        "partnership's coordinator and keeps its records."
    ),
    "placements": (
        "Employers offer the numbers in the placement table. Statutory placements in children's and adults' "
        "services come first, so that every final-year student has one."
    ),
    "quality": (
        "Each placement setting completes a placement audit shared with the university. Reviews at four "
        "weeks, midway and at the end of each placement look at learning opportunities, support and progress. "
        "Student feedback is reported to the board every term."
    ),
    "assessment": "Practice educators assess students against the professional standards; a joint panel moderates "
    "a sample of portfolios every term.",
    "admissions": "Practitioners and experts by experience sit on interview panels for every intake.",
    "asye": "Newly qualified social workers join a shared programme: protected caseloads, fortnightly supervision "
    "in the first six months and a joint moderation panel.",
    "cpd": "Partners agree CPD priorities each year from workforce data and offer places across organisations.",
    "involvement": "People who use services and carers help design and deliver teaching and are paid for their "
    "time at an agreed rate.",
    "workforce": "Employers share vacancy, turnover and newly qualified numbers twice a year, as totals only, never "
    "personal records.",
    "governance": "A strategic board of senior managers meets quarterly; an operational group of coordinators "
    "meets monthly and reports to it.",
    "resources": "Each partner releases staff time for teaching, practice education and the groups above.",
    "review": "The board reviews this memorandum once a year and records whether it continues, changes or ends.",
    "term": "This memorandum continues until the partners agree to end it. A party may leave with three months' "
    "notice in writing to the board.",
}
COMMITMENT = {
    "employer": "- Offer the placements in the table, including statutory ones\n- Release practice educators\n"
    "- Take part in the ASYE programme",
    "university": "- Teach and assess the social work programmes with practitioners\n"
    "- Support practice educators and placement audits\n- Share student feedback each term",
    "other": "- Involve people with lived experience in teaching and selection\n- Take part in the board",
}


def _kind_of(organisation) -> str:
    if organisation.kind == OrganisationKind.UNIVERSITY:
        return "university"
    return "employer" if organisation.is_employer else "other"


def _seniority(organisation) -> str:
    if organisation.kind == OrganisationKind.UNIVERSITY:
        return Seniority.HEAD_OF_FACULTY
    if organisation.kind in (OrganisationKind.LOCAL_AUTHORITY, OrganisationKind.NHS_TRUST):
        return Seniority.ASSISTANT_DIRECTOR
    return Seniority.ORGANISATION_HEAD


def _lead(partnership):
    memberships = Membership.objects.filter(partnership=partnership, role=Role.LEAD).select_related("user")
    preferred = [m for m in memberships if m.user.email == "lead@example.org"]
    return (preferred or list(memberships.order_by("user__email")) or [None])[0]


def _signatories(partnership) -> dict[int | None, Membership]:
    """One signatory per organisation; signatory@example.org where they represent it (so the demo
    user sees their own requests)."""
    chosen: dict[int | None, Membership] = {}
    for m in Membership.objects.filter(partnership=partnership, role=Role.SIGNATORY).select_related("user"):
        if m.organisation_id not in chosen or m.user.email == "signatory@example.org":
            chosen[m.organisation_id] = m
    return chosen


def _at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class Story:
    """Builds one partnership's memoranda through the services."""

    def __init__(self, partnership: Partnership):
        self.partnership = partnership
        self.lead = _lead(partnership).user
        self.signatories = _signatories(partnership)
        self.organisations = {
            p.organisation.name: p.organisation
            for p in partnership.partners.select_related("organisation")
            if p.is_current
        }

    def exists(self, title: str) -> bool:
        return Memorandum.objects.filter(partnership=self.partnership, title=title).exists()

    def draft(self, title, kind, names, start, *, areas=None, places=None) -> Memorandum:
        organisations = [self.organisations[n] for n in names if n in self.organisations]
        m = services.create_memorandum(
            self.lead, self.partnership, kind=kind, title=title, organisations=organisations, start_date=start
        )
        wanted = set(areas) if areas is not None else {key for key, *_ in AREAS}
        for section in m.sections.all():
            if section.key in wanted:
                services.update_section(
                    self.lead,
                    section,
                    heading=section.heading,
                    body=TEXT[section.key].format(name=self.partnership.name),
                    base_revision=section.revision,
                )
        self.name_signatories(m)
        for year, numbers in (places or {}).items():
            m.refresh_from_db()
            services.set_places(
                self.lead,
                m,
                academic_year=year,
                places={self.organisations[n].pk: v for n, v in numbers.items() if n in self.organisations},
                base_revision=m.places_revision,
            )
        m.refresh_from_db()
        return m

    def name_signatories(self, m: Memorandum) -> Memorandum:
        """Name each party's signatory (where none is named yet) and write its responsibilities."""
        for party in m.parties.select_related("organisation"):
            membership = self.signatories.get(party.organisation_id)
            if party.signatory_id or membership is None:
                continue
            services.update_party(
                self.lead,
                party,
                signatory=membership.user,
                signatory_position=membership.job_title or membership.user.job_title,
                seniority=_seniority(party.organisation),
                commitments=COMMITMENT[_kind_of(party.organisation)],
                base_revision=party.revision,
            )
        m.refresh_from_db()
        return m

    def send(self, m: Memorandum, *, on: date) -> MemorandumVersion:
        m.refresh_from_db()
        with clock.at(_at(on, 9, 30)):
            return services.send_for_signature(self.lead, m, base_revision=m.revision)

    def sign(self, version: MemorandumVersion, *, leave_unsigned=(), every: timedelta = timedelta(days=2)) -> None:
        """Each named signatory signs in turn, `every` apart, starting the day after sending."""
        moment = version.sent_at + timedelta(days=1)
        for i, party in enumerate(p for p in version.parties if p["organisation"] not in leave_unsigned):
            signer = self.signatories[party["organisation_id"]].user
            with clock.at(moment + every * i + timedelta(minutes=(37 * i) % 180)):
                services.sign(
                    signer,
                    version,
                    password=DEMO_PASSWORD,
                    typed_name=signer.full_name,
                    position=party["signatory_position"],
                    authority_confirmed=True,
                    expected_sha256=version.sha256,
                )

    def signed(self, title, kind, names, *, effective: date, sent_days_before: int = 30) -> Memorandum:
        """A memorandum sent `sent_days_before` its effective date and signed by every party before it."""
        sent = effective - timedelta(days=sent_days_before)
        with clock.at(_at(sent - timedelta(days=20))):
            m = self.draft(title, kind, names, effective)
        version = self.send(m, on=sent)
        self.sign(version, every=timedelta(days=sent_days_before - 2) / (len(version.parties) + 1))
        m.refresh_from_db()
        return m


def _west_london(story: Story, today: date) -> None:
    title = "West London Alliance Memorandum of Cooperation"
    kinds = {n: o.kind for n, o in story.organisations.items()}
    boroughs = [n for n, k in kinds.items() if k == OrganisationKind.LOCAL_AUTHORITY]
    universities = [n for n, k in kinds.items() if k == OrganisationKind.UNIVERSITY]
    forum = [n for n, k in kinds.items() if k == OrganisationKind.SERVICE_USER_GROUP]
    if not story.exists(title):
        due = today + timedelta(days=45)  # the amended one in force is due for review soon
        first = story.signed(
            title, Kind.PRINCIPLES, boroughs + universities[:2], effective=add_months(due, -24), sent_days_before=40
        )
        # At its annual review, some weeks early, the partners decided to amend it: the other
        # universities and the experts by experience forum join.
        effective = add_months(due, -12)
        with clock.at(_at(effective - timedelta(days=90), 14)):
            _, amendment = services.record_review(
                story.lead,
                first,
                outcome="amend",
                note="Bring in the other universities and the experts by experience forum.",
            )
            services.update_details(
                story.lead,
                amendment,
                title=title,
                kind=Kind.PRINCIPLES,
                organisations=[story.organisations[n] for n in boroughs + universities + forum],
                start_date=effective,
                review_interval_months=12,
                base_revision=amendment.details_revision,
            )
            story.name_signatories(amendment)
        version = story.send(amendment, on=effective - timedelta(days=35))
        story.sign(version)
    year = demo_clock.shift_year_label("2026/27", today=today)  # the current academic year
    operational = f"Practice learning operational agreement {year}"
    if not story.exists(operational):
        numbers = {n: 6 + (i * 3) % 9 for i, n in enumerate(boroughs)}
        sent = today - timedelta(days=10)
        with clock.at(_at(sent - timedelta(days=14))):
            m = story.draft(
                operational,
                Kind.OPERATIONAL,
                boroughs + universities,
                sent - timedelta(days=60),
                places={year: numbers},
            )
        version = story.send(m, on=sent)
        # Most have signed; Ealing (signatory@example.org), Harrow and Kingston have not yet.
        story.sign(
            version,
            every=timedelta(days=1),
            leave_unsigned={"London Borough of Ealing", "London Borough of Harrow", "Kingston University"},
        )


def _salford(story: Story, today: date) -> None:
    title = "Salford and Greater Manchester Memorandum of Cooperation"
    names = list(story.organisations)
    if not story.exists(title):
        # In force for a year and seven weeks: its review is overdue.
        story.signed(title, Kind.PRINCIPLES, names, effective=add_months(today - timedelta(days=50), -12))
    next_year = demo_clock.shift_year_label("2027/28", today=today)  # the one after the current year
    draft = f"Placements and ASYE operational agreement {next_year}"
    if not story.exists(draft):
        m = story.draft(
            draft,
            Kind.OPERATIONAL,
            names,
            academic_years.bounds(next_year)[0],
            areas=["aims", "activities", "placements", "asye"],
        )
        people = {
            mb.user.email: mb.user
            for mb in Membership.objects.filter(partnership=story.partnership).select_related("user")
        }
        member = people.get("member@example.org") or story.lead
        coordinator = people.get("coordinator@example.org") or story.lead
        services.add_comment(
            member,
            m,
            section=m.sections.get(key="aims"),
            body="Could the aims say something about carers as well as people who use services?",
        )
        services.add_comment(
            coordinator,
            m,
            section=m.sections.get(key="placements"),
            body="Bolton can offer two more statutory placements than last year.",
        )
        old = services.add_comment(coordinator, m, body="Please add the review arrangements before sending.")
        services.resolve_comment(story.lead, old)


def _leeds_wakefield(story: Story, today: date) -> None:
    title = "Leeds and Wakefield Memorandum of Cooperation"
    names = list(story.organisations)
    if not story.exists(title):
        story.signed(title, Kind.PRINCIPLES, names, effective=add_months(today + timedelta(days=240), -12))
    ended = "Joint recruitment agreement"
    if not story.exists(ended):
        m = story.signed(ended, Kind.OPERATIONAL, names, effective=today - timedelta(days=3 * 365))
        with clock.at(_at(today - timedelta(days=480), 15)):
            services.end_memorandum(
                story.lead, m, reason="Folded into the memorandum of cooperation, which now covers recruitment."
            )


def _neswa(story: Story, today: date) -> None:
    title = "North East Social Work Alliance Memorandum of Cooperation"
    if story.exists(title):
        return
    sent = today - timedelta(days=12)
    with clock.at(_at(sent - timedelta(days=20))):
        m = story.draft(title, Kind.PRINCIPLES, list(story.organisations), date(today.year + 1, 1, 1))
    version = story.send(m, on=sent)
    university = next(p for p in version.parties if p["organisation_kind"] == OrganisationKind.UNIVERSITY)
    with clock.at(_at(sent + timedelta(days=4), 11)):
        services.decline(
            story.signatories[university["organisation_id"]].user,
            version,
            reason="The workforce data section should say how small numbers are protected before we sign.",
        )


def _cumbria(story: Story, today: date) -> None:
    title = "Cumbria Teaching Partnership Memorandum of Cooperation"
    if story.exists(title):
        return
    # Its review fell due five months ago and was never recorded, so it has expired.
    story.signed(
        title, Kind.PRINCIPLES, list(story.organisations), effective=add_months(today - timedelta(days=150), -12)
    )
    services.expire_due(today, grace_days=90)


STORIES = {
    "west-london-alliance": _west_london,
    "salford-greater-manchester": _salford,
    "leeds-wakefield": _leeds_wakefield,
    "neswa": _neswa,
    "cumbria": _cumbria,
}


def seed(stdout) -> None:
    today = demo_clock.demo_today()
    built = 0
    for slug in DEMO_PARTNERSHIP_SLUGS:
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is None or slug not in STORIES or _lead(partnership) is None:
            continue
        before = Memorandum.objects.filter(partnership=partnership).count()
        with suppressed():  # invented people: no signing requests or notices by e-mail
            STORIES[slug](Story(partnership), today)
        built += Memorandum.objects.filter(partnership=partnership).count() - before
    states = ", ".join(sorted({s.label.lower() for s in Status if Memorandum.objects.filter(status=s).exists()}))
    stdout.write(f"Memoranda: {built} demo memoranda created; states present: {states}.")
