"""What users noticed about a memorandum's dates: GOV.UK-style dates everywhere, a signed memorandum
that has not started says when it starts, signatures still awaited after the start date are
flagged, and a memorandum awaiting signatures cannot be abandoned."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from memoranda import services
from portal.exceptions import InvalidTransition
from tests.memoranda.factories import active_memorandum, awaiting_memorandum

pytestmark = pytest.mark.django_db

VERIFY = reverse("memoranda:verify")


def _gov_uk(day) -> str:
    return f"{day.day} {day:%B %Y}"


def test_a_signed_memorandum_that_has_not_started_says_when_it_starts(world, client):
    start = timezone.localdate() + timedelta(days=40)
    m, version = active_memorandum(world, start_date=start)
    html = client.get(VERIFY + f"?sha256={version.sha256}").content.decode()
    assert f"Signed by every party; comes into force on {_gov_uk(start)}" in html
    assert "Signed and in force" not in html
    page_html = client.get(m.get_absolute_url())  # anonymous: sent to sign in
    assert page_html.status_code == 302


def test_a_started_memorandum_is_in_force(world, client):
    m, version = active_memorandum(world, start_date=timezone.localdate() - timedelta(days=3))
    assert "Signed and in force" in client.get(VERIFY + f"?sha256={version.sha256}").content.decode()


def test_the_memorandum_page_shows_when_a_signed_one_comes_into_force(world, client_for):
    start = timezone.localdate() + timedelta(days=40)
    m, _ = active_memorandum(world, start_date=start)
    html = client_for("member").get(m.get_absolute_url()).content.decode()
    assert f"Comes into force on {_gov_uk(start)}" in html


def test_signatures_still_awaited_after_the_start_date_are_flagged(world, client_for):
    m, _ = awaiting_memorandum(world, start_date=timezone.localdate() - timedelta(days=1))
    on_time, _ = awaiting_memorandum(world, title="Starts later", start_date=timezone.localdate() + timedelta(days=9))
    flag = "Start date passed: not yet signed by every party"
    lead = client_for("lead")
    assert flag in lead.get(m.get_absolute_url()).content.decode()
    assert flag not in lead.get(on_time.get_absolute_url()).content.decode()
    listing = lead.get(reverse("memoranda:list")).content.decode()
    assert listing.count(flag) == 1
    dashboard = lead.get("/").content.decode()
    assert f"{m.title} started without every signature" in dashboard
    assert "Starts later started without" not in dashboard


def test_a_memorandum_awaiting_signatures_cannot_be_abandoned(world, client_for):
    m, _ = awaiting_memorandum(world)
    html = client_for("lead").get(m.get_absolute_url()).content.decode()
    assert "Abandon this draft" not in html and "Withdraw from signing" in html
    with pytest.raises(InvalidTransition, match="withdraw it from signing first"):
        services.end_memorandum(world.user("lead"), m, reason="Changed our minds")
    services.withdraw(world.user("lead"), m, reason="Changed our minds")
    m.refresh_from_db()
    assert "Abandon this draft" in client_for("lead").get(m.get_absolute_url()).content.decode()


def test_dates_read_the_gov_uk_way_on_pages_and_in_the_pdf(world, client_for):
    m, version = active_memorandum(world)
    html = client_for("member").get(m.get_absolute_url()).content.decode()
    assert _gov_uk(m.start_date) in html
    short = f"{m.start_date.day} {m.start_date:%b %Y}"
    assert short not in html.replace(_gov_uk(m.start_date), "")
    partnership = client_for("member").get(world.partnership.get_absolute_url()).content.decode()
    assert f"{m.start_date:%b} {m.start_date.year}<" not in partnership
    text = " ".join(page.extract_text() for page in PdfReader(version.pdf.open("rb")).pages)
    text = " ".join(text.split())
    assert _gov_uk(m.effective_date) in text


def test_the_send_page_shows_responsibilities_text_and_table_side_by_side(world, client_for):
    from tests.memoranda.factories import ready_memorandum

    m = ready_memorandum(world)
    section = m.sections.get(key="responsibilities")
    services.update_section(
        world.user("lead"),
        section,
        heading=section.heading,
        body="The council offers ten statutory places each year.",
        base_revision=section.revision,
    )
    party = m.parties.get(organisation=world.employer)
    party.commitments = "Offers eight statutory places a year."
    party.save()
    html = client_for("lead").get(reverse("memoranda:send", kwargs={"pk": m.pk})).content.decode()
    compare = html.split('data-testid="responsibilities-compare"', 1)[1].split("Who will be asked to sign", 1)[0]
    assert "In the section text" in compare and "The council offers ten statutory places each year." in compare
    assert "Responsibilities of each party" in compare and "Offers eight statutory places a year." in compare
    assert compare.count("govuk-grid-column-one-half") == 2
