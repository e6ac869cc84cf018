"""Demo health checks for `manage.py seed_demo`: for every demo partnership, a signed-off health
check for last academic year and one for the current year under way (the story's 2025/26 and
2026/27, moved to the current year by portal.demo_clock), with commentary, evidence (notes,
links and a small PDF) and actions, so trends, the action plan and overdue actions all show.
West London Alliance also has the year before (the story's 2024/25: a three-year trend) and
health checks for two of its boroughs (for the partners heatmap), and its current health check
is waiting for signatory@example.org. Action due dates move with the year; whether an open
action is overdue is judged on the real today.

Everything goes through the services (so the audit trail is real) as the partnership's own
coordinator and signatories. Idempotent: a health check that exists is left alone, and every
random choice comes from a generator seeded by the partnership and the story's year, so the
ratings are the same whichever year the demo is built in."""

from __future__ import annotations

import datetime as dt
import random

from django.core.files.uploadedfile import SimpleUploadedFile

from healthcheck.models import ActionStatus, Framework, FrameworkStatus, HealthCheck, Rag, Status
from healthcheck.services import action_plans, running, signing
from partnerships.models import Membership, Organisation, Partnership, Role
from portal import demo_clock
from portal.mail import suppressed

try:
    from partnerships.demo import DEMO_PARTNERSHIP_SLUGS
except ImportError:  # the contract's list, if partnerships.demo is not importable
    DEMO_PARTNERSHIP_SLUGS = [
        "west-london-alliance",
        "salford-greater-manchester",
        "leeds-wakefield",
        "neswa",
        "cumbria",
    ]

# (year in the story, chance of Green, chance of Amber, finished?): each year better than the last, so the
# overall rating moves from Red (a quarter of criteria Red) through Amber to Green (no Red). The
# labels are moved to the current academic year when the demo is built (`_years`).
YEARS = [("2024/25", 0.4, 0.25, True), ("2025/26", 0.65, 0.3, True), ("2026/27", 0.88, 0.12, False)]
# Partnerships with the longer history (the others start in last year, to keep the demo quick to build).
LONG_HISTORY = {"west-london-alliance"}
# Partner organisations of West London Alliance with health checks of their own.
PARTNER_CHECKS = {"west-london-alliance": ["London Borough of Ealing", "London Borough of Hounslow"]}
# A partnership whose current health check is submitted and waiting for sign-off.
SUBMITTED_NOW = {"west-london-alliance"}

COMMENTARY: dict[str, list[str]] = {
    Rag.GREEN: [
        "In place across the partnership and checked against the evidence listed.",
        "Working well this year; the board reviewed it and found no gaps.",
        "Consistently met by every partner. Keep it under review at the annual board.",
    ],
    Rag.AMBER: [
        "Partly in place: {amber} The action below closes the gap.",
        "Progress since last year, but not yet across every partner. {amber}",
    ],
    Rag.RED: [
        "Not in place yet: {red} This is a priority for the coming year.",
        "A clear gap. {red} The board agreed the action below.",
    ],
    Rag.NOT_APPLICABLE: ["Does not apply to this partnership's current arrangements."],
}
ACTIONS = [
    "Agree a plan at the next board meeting and report progress each quarter",
    "Ask each partner for its figures and bring a summary to the operational group",
    "Write a short guide for partners and check it is followed at the next review",
    "Set up a task-and-finish group with a named lead from each partner",
]
NOTES = [
    ("Board discussion", "Discussed at the strategic board; minutes record the decision and who follows it up."),
    ("Partner survey", "Partners answered a short survey in the summer term; results are held by the coordinator."),
]
LINKS = [("Published annual report", "https://www.example.org/teaching-partnership/annual-report")]
# The smallest well-formed PDF: enough for the content check, and it opens in any reader.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _member(partnership: Partnership, role: str, *, prefer: str = "", organisation=None):
    qs = Membership.objects.filter(partnership=partnership, role=role).select_related("user").order_by("user__email")
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    memberships = list(qs)
    preferred = [m for m in memberships if m.user.email == prefer]
    chosen = (preferred or memberships)[:1]
    return chosen[0].user if chosen else None


def _choose(rng: random.Random, green: float, amber: float) -> str:
    roll = rng.random()
    if roll < 0.03:
        return Rag.NOT_APPLICABLE
    return Rag.GREEN if roll < green else Rag.AMBER if roll < green + amber else Rag.RED


