"""A lead drafts a memorandum and sends it, two signatories sign, the lead downloads the signed
PDF; axe-core finds no violations on the memorandum and signing pages."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from memoranda.models import Memorandum, Status
from tests.browser.helpers import axe_violations, fill_date, sign_in
from tests.factories import PASSWORD
from tests.memoranda.factories import REQUIRED_TEXT, ready_memorandum, university_signatory
from tests.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def _sign(page, email, full_name, organisation):
    sign_in(page, email, PASSWORD)
    page.get_by_role("link", name=f"Sign Matrix memorandum for {organisation}").click()
    assert page.get_by_role("heading", level=1, name="Sign: Matrix memorandum").is_visible()
    assert page.get_by_text(REQUIRED_TEXT["aims"]).is_visible()  # the exact text is on the page
    assert axe_violations(page) == []
    page.get_by_label("Type your full name").fill(full_name)
    page.get_by_label(f"I declare that I am authorised to sign this memorandum on behalf of {organisation}").check()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Sign the memorandum").click()
    page.wait_for_load_state()
    _sign_out(page)


def test_lead_drafts_and_sends_two_signatories_sign_and_the_lead_downloads_the_pdf(page):
    world = build_world()
    university_signatory(world)

    sign_in(page, "lead@matrix.test", PASSWORD)
    page.goto("/partnerships/matrix-tp/")
    page.get_by_role("tab", name="Memoranda of Cooperation").click()
    page.get_by_role("link", name="Draft a memorandum").click()
    page.get_by_label("Overarching principles agreement").check()
    page.get_by_label("Title").fill("Matrix memorandum")
    page.get_by_label("Matrix Borough Council (Local authority)").check()
    page.get_by_label("University of Matrix (University (HEI))").check()
    fill_date(page, "Start date", dt.date(2026, 9, 1))
    page.get_by_role("button", name="Create draft").click()
    assert page.get_by_role("heading", level=1, name="Matrix memorandum").is_visible()
    assert page.get_by_text("Not ready").is_visible()

    for key, heading in [
        ("aims", "Aims and outcomes"),
        ("activities", "Activities agreed"),
        ("responsibilities", "Responsibilities of each party"),
        ("review", "Review arrangements"),
    ]:
        page.locator(".moc-checklist").get_by_role("link", name=heading).click()
        page.get_by_label("Text").fill(REQUIRED_TEXT[key])
        page.get_by_role("button", name="Save section").click()
        assert page.get_by_text(f"Saved the section {heading}.").is_visible()

    # Parties are in their own tab; saving one comes back to it (#parties).
    page.get_by_role("tab", name="Parties").click()
    for organisation, signatory, seniority in [
        (
            "Matrix Borough Council",
            "Sam Signatory, Assistant Director, Children's Services",
            "Assistant Director or above",
        ),
        ("University of Matrix", "Uma University, Head of the School of Social Work", "Head of Faculty or above"),
    ]:
        page.get_by_role("link", name=f"Change signatory and responsibilities of {organisation}").click()
        page.get_by_label("Signatory", exact=True).select_option(label=signatory)
        page.get_by_label("Signatory's position").fill(signatory.split(", ", 1)[1])
        page.get_by_label(seniority).check()
        page.get_by_label("Responsibilities").fill("- Host and teach students")
        page.get_by_role("button", name="Save").click()

    assert page.get_by_text("Ready", exact=True).is_visible()
    assert axe_violations(page) == []  # the memorandum page, as a draft
    page.get_by_role("link", name="Send for signature").click()
    page.get_by_role("button", name="Freeze and send for signature").click()
    assert page.get_by_text("Version 1 sent for signature. We e-mailed Sam Signatory, Uma University.").is_visible()
    assert page.get_by_text("0 of 2 parties signed").is_visible()
    assert axe_violations(page) == []  # the memorandum page, awaiting signatures
    _sign_out(page)

    _sign(page, "signatory@matrix.test", "Sam Signatory", "Matrix Borough Council")
    _sign(page, "uma@matrix.test", "Uma University", "University of Matrix")

    memorandum = Memorandum.objects.get()
    assert memorandum.status == Status.ACTIVE
    version = memorandum.versions.get()
    sign_in(page, "lead@matrix.test", PASSWORD)
    page.goto(f"/memoranda/{memorandum.pk}/")
    assert page.get_by_text("Active", exact=True).first.is_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    pdf = open(download_info.value.path(), "rb").read()  # noqa: SIM115
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Sam Signatory" in text and "Uma University" in text
    assert version.sha256 in "".join(text.split())
    assert axe_violations(page) == []  # the memorandum page, active


def test_a_long_draft_reads_as_tabs_and_a_link_into_a_tab_opens_it(page):
    """The memorandum page keeps its long parts (the text, parties, placement numbers, versions,
    history) in GOV.UK tabs, so a draft is a couple of screens rather than six; a link to a
    section inside a closed tab (where saving a section returns) opens that tab."""
    world = build_world()
    memorandum = ready_memorandum(world, title="Matrix tabs memorandum")
    section = memorandum.sections.order_by("position").last()
    sign_in(page, "lead@matrix.test", PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/memoranda/{memorandum.pk}/#parties")
    assert page.get_by_role("tab", name="Parties", selected=True).is_visible()
    assert page.get_by_role("table", name="Parties and signatories").is_visible()
    assert not page.get_by_role("heading", name=section.heading).is_visible()
    tabbed = page.evaluate("document.documentElement.scrollHeight")

    page.evaluate(f"location.hash = '#section-{section.pk}'")
    heading = page.locator(f"#section-{section.pk} h3")
    heading.wait_for(state="visible")
    assert page.get_by_role("tab", name="The memorandum", selected=True).is_visible()
    assert not page.get_by_role("table", name="Parties and signatories").is_visible()

    # Without the tabs (as without JavaScript) every part follows the one before.
    page.evaluate(
        "document.querySelectorAll('.govuk-tabs__panel--hidden')"
        ".forEach(p => p.classList.remove('govuk-tabs__panel--hidden'))"
    )
    whole = page.evaluate("document.documentElement.scrollHeight")
    assert tabbed < 0.6 * whole, (tabbed, whole)
    assert axe_violations(page) == []
