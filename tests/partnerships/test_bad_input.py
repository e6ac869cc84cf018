"""Bad input on the partnership pages gets a clear error beside the field, keeps what was typed,
stores nothing, and never causes a server error. (tests/security/test_bad_input.py also throws
hostile values at every form in the portal.)"""

from __future__ import annotations

import pytest
from django.test import Client

from partnerships.models import GovernanceGroup, Meeting, Organisation, Partnership
from portal.models import AuditEvent
from tests import factories as f

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _client(world, role: str) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(world.user(role))
    return client


def test_over_long_text_is_refused_with_the_limit_in_words(world):
    response = _client(world, "lead").post(
        "/partnerships/matrix-tp/edit/",
        {"name": "N" * 201, "region": "london", "status": "active", "description": "D" * 5001, "revision": "1"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value has at most 200 characters (it has 201)" in html
    assert "Ensure this value has at most 5000 characters (it has 5001)" in html
    assert Partnership.objects.get(slug="matrix-tp").name == "Matrix Teaching Partnership"


def test_html_and_script_in_names_are_shown_as_text_everywhere(world):
    lead = _client(world, "lead")
    response = lead.post(
        "/organisations/new/", {"name": f"{SCRIPT} Council", "kind": "voluntary", "region": "london"}, follow=True
    )
    assert response.status_code == 200
    organisation = Organisation.objects.get(name=f"{SCRIPT} Council")
    lead.post("/partnerships/matrix-tp/partners/add/", {"organisation": organisation.pk, "level": "associate"})
    lead.post("/partnerships/matrix-tp/aims/add/", {"title": SCRIPT})
    pages = [
        "/organisations/",
        f"/organisations/{organisation.pk}/",
        "/partnerships/matrix-tp/",
        "/partnerships/matrix-tp/history/",
        "/partnerships/matrix-tp/governance/add/",
    ]
    for url in pages:
        html = lead.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "onerror=alert(1)>" not in html, url
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html, url


def test_nul_bytes_are_refused_not_stored(world):
    lead = _client(world, "lead")
    before = AuditEvent.objects.count()
    response = lead.post("/organisations/new/", {"name": "Nul\x00Council", "kind": "voluntary", "region": "london"})
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
    group = f.GovernanceGroupFactory(partnership=world.partnership)
    response = lead.post(
        f"/partnerships/matrix-tp/governance/{group.pk}/meetings/add/",
        {"held_on": "2026-11-12", "decisions": "Agreed\x00", "attendees": "", "notes": ""},
    )
    assert response.status_code == 200
    assert not Organisation.objects.filter(name__startswith="Nul").exists()
    assert not Meeting.objects.exists()
    assert AuditEvent.objects.count() == before


def test_dates_that_do_not_exist_are_refused_with_an_example(world):
    response = _client(world, "lead").post(
        f"/partnerships/matrix-tp/partners/{world.university_partner.pk}/left/", {"left_on": "31/02/2026"}
    )
    assert response.status_code == 200
    assert "Date they left must be a real date" in response.content.decode()
    assert "For example, 27 3 2027" in response.content.decode()
    world.university_partner.refresh_from_db()
    assert world.university_partner.left_on is None


def test_ids_that_are_not_numbers_or_not_choices_are_refused(world):
    lead = _client(world, "lead")
    for organisation in ("not-a-number", "99999999", "1; DROP TABLE x"):
        response = lead.post("/partnerships/matrix-tp/partners/add/", {"organisation": organisation, "level": "core"})
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    response = lead.post(
        "/partnerships/matrix-tp/people/add/",
        {"email": "not an email", "full_name": "X", "role": "emperor", "organisation": "x"},
    )
    html = response.content.decode()
    assert "Enter a valid email address" in html
    assert "Select a valid choice. emperor is not one of the available choices" in html
    assert 'href="#id_role_1"' in html and 'id="id_role_1"' in html  # the summary links to the first radio


def test_a_partner_of_another_partnership_cannot_be_reached_through_this_one(world):
    elsewhere = world.other_partnership.partners.get()
    lead = _client(world, "lead")
    assert lead.get(f"/partnerships/matrix-tp/partners/{elsewhere.pk}/edit/").status_code == 404
    assert (
        lead.post(f"/partnerships/matrix-tp/partners/{elsewhere.pk}/left/", {"left_on": "2026-01-01"}).status_code
        == 404
    )
    elsewhere.refresh_from_db()
    assert elsewhere.left_on is None


def test_over_long_searches_and_odd_page_numbers_still_show_a_list(world):
    member = _client(world, "member")
    for url in ("/organisations/?q=" + "x" * 5000, "/organisations/?page=999999", "/partnerships/?page=-1&q=%00"):
        response = member.get(url)
        assert response.status_code == 200, url


def test_a_group_name_too_long_is_refused_beside_the_field(world):
    response = _client(world, "lead").post(
        "/partnerships/matrix-tp/governance/add/", {"name": "G" * 201, "kind": "board", "frequency": "monthly"}
    )
    assert 'href="#id_name"' in response.content.decode()
    assert not GovernanceGroup.objects.exists()