def _run(partnership, organisation, year, green, amber, finished, *, coordinator, lead, signatory) -> bool:
    if HealthCheck.objects.filter(partnership=partnership, organisation=organisation, academic_year=year).exists():
        return False
    framework = (
        Framework.objects.filter(family="default", status=FrameworkStatus.PUBLISHED).order_by("-version").first()
    )
    if framework is None:  # the default framework is published by migration 0002
        raise RuntimeError("No published default framework: run migrations first")
    story_year = demo_clock.shift_year_label(year, -demo_clock.years_moved())
    rng = random.Random(f"{partnership.slug}/{organisation.pk if organisation else 'all'}/{story_year}")
    hc = running.start_health_check(
        coordinator, partnership, academic_year=year, framework=framework, organisation=organisation
    )
    start = int(year[:4])
    today = demo_clock.demo_today()
    oldest = demo_clock.shift_year_label(YEARS[0][0])  # its actions are all done by now
    ratings = list(hc.ratings.select_related("criterion").order_by("criterion__area__position", "criterion__position"))
    submit_now = not finished and partnership.slug in SUBMITTED_NOW and organisation is None
    # The current year is part-way through: about two thirds rated, unless it is already submitted.
    to_rate = ratings if (finished or submit_now) else ratings[: int(len(ratings) * 0.65)]
    owners = [u for u in (coordinator, lead) if u is not None]
    for index, rating in enumerate(to_rate):
        value = _choose(rng, green, amber)
        criterion = rating.criterion
        text = rng.choice(COMMENTARY[value]).format(amber=criterion.amber_means, red=criterion.red_means)
        reason = ""
        if rating.suggested_rating and value != rating.suggested_rating:
            reason = "The figure misses arrangements the portal does not hold yet; the evidence below shows them."
        rating = running.save_rating(
            coordinator, rating, value=value, commentary=text, override_reason=reason, base_revision=rating.revision
        )
        if index % 3 == 0:
            title, note = NOTES[index % len(NOTES)]
            running.add_evidence(coordinator, rating, kind="note", title=title, note=note)
        if index % 7 == 1:
            title, url = LINKS[0]
            running.add_evidence(coordinator, rating, kind="link", title=f"{title} {year}", url=url)
        if index == 2:
            upload = SimpleUploadedFile(f"board-minutes-{start}.pdf", DEMO_PDF, content_type="application/pdf")
            running.add_evidence(coordinator, rating, kind="file", title="Board minutes (PDF)", upload=upload)
        if value in (Rag.RED, Rag.AMBER):
            owner = owners[index % len(owners)]
            due = dt.date(start + 1, rng.choice([3, 6, 9]), rng.choice([1, 15, 28]))
            action = action_plans.add_action(
                coordinator, rating, description=f"{rng.choice(ACTIONS)} ({criterion.code}).", owner=owner, due_on=due
            )
            # Older actions are mostly done; a few stay open and overdue, as in real life.
            if finished and (year == oldest or rng.random() < 0.6):
                status = ActionStatus.DONE
            elif due < today:
                status = ActionStatus.IN_PROGRESS if rng.random() < 0.5 else ActionStatus.NOT_STARTED
            else:
                status = rng.choice([ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS])
            if status != action.status:
                data = {"description": action.description, "owner": owner, "due_on": due, "status": status}
                action_plans.update_action(coordinator, action, data=data, base_revision=action.revision)
    if finished or submit_now:
        with suppressed():  # invented people: no sign-off requests by e-mail
            signing.submit(coordinator, hc, signatory=signatory)
    if finished and signatory is not None:
        signing.sign_off(signatory, hc)
    return True


def _years() -> list[tuple[str, float, float, bool]]:
    """YEARS on the demo's calendar: the story's 2026/27 is the current academic year."""
    return [(demo_clock.shift_year_label(year), green, amber, finished) for year, green, amber, finished in YEARS]


def seed(stdout) -> None:
    years = _years()
    made = 0
    for slug in DEMO_PARTNERSHIP_SLUGS:
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is None:
            continue
        coordinator = _member(partnership, Role.COORDINATOR, prefer="coordinator@example.org")
        lead = _member(partnership, Role.LEAD, prefer="lead@example.org")
        if coordinator is None:
            continue
        signatory = _member(partnership, Role.SIGNATORY, prefer="signatory@example.org")
        for year, green, amber, finished in years if slug in LONG_HISTORY else years[1:]:
            made += _run(
                partnership, None, year, green, amber, finished, coordinator=coordinator, lead=lead, signatory=signatory
            )
        for name in PARTNER_CHECKS.get(slug, []):
            organisation = Organisation.objects.filter(name=name, partner_roles__partnership=partnership).first()
            if organisation is None:
                continue
            org_signatory = _member(
                partnership, Role.SIGNATORY, organisation=organisation, prefer="signatory@example.org"
            )
            for year, green, amber, finished in years[1:2]:
                made += _run(
                    partnership,
                    organisation,
                    year,
                    green,
                    amber,
                    finished,
                    coordinator=coordinator,
                    lead=lead,
                    signatory=org_signatory,
                )
    total = HealthCheck.objects.count()
    signed = HealthCheck.objects.filter(status=Status.SIGNED_OFF).count()
    stdout.write(f"Health checks: {made} created ({total} in all, {signed} signed off).")
