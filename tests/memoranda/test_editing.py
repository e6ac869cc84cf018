"""Drafting in the browser: sections (with the length limit, safe rendering and stale saves),
adding, removing and reordering, parties and signatories, placement numbers, details."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from memoranda import services
from memoranda.models import SECTION_MAX_CHARS, Memorandum, PlaceCommitment, Section
from memoranda.selectors import committed_places
from portal.exceptions import StaleEdit
from tests import factories as f
from tests.memoranda.factories import active_memorandum, draft_memorandum, university_signatory

pytestmark = pytest.mark.django_db


def _section(m, key="aims") -> Section:
    return m.sections.get(key=key)


def _edit_url(m, section):
    return f"/memoranda/{m.pk}/sections/{section.pk}/"


def test_a_new_memorandum_starts_from_the_checklist_with_guidance(world):
    m = draft_memorandum(world)
    headings = list(m.sections.values_list("heading", flat=True))
    assert headings[0] == "Aims and outcomes" and "Review arrangements" in headings
    assert all(m.sections.values_list("guidance", flat=True))


def test_principles_and_operational_agreements_start_from_templates_that_fit_them(world, client_for):
    from memoranda.models import Kind

    principles = draft_memorandum(world, kind=Kind.PRINCIPLES, title="Overarching agreement")
    operational = draft_memorandum(world, kind=Kind.OPERATIONAL, title="Placements agreement 2027/28")
    p_headings = list(principles.sections.values_list("heading", flat=True))
    o_headings = list(operational.sections.values_list("heading", flat=True))
    # The overarching agreement is about leadership and governance; the operational one about delivery.
    assert "Governance and meetings" in p_headings and "Governance and meetings" not in o_headings
    assert "Management of assessment" in o_headings and "Management of assessment" not in p_headings
    assert "Placement numbers and priorities" in o_headings
    # Shared areas carry guidance written for each purpose.
    p_aims = principles.sections.get(key="aims").guidance
    o_aims = operational.sections.get(key="aims").guidance
    assert p_aims != o_aims and "overarching principles agreement" in o_aims
    # The checklist on the page follows the kind: no nagging about areas the kind does not cover.
    p_page = client_for("lead").get(f"/memoranda/{principles.pk}/").content.decode()
    assert "Management of assessment" not in p_page and "Governance and meetings" in p_page


def test_two_editors_with_a_stale_revision_the_second_is_refused_and_keeps_their_text(world, client_for):
    m = draft_memorandum(world)
    section = _section(m)
    first, second = client_for("lead"), client_for("admin")
    # Both open the section at revision 1.
    assert 'value="1"' in first.get(_edit_url(m, section)).content.decode()
    response = first.post(
        _edit_url(m, section), {"heading": section.heading, "body": "Aims from the lead.", "revision": 1}
    )
    assert response.status_code == 302
    response = second.post(
        _edit_url(m, section), {"heading": section.heading, "body": "The administrator's own aims.", "revision": 1}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved a change while you were editing" in html
    assert "The administrator&#x27;s own aims." in html  # their text is still in the box
    assert "What changed while you were editing" in html and "Lena Lead saved this section" in html
    assert '<ins class="moc-ins"><span class="govuk-visually-hidden">[added: </span>Aims from the lead.' in html
    assert _section(m).body == "Aims from the lead."  # nothing was overwritten
    assert 'name="revision" value="2"' in html  # a deliberate second save now goes through
    response = second.post(
        _edit_url(m, section), {"heading": section.heading, "body": "The administrator's own aims.", "revision": 2}
    )
    assert response.status_code == 302 and _section(m).body == "The administrator's own aims."


def test_the_service_refuses_a_stale_revision(world):
    m = draft_memorandum(world)
    s = _section(m)
    services.update_section(world.user("lead"), s, heading="Aims", body="one", base_revision=1)
    with pytest.raises(StaleEdit):
        services.update_section(world.user("lead"), s, heading="Aims", body="two", base_revision=1)
    assert _section(m).body == "one"


def test_an_edit_to_another_section_does_not_make_this_one_stale(world):
    m = draft_memorandum(world)
    aims, review = _section(m), _section(m, "review")
    services.update_section(world.user("lead"), review, heading=review.heading, body="Yearly", base_revision=1)
    services.update_section(world.user("lead"), aims, heading=aims.heading, body="Our aims", base_revision=1)
    assert _section(m).body == "Our aims"


def test_a_section_over_100000_characters_is_refused_with_a_message(world, client_for):
    m = draft_memorandum(world)
    section = _section(m)
    too_long = "x" * (SECTION_MAX_CHARS + 1)
    response = client_for("lead").post(_edit_url(m, section), {"heading": "Aims", "body": too_long, "revision": 1})
    html = response.content.decode()
    assert response.status_code == 200
    assert "The section is 100,001 characters long. It can be at most 100,000 characters" in html
    assert _section(m).body == ""
    with pytest.raises(ValidationError, match="at most 100,000 characters"):
        services.update_section(world.user("lead"), section, heading="Aims", body=too_long, base_revision=1)


def test_a_section_of_exactly_100000_characters_is_accepted(world):
    m = draft_memorandum(world)
    services.update_section(
        world.user("lead"), _section(m), heading="Aims", body="y" * SECTION_MAX_CHARS, base_revision=1
    )
    assert len(_section(m).body) == SECTION_MAX_CHARS


def test_html_and_script_in_text_are_shown_as_text(world, client_for):
    m = draft_memorandum(world)
    s = _section(m)
    services.update_section(
        world.user("lead"),
        s,
        heading="<b>Aims</b>",
        body='<script>alert("x")</script>\n\n- <img src=x onerror=alert(1)>',
        base_revision=1,
    )
    html = client_for("member").get(f"/memoranda/{m.pk}/").content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<li>&lt;img src=x onerror=alert(1)&gt;</li>" in html
    assert "&lt;b&gt;Aims&lt;/b&gt;" in html


def test_paragraphs_and_bullets_render_as_such(world, client_for):
    m = draft_memorandum(world)
    services.update_section(
        world.user("lead"),
        _section(m),
        heading="Aims",
        body="First paragraph.\n\n- one\n- two\n\n1. first\n2. second",
        base_revision=1,
    )
    html = client_for("member").get(f"/memoranda/{m.pk}/").content.decode()
    assert '<p class="govuk-body">First paragraph.</p>' in html
    assert '<ul class="govuk-list govuk-list--bullet"><li>one</li><li>two</li></ul>' in html
    assert '<ol class="govuk-list govuk-list--number"><li>first</li><li>second</li></ol>' in html


def test_sections_can_be_added_moved_and_removed(world, client_for):
    m = draft_memorandum(world)
    lead = client_for("lead")
    response = lead.post(f"/memoranda/{m.pk}/sections/new/", {"heading": "Local priorities", "body": "Kinship care"})
    assert response.status_code == 302
    added = m.sections.get(heading="Local priorities")
    assert list(m.sections.all())[-1] == added
    lead.post(f"/memoranda/{m.pk}/sections/order/", {"section": added.pk, "direction": "up"})
    assert list(m.sections.all())[-2] == added
    page = lead.get(f"/memoranda/{m.pk}/sections/order/").content.decode()
    assert "move Local priorities up" in page and "move Local priorities down" in page
    response = lead.post(f"/memoranda/{m.pk}/sections/{added.pk}/remove/")
    assert response.status_code == 302 and not m.sections.filter(pk=added.pk).exists()


def test_removing_a_required_section_warns_and_then_blocks_sending(world, client_for):
    m = draft_memorandum(world)
    aims = _section(m)
    page = client_for("lead").get(f"/memoranda/{m.pk}/sections/{aims.pk}/remove/").content.decode()
    assert "This area is required" in page
    services.remove_section(world.user("lead"), aims)
    check = services.completeness(Memorandum.objects.get(pk=m.pk))
    assert "Aims and outcomes: no section covers this area (required before sending)" in check["missing"]


def test_a_section_from_another_memorandum_is_not_found(world, client_for):
    m, other = draft_memorandum(world), draft_memorandum(world, title="Another")
    response = client_for("lead").get(_edit_url(m, other.sections.first()))
    assert response.status_code == 404


def test_completeness_names_each_empty_required_area_and_missing_signatory(world):
    m = draft_memorandum(world)
    check = services.completeness(m)
    assert not check["ready"]
    assert "Aims and outcomes: the section is empty (required before sending)" in check["missing"]
    assert "Activities agreed: the section is empty (required before sending)" in check["missing"]
    assert "Matrix Borough Council: choose a signatory (required before sending)" in check["missing"]
    assert "Governance and meetings" in check["optional_empty"]
    with pytest.raises(ValidationError) as refused:
        services.send_for_signature(world.user("lead"), m, base_revision=m.revision)
    assert "Review arrangements: the section is empty (required before sending)" in refused.value.messages


def test_the_send_page_lists_what_is_missing(world, client_for):
    m = draft_memorandum(world)
    html = client_for("lead").get(f"/memoranda/{m.pk}/send/").content.decode()
    assert "Not ready" in html and "Aims and outcomes: the section is empty" in html
    assert "Freeze and send for signature" not in html


def test_a_party_signatory_must_hold_the_signatory_role_for_that_organisation(world, client_for):
    m = draft_memorandum(world)
    party = m.parties.get(organisation=world.university)
    url = f"/memoranda/{m.pk}/parties/{party.pk}/"
    # The employer's signatory is not a choice for the university.
    response = client_for("lead").post(
        url,
        {
            "signatory": world.user("signatory").pk,
            "signatory_position": "Dean",
            "seniority": "head_of_faculty",
            "revision": 1,
        },
    )
    assert "Choose a signatory from the list" in response.content.decode()
    uni = university_signatory(world)
    page = client_for("lead").get(url).content.decode()
    assert "Uma University, Head of the School of Social Work" in page
    response = client_for("lead").post(
        url,
        {
            "signatory": uni.pk,
            "signatory_position": "Head of the School",
            "seniority": "head_of_faculty",
            "commitments": "- Teach",
            "revision": 1,
        },
    )
    assert response.status_code == 302
    party.refresh_from_db()
    assert (party.signatory, party.seniority, party.revision) == (uni, "head_of_faculty", 2)


def test_seniority_is_shown_and_a_low_level_signatory_is_flagged(world, client_for):
    m = draft_memorandum(world)
    party = m.parties.get(organisation=world.employer)
    services.update_party(
        world.user("lead"),
        party,
        signatory=world.user("signatory"),
        signatory_position="Team manager",
        seniority="other",
        commitments="",
        base_revision=1,
    )
    html = client_for("member").get(f"/memoranda/{m.pk}/").content.decode()
    assert "Below the usual signing level" in html and "Below the usual level" in html
    assert any("below the usual senior level" in w for w in services.completeness(m)["warnings"])


def test_a_stale_responsibilities_save_shows_the_saved_text(world, client_for):
    m = draft_memorandum(world)
    party = m.parties.get(organisation=world.employer)
    services.update_party(
        world.user("lead"),
        party,
        signatory=None,
        signatory_position="",
        seniority="",
        commitments="- Host ten students",
        base_revision=1,
    )
    response = client_for("lead").post(
        f"/memoranda/{m.pk}/parties/{party.pk}/", {"commitments": "- Host twelve students", "revision": 1}
    )
    html = response.content.decode()
    assert "Saved meanwhile by someone else" in html and "Host twelve students" in html
    assert "ten" in html  # what they saved, in the comparison


def test_placement_numbers_per_party_per_year_feed_committed_places_once_active(world, client_for):
    m = draft_memorandum(world)
    url = f"/memoranda/{m.pk}/places/?year=2026/27"
    response = client_for("lead").post(
        url,
        {
            "academic_year": "2026/27",
            f"org_{world.employer.pk}": "12",
            f"org_{world.university.pk}": "",
            "revision": 1,
        },
    )
    assert response.status_code == 302
    assert PlaceCommitment.objects.get(memorandum=m).places == 12
    assert committed_places(world.partnership, "2026/27") == {}  # only active memoranda count
    response = client_for("lead").post(
        url, {"academic_year": "2026/27", f"org_{world.employer.pk}": "-3", "revision": 2}
    )
    assert "Enter a number from 0 to 10,000 for Matrix Borough Council" in response.content.decode()
    stale = client_for("lead").post(url, {"academic_year": "2026/27", f"org_{world.employer.pk}": "9", "revision": 1})
    assert "Saved meanwhile by someone else" in stale.content.decode()
    assert PlaceCommitment.objects.get(memorandum=m).places == 12


def test_committed_places_reads_the_active_memorandum(world):
    m, _ = active_memorandum(world)
    assert committed_places(world.partnership, "2026/27") == {}
    # Numbers are set while drafting; an amendment carries them and only counts once signed.
    amendment = services.start_amendment(world.user("lead"), m)
    services.set_places(
        world.user("lead"),
        amendment,
        academic_year="2026/27",
        places={world.employer.pk: 8},
        base_revision=amendment.places_revision,
    )
    assert committed_places(world.partnership, "2026/27") == {}


def test_an_invalid_academic_year_is_refused(world):
    m = draft_memorandum(world)
    with pytest.raises(ValidationError):
        services.set_places(world.user("lead"), m, academic_year="2026/28", places={}, base_revision=1)


def test_details_change_parties_and_stale_details_are_refused(world, client_for):
    m = draft_memorandum(world)
    extra = f.PartnerFactory(
        partnership=world.partnership, organisation=f.OrganisationFactory(name="Extra Trust")
    ).organisation
    url = f"/memoranda/{m.pk}/details/"
    data = {
        "kind": "operational",
        "title": "Placements agreement 2026/27",
        "organisations": [world.employer.pk, extra.pk],
        "start_date": "2026-09-01",
        "review_interval_months": 12,
        "revision": 1,
    }
    response = client_for("lead").post(url, data)
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.title == "Placements agreement 2026/27" and m.kind == "operational"
    assert set(m.parties.values_list("organisation__name", flat=True)) == {"Matrix Borough Council", "Extra Trust"}
    stale = client_for("lead").post(url, {**data, "title": "Older idea"})
    assert "Saved meanwhile by someone else" in stale.content.decode()
    assert Memorandum.objects.get(pk=m.pk).title == "Placements agreement 2026/27"


def test_an_organisation_outside_the_partnership_cannot_be_a_party(world):
    outsider = f.OrganisationFactory(name="Far Away Council")
    with pytest.raises(ValidationError):
        services.create_memorandum(
            world.user("lead"),
            world.partnership,
            kind="principles",
            title="x",
            organisations=[outsider],
            start_date=date(2026, 9, 1),
        )
