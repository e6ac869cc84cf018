"""The accessibility gate (issue 6): every key page, opened by each role that may open it, has no
axe-core violations (WCAG 2.0, 2.1 and 2.2 A and AA), exactly one h1, a <title> that names the
page, and a skip link that takes keyboard users to the main content. Forms shown with errors pass
too, and their error summary takes the focus.

The content is built once, through the factories and services, so that every page shows real
rows in every section (the full demo, `seed_demo`, takes about 40 seconds of its own to build,
most of it rendering signed PDFs; this world takes a few). One browser context per role.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest

from healthcheck.models import EvidenceKind, Rag
from healthcheck.services import action_plans, running
from memoranda import services as moc_services
from placements.models import CheckRequirement, StudentCheck
from tests import factories as f
from tests.browser.helpers import axe_violations, partnership_content, sign_in, without_focus_style
from tests.factories import PASSWORD
from tests.healthcheck import factories as hf
from tests.memoranda.factories import active_memorandum, awaiting_memorandum, ready_memorandum
from tests.placements.factories import DemandFactory, ReviewFactory, placements_world
from tests.world import build_world

PAGE_LENGTH_BUDGET = 4500  # px at 1280 px wide: five screens of 900 px
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERVICE_NAME = "Partnership portal"
ROLES = ("lead", "signatory", "coordinator", "member", "admin")
EMAILS = {role: f"{role}@matrix.test" for role in ROLES}
EVERYONE = frozenset(ROLES)
RUN = frozenset({"lead", "coordinator", "admin"})  # run health checks, keep placement data
SIGNATORY = frozenset({"signatory"})
ADMIN = frozenset({"admin"})


@dataclass(frozen=True)
class KeyPage:
    label: str
    url: str
    title: str  # what the <title> must say to name the page
    roles: frozenset = EVERYONE
    tabs: bool = False  # GOV.UK tabs: check every panel
    anonymous: bool = False  # also checked signed out


def _build() -> dict[str, KeyPage]:
    """Real content in every app; returns the key pages by label."""
    world = partnership_content(build_world())
    slug = world.partnership.slug
    lead, coordinator = world.user("lead"), world.user("coordinator")

    draft = ready_memorandum(world, title="Matrix operational agreement", kind="operational")
    moc_services.add_comment(world.user("member"), draft, body="Can we say more about the ASYE programme?")
    awaiting, _ = awaiting_memorandum(world, title="Matrix placements agreement", kind="operational")
    active, active_version = active_memorandum(world)

    framework = hf.framework(areas=3, per_area=2, family="gate")
    hf.signed_off(world, fw=framework, year="2025/26")
    hc = hf.health_check(world, fw=framework)
    hf.rate(world, hc, "A1", Rag.RED, "No memorandum covers the new university yet.")
    hf.rate(world, hc, "A2", Rag.AMBER, "Two partners have not agreed the aims.")
    hf.rate(world, hc, "B1", Rag.GREEN, "Every student had a statutory placement.")
    a1 = hc.ratings.get(criterion__code="A1")
    action_plans.add_action(
        coordinator, a1, description="Sign the memorandum with the university", owner=lead, due_on=dt.date(2027, 3, 31)
    )
    running.add_evidence(
        coordinator, a1, kind=EvidenceKind.NOTE, title="Board minutes, March", note="The board agreed a new draft."
    )

    f.OrganisationFactory.create_batch(26)  # the organisations list runs to a second page
    objects = placements_world(world)
    DemandFactory(programme=objects["programme"], academic_year=objects["year"], first_placements=4)
    ReviewFactory(placement=objects["placement"])
    dbs = CheckRequirement.objects.create(partnership=world.partnership, name="Enhanced DBS check", valid_for_months=36)
    StudentCheck.objects.create(
        student=objects["student"], requirement=dbs, done_on=dt.date(2023, 12, 1), expires_on=dt.date(2026, 12, 1)
    )

    # Governance that tracks itself: an outcome measured against its target, an action from a meeting.
    outcome = world.partnership.aims.get().outcomes.get()
    outcome.target_value = 100.0
    outcome.save(update_fields=["target_value"])
    for on, value in ((dt.date(2025, 7, 31), 82.0), (dt.date(2026, 7, 31), 91.0)):
        outcome.measurements.create(measured_on=on, value=value, note="End-of-year placement figures")
    meeting = world.partnership.groups.get().meetings.get()
    meeting.actions.create(description="Write the placement plan", owner=lead, due_on=dt.date(2027, 1, 31))

    p = f"/partnerships/{slug}/"
    hc_page = f"/health-checks/{hc.pk}/"
    year = "year=2026/27"
    pages = [
        KeyPage("dashboard", "/", "Dashboard"),
        KeyPage("partnerships list", "/partnerships/", "Partnerships"),
        KeyPage("partnership page", p, world.partnership.name, tabs=True),
        KeyPage("partnership history", f"{p}history/", "History"),
        KeyPage("outcome progress page", f"{p}outcomes/{outcome.pk}/", "Progress"),
        KeyPage("governance group page", f"{p}governance/{meeting.group_id}/", "Strategic board"),
        KeyPage("organisations list", "/organisations/", "Organisations"),
        KeyPage("organisation page", f"/organisations/{world.employer.pk}/", world.employer.name),
        KeyPage("memoranda list", "/memoranda/", "Memoranda"),
        KeyPage("memorandum, draft", f"/memoranda/{draft.pk}/", draft.title, tabs=True),
        KeyPage("memorandum, awaiting signatures", f"/memoranda/{awaiting.pk}/", awaiting.title, tabs=True),
        KeyPage("memorandum, active", f"/memoranda/{active.pk}/", active.title, tabs=True),
        KeyPage("memorandum versions", f"/memoranda/{active.pk}/versions/", f"Versions of {active.title}"),
        KeyPage("signing page", f"/memoranda/{awaiting.pk}/sign/", f"Sign {awaiting.title}", SIGNATORY),
        KeyPage("verify page", "/memoranda/verify/", "Check a signed memorandum", anonymous=True),
        KeyPage(
            "verify page with a fingerprint",
            f"/memoranda/verify/?sha256={active_version.sha256}",
            "Check a signed memorandum",
            anonymous=True,
        ),
        KeyPage("health checks list", "/health-checks/", "Health checks"),
        KeyPage("health check page", hc_page, "2026/27"),
        KeyPage("criterion page", f"{hc_page}criteria/A1/", "A1"),
        KeyPage("criterion page B2", f"{hc_page}criteria/B2/", "B2", frozenset()),  # the coordinator's error form
        KeyPage("actions list", "/health-checks/actions/", "Actions"),
        KeyPage("partnership heatmap", f"/health-checks/heatmap/{slug}/", "Health checks by partner"),
        KeyPage("national heatmap", "/health-checks/heatmap/", "Health checks across partnerships", ADMIN),
        KeyPage("frameworks list", "/health-checks/frameworks/", "Frameworks"),
        KeyPage("framework page", f"/health-checks/frameworks/{framework.pk}/", framework.name),
        KeyPage("sufficiency", f"/placements/sufficiency/?partnership={slug}&{year}", "Placement sufficiency"),
        KeyPage("placements list", "/placements/", "Placements"),
        KeyPage("offers list", "/placements/offers/", "Placement offers"),
        KeyPage("students list", "/placements/students/", "Students"),
        KeyPage("practice educators list", "/practice-educators/", "Practice educators"),
        KeyPage("offer page", f"/placements/offers/{objects['offer'].pk}/", objects["offer"].team),
        KeyPage("student page", f"/placements/students/{objects['student'].pk}/", objects["student"].reference),
        KeyPage("placement page", f"/placements/{objects['placement'].pk}/", objects["student"].reference),
        KeyPage(
            "practice educator page", f"/practice-educators/{objects['educator'].pk}/", objects["educator"].full_name
        ),
        KeyPage("quality page", f"/placements/partnership/{slug}/quality/?{year}", "Quality"),
        KeyPage("import page", f"/placements/partnership/{slug}/import/", "Import", RUN),
        KeyPage("pre-placement checks", f"/placements/partnership/{slug}/checks/", "Pre-placement checks"),
        KeyPage(
            "place the student",
            f"/placements/students/{objects['student'].pk}/place/?q=assessment",
            "Place the student",
            RUN,
        ),
        KeyPage("API tokens", "/account/api-tokens/", "API tokens"),
        KeyPage("everyone's API tokens", "/account/api-tokens/all/", "Everyone's API tokens", ADMIN),
        KeyPage("sign-in page", "/accounts/login/", "Sign in", frozenset(), anonymous=True),
    ]
    return {key_page.label: key_page for key_page in pages}


# A form each role submits with mistakes: label, address (None: a key page's), the title it must
# have, the radio or checkbox to choose first (if any) and the submit button.
ERROR_FORMS = {
    "lead": ("new memorandum form", "/memoranda/new/matrix-tp/", "Draft a memorandum", None, "Create draft"),
    "signatory": ("signing page", "signing page", "Sign Matrix placements agreement", None, "Sign the memorandum"),
    "coordinator": ("criterion page", "criterion page B2", "B2", "Amber", "Save and stay on B2"),
    "member": ("password change form", "/accounts/password_change/", "Change your password", None, "Change password"),
    "admin": (
        "new organisation form",
        "/organisations/new/",
        "Register an organisation",
        None,
        "Register organisation",
    ),
}

# The page as the browser has it: headings, title, where the focus is, and the markup.
PAGE_FACTS = """() => ({
    h1: Array.from(document.querySelectorAll('h1'), h => h.innerText.trim()),
    title: document.title,
    summaryFocused: document.activeElement.classList.contains('govuk-error-summary'),
    markup: document.documentElement.outerHTML,
})"""
# What axe does not check: every table has a caption (or a label) and header cells; every hint
# and every field's error message is tied to its field by aria-describedby; every error summary
# link leads to an element on the page, and every field in error has a link to it.
STRUCTURE = """() => {
    const problems = [];
    const short = e => e.outerHTML.replace(/\\s+/g, ' ').slice(0, 100);
    const described = new Set();
    document.querySelectorAll('[aria-describedby]').forEach(
        e => e.getAttribute('aria-describedby').split(/\\s+/).forEach(id => described.add(id)));
    for (const table of document.querySelectorAll('table')) {
        const caption = table.querySelector('caption');
        const named = (caption && caption.textContent.trim()) || table.getAttribute('aria-label')
            || table.getAttribute('aria-labelledby');
        if (!named) problems.push('table without a caption: ' + short(table));
        if (!table.querySelector('th')) problems.push('table without header cells: ' + short(table));
    }
    for (const hint of document.querySelectorAll('.govuk-form-group .govuk-hint')) {
        // (a character count's visible copy of its message is aria-hidden: the field reads the original)
        if (!described.has(hint.id) && !hint.closest('[aria-hidden="true"]')) {
            problems.push('hint not tied to its field: ' + short(hint));
        }
    }
    const targets = Array.from(document.querySelectorAll('.govuk-error-summary__list a[href^="#"]'), a => {
        const target = document.getElementById(decodeURIComponent(a.hash.slice(1)));
        if (!target) problems.push('error summary link to nothing: ' + short(a));
        return target;
    });
    for (const message of document.querySelectorAll('.govuk-form-group .govuk-error-message')) {
        if (!described.has(message.id)) problems.push('error message not tied to its field: ' + short(message));
        const group = message.closest('.govuk-form-group');
        if (!targets.some(t => t && group.contains(t))) problems.push('error not linked from the summary: ' + short(message));
    }
    return problems;
}"""
# What differs between two people's views of the same page without changing what axe checks.
PERSONAL = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'), "csrf"),
    (re.compile(r'<span class="portal-header__user">[^<]*</span>'), "user"),
]


class Gate:
    """Collects every problem in words, so one run reports them all.

    The scans (axe, a visible focus style on everything the keyboard reaches, and STRUCTURE) are kept by
    the page's markup: when a second role sees a page exactly as an earlier one did (apart from
    their own name and form tokens), the same DOM and styles give the same result, so it is not
    scanned again."""

    def __init__(self):
        self.problems: list[str] = []
        self.titles: dict[str, set[str]] = {}
        self._scanned: dict[str, list[str]] = {}

    def check(self, page, label: str, title: str, *, errors_shown: bool = False) -> None:
        facts = page.evaluate(PAGE_FACTS)
        if len(facts["h1"]) != 1:
            self.problems.append(f"{label}: {len(facts['h1'])} h1 elements")
        name, _, service = facts["title"].rpartition(" - ")
        prefix = "Error: " if errors_shown else ""
        if service != SERVICE_NAME or not name.startswith(prefix) or title.lower() not in name.lower():
            self.problems.append(
                f"{label}: title {facts['title']!r}, expected '{prefix}...{title}... - {SERVICE_NAME}'"
            )
        self.titles.setdefault(name.removeprefix(prefix), set()).add(urlparse(page.url).path)
        if errors_shown and not facts["summaryFocused"]:
            self.problems.append(f"{label}: the error summary does not take the focus")
        markup = facts["markup"]
        for pattern, replacement in PERSONAL:
            markup = pattern.sub(replacement, markup)
        key = hashlib.sha256(markup.encode()).hexdigest()
        if key not in self._scanned:
            self._scanned[key] = (
                [f"axe {v['id']} ({v['help']}) at {v['nodes']}" for v in axe_violations(page)]
                + [f"no visible focus on {markup}" for markup in without_focus_style(page)]
                + page.evaluate(STRUCTURE)
            )
        self.problems += [f"{label}: {problem}" for problem in self._scanned[key]]

    def skip_link(self, page, label: str) -> None:
        """The first Tab reaches a visible "Skip to main content"; Enter moves the focus to <main>."""
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement; const r = e.getBoundingClientRect();"
            " return {text: e.textContent.trim(), href: e.getAttribute('href'), shown: r.width > 1 && r.height > 1}; }"
        )
        if focused != {"text": "Skip to main content", "href": "#main-content", "shown": True}:
            self.problems.append(f"{label}: the first Tab reaches {focused}, not a visible skip link")
            return
        page.keyboard.press("Enter")
        if page.evaluate("document.activeElement.id") != "main-content":
            self.problems.append(f"{label}: the skip link does not move the focus to the main content")

    def navigation_on_one_line(self, page, label: str) -> None:
        """At 1280 px and wider the menu fits on one line (it used to wrap onto a second)."""
        tops = page.evaluate(
            "() => window.innerWidth >= 1280 ? [...document.querySelectorAll('.govuk-service-navigation__item')]"
            ".map(e => Math.round(e.getBoundingClientRect().top)) : []"
        )
        if len(set(tops)) > 1:
            self.problems.append(f"{label}: the menu wraps onto {len(set(tops))} lines at 1280 px")

    def within_a_few_screens(self, page, label: str) -> None:
        """A key page in the matrix world stays within five 900 px screens at 1280 px wide, as it
        first opens (a closed tab does not count): a page past that becomes a task list or tabs
        (issue 15). The longest in December 2026: partnership history 3,815 px, a draft memorandum
        3,763 px (its text tab), sufficiency 3,733 px."""
        height = page.evaluate("window.innerWidth >= 1280 ? document.documentElement.scrollHeight : 0")
        if height > PAGE_LENGTH_BUDGET:
            self.problems.append(f"{label}: {height} px long at 1280 px (budget {PAGE_LENGTH_BUDGET} px)")

    def visit(self, page, label: str, url: str, title: str, *, tabs: bool = False) -> None:
        response = page.goto(url)
        if response is None or response.status != 200:
            self.problems.append(f"{label}: {url} answered {response and response.status}")
            return
        self.skip_link(page, label)
        self.navigation_on_one_line(page, label)
        self.within_a_few_screens(page, label)
        if tabs:
            # Every panel is checked in the same axe run: show them all (the tab list keeps the
            # roles and selection the tabs script gave it).
            page.evaluate(
                "document.querySelectorAll('.govuk-tabs__panel--hidden')"
                ".forEach(p => p.classList.remove('govuk-tabs__panel--hidden'))"
            )
        self.check(page, label, title)

    def submit_with_errors(self, page, role: str, pages: dict[str, KeyPage]) -> None:
        label, where, title, choose, submit = ERROR_FORMS[role]
        label = f"{label} with errors ({role})"
        page.goto(pages[where].url if where in pages else where)
        if choose:
            page.get_by_label(choose, exact=True).check()
        page.get_by_role("button", name=submit, exact=True).click()
        page.wait_for_load_state()
        if not page.locator(".govuk-error-summary").count():
            self.problems.append(f"{label}: no error summary after submitting")
            return
        self.check(page, label, title, errors_shown=True)

    def shared_titles(self) -> list[str]:
        return [f"{sorted(paths)} share the title {name!r}" for name, paths in self.titles.items() if len(paths) > 1]


def test_every_key_page_passes_for_every_role(browser, live_server):
    pages = _build()
    gate = Gate()

    for role in ROLES:
        context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, EMAILS[role], PASSWORD)
        for key_page in pages.values():
            if role in key_page.roles:
                gate.visit(page, f"{key_page.label} ({role})", key_page.url, key_page.title, tabs=key_page.tabs)
        gate.submit_with_errors(page, role, pages)
        context.close()

    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    for key_page in pages.values():
        if key_page.anonymous:
            gate.visit(page, f"{key_page.label} (signed out)", key_page.url, key_page.title)
    sign_in(page, EMAILS["lead"], "not-the-password")
    gate.check(page, "sign-in page with errors", "Sign in", errors_shown=True)
    context.close()

    assert gate.problems + gate.shared_titles() == [], "\n".join(gate.problems + gate.shared_titles())


# Pages the narrow-screen pass opens, by role: everything the lead and the site administrator see.
NARROW_ROLES = ("lead", "admin")
PAGE_WIDTH = """() => ({width: document.documentElement.scrollWidth, screen: window.innerWidth,
  wide: [...document.querySelectorAll('main *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.right > window.innerWidth + 1 && !e.closest('.portal-scroll') && getComputedStyle(e).position !== 'fixed';
  }).slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : ''))})"""


def test_key_pages_reflow_at_320_pixels_wide(browser, live_server):
    """WCAG 1.4.10 Reflow: at 320 CSS pixels no key page scrolls sideways (wide tables scroll inside
    their own region, which the keyboard can reach), and axe finds nothing at that width either."""
    pages = _build()
    gate = Gate()
    for role in NARROW_ROLES:
        context = browser.new_context(
            base_url=live_server.url,
            locale="en-GB",
            timezone_id="Europe/London",
            viewport={"width": 320, "height": 720},
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, EMAILS[role], PASSWORD)
        for key_page in pages.values():
            if role not in key_page.roles:
                continue
            label = f"{key_page.label} ({role}, 320 px)"
            gate.visit(page, label, key_page.url, key_page.title, tabs=key_page.tabs)
            facts = page.evaluate(PAGE_WIDTH)
            if facts["width"] > facts["screen"] + 1:
                gate.problems.append(f"{label}: the page is {facts['width']} px wide; too wide: {facts['wide']}")
        context.close()
    assert gate.problems == [], "\n".join(gate.problems)
