"""The partnership and organisation pages as people use them: what they show, what the forms do,
and that the number of queries does not grow with the data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnerships.models import Membership, Organisation, Partner, Partnership, Role
from portal import registry
from portal.audit import record
from tests import factories as f

pytestmark = pytest.mark.django_db


TEST_TEMPLATES = Path(__file__).parent / "templates"


def _html(response) -> str:
    return response.content.decode()


# --- Partnership list ---------------------------------------------------------------------------


def test_the_list_shows_a_member_only_their_partnerships_with_their_role(client_for, world):
    f.PartnershipFactory(name="Hidden Partnership")
    html = _html(client_for("coordinator").get("/partnerships/"))
    assert "Matrix Teaching Partnership" in html
    assert "Coordinator" in html
    assert "Hidden Partnership" not in html
    assert "Elsewhere Partnership" not in html


def test_the_list_filters_by_region_status_and_name(client_for, world):
    f.PartnershipFactory(name="Northern Alliance", region="north-east", status="sustaining")
    admin = client_for("admin")
    assert "Northern Alliance" in _html(admin.get("/partnerships/?region=north-east"))
    by_region = _html(admin.get("/partnerships/?region=north-east"))
    assert "Matrix Teaching Partnership" not in by_region
    assert "1 partnership match the filters" in by_region
    assert "Northern Alliance" not in _html(admin.get("/partnerships/?status=active"))
    assert "Matrix Teaching Partnership" in _html(admin.get("/partnerships/?q=matrix"))
    empty = _html(admin.get("/partnerships/?q=nothing-like-this"))
    assert "No partnerships match these filters" in empty


def test_a_bad_filter_value_is_ignored_not_an_error(client_for, world):
    response = client_for("admin").get("/partnerships/?region=atlantis&status=%00&page=x")
    assert response.status_code == 200
    assert "Matrix Teaching Partnership" in _html(response)


def test_someone_in_no_partnership_is_told_what_to_do(client):
    client.force_login(f.UserFactory())
    assert "Ask a partnership lead to add you" in _html(client.get("/partnerships/"))


def _partnerships(n: int, user) -> None:
    for _ in range(n):
        partnership = f.PartnershipFactory()
        for _ in range(3):
            f.PartnerFactory(partnership=partnership)
        f.MembershipFactory(partnership=partnership, user=user, role=Role.MEMBER)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("count", [5, 50])
def test_the_partnership_list_needs_the_same_queries_for_5_and_50_partnerships(
    count, client, django_assert_max_num_queries
):
    user = f.UserFactory()
    _partnerships(count, user)
    client.force_login(user)
    with django_assert_max_num_queries(8):
        response = client.get("/partnerships/")
    assert response.status_code == 200
    assert f"{count} partnerships" in _html(response)


def test_the_partnership_list_query_count_does_not_grow(client):
    user = f.UserFactory()
    client.force_login(user)
    _partnerships(5, user)
    small = _queries(client, "/partnerships/")
    _partnerships(45, user)
    assert _queries(client, "/partnerships/") == small


# --- The partnership page ----------------------------------------------------------------------


def _fill(world, size: int) -> None:
    """Partners, aims with outcomes and responsibilities, groups with meetings, people."""
    partnership = world.partnership
    partners = [f.PartnerFactory(partnership=partnership) for _ in range(size)]
    for a in range(size):
        aim = f.AimFactory(partnership=partnership, title=f"Aim {a}")
        for _ in range(2):
            outcome = f.OutcomeFactory(aim=aim)
            for partner in partners[:3]:
                outcome.responsibilities.create(  # type: ignore[attr-defined]  # a factory call returns the model at run time
                    partner=partner, responsibility="Does a share"
                )
        group = f.GovernanceGroupFactory(partnership=partnership)
        for m in range(4):
            f.MeetingFactory(group=group, held_on=dt.date(2026, 1 + m, 1), decisions=f"Decision {a}.{m}")
        f.MembershipFactory(partnership=partnership, role=Role.SIGNATORY, organisation=partners[a].organisation)
    for n in range(size):
        record(
            world.user("lead"), "partnership.updated", partnership, summary=f"Change {n}", partnership_id=partnership.pk
        )


def test_the_partnership_page_needs_the_same_queries_however_full_it_is(client_for, world):
    # Other apps' sections load on their own (partnership_section), so they add nothing here.
    client = client_for("lead")
    _fill(world, 2)
    small = _queries(client, "/partnerships/matrix-tp/")
    _fill(world, 12)
    assert _queries(client, "/partnerships/matrix-tp/") == small
    assert small <= 15


def test_the_partnership_page_shows_every_section_at_a_glance(client_for, world):
    aim = f.AimFactory(partnership=world.partnership, title="Enough good placements")
    outcome = f.OutcomeFactory(aim=aim, description="Every student has a statutory placement", target="100%")
    outcome.responsibilities.create(partner=world.employer_partner, responsibility="Offers statutory placements")
    group = f.GovernanceGroupFactory(partnership=world.partnership, name="Strategic board", chair="Director")
    f.MeetingFactory(group=group, held_on=dt.date(2026, 9, 24), decisions="Agreed the placement plan")
    html = _html(client_for("member").get("/partnerships/matrix-tp/"))
    for tab in ("Overview", "Partners", "Aims and outcomes", "Governance", "People", "History"):
        assert f">{tab}</a>" in html
    assert "Matrix Borough Council" in html and "Lead partner" in html
    assert "Every student has a statutory placement" in html
    assert "Matrix Borough Council:</strong> Offers statutory placements" in html
    assert "Strategic board" in html and "24 September 2026" in html
    assert "Agreed the placement plan" in html
    assert "Max Member" in html and "Signatory (senior manager)" in html
    # A member reads; the buttons to change things are for leads.
    assert "Change the partnership details" not in html
    assert "Add a person" not in html


def test_a_lead_sees_the_buttons_and_the_partners_nobody_can_sign_for(client_for, world):
    html = _html(client_for("lead").get("/partnerships/matrix-tp/"))
    assert "Change the partnership details" in html
    assert "Add a partner" in html and "Add a joint aim" in html and "Add a person" in html
    # The university has no signatory in the world.
    assert "Nobody can sign for University of Matrix" in html
    assert f"?organisation={world.university.pk}" in html


def test_other_apps_sections_are_tabs_that_load_on_their_own(client_for, world, monkeypatch, settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEST_TEMPLATES]}]
    shown = registry.PartnershipPanel(
        key="shared-figures",
        title="Shared figures",
        template="section_for_tests.html",
        context=lambda u, p: {"message": f"Figures for {p.name}"},
    )
    empty = registry.PartnershipPanel(
        key="nothing", title="Nothing here", template="includes/empty_state.html", context=lambda u, p: None
    )
    monkeypatch.setattr(registry, "_partnership_panels", [shown, empty])
    client = client_for("member")
    html = _html(client.get("/partnerships/matrix-tp/"))
    assert 'href="#shared-figures">Shared figures</a>' in html and 'id="shared-figures"' in html
    assert "Figures for" not in html  # not computed with the page
    assert 'href="/partnerships/matrix-tp/sections/shared-figures/">Open shared figures for' in html
    fragment = _html(client.get("/partnerships/matrix-tp/sections/shared-figures/?fragment=1"))
    assert "Figures for Matrix Teaching Partnership" in fragment and "<html" not in fragment
    page = _html(client.get("/partnerships/matrix-tp/sections/shared-figures/"))
    assert '<h1 class="govuk-heading-xl">Shared figures</h1>' in page and "Figures for Matrix" in page
    assert "nothing to show here for you" in _html(client.get("/partnerships/matrix-tp/sections/nothing/"))
    assert client.get("/partnerships/matrix-tp/sections/no-such-thing/").status_code == 404


def test_every_registered_section_of_the_apps_has_its_tab_and_renders(client_for, world):
    client = client_for("lead")
    html = _html(client.get("/partnerships/matrix-tp/"))
    for section in registry.partnership_sections():
        assert f'id="{section.key}"' in html and section.title in html
        response = client.get(f"/partnerships/matrix-tp/sections/{section.key}/?fragment=1")
        assert response.status_code == 200, section.key


def test_the_history_panel_shows_who_changed_what(client_for, world):
    client = client_for("lead")
    client.post(
        "/partnerships/matrix-tp/edit/",
        {
            "name": "Matrix Teaching Partnership",
            "region": "london",
            "status": "sustaining",
            "established_on": "2016-09-01",
            "revision": "1",
        },
    )
    html = _html(client_for("member").get("/partnerships/matrix-tp/"))
    assert "Changed the partnership&#x27;s status" in html
    assert "Lena Lead" in html
    full = _html(client_for("member").get("/partnerships/matrix-tp/history/"))
    assert "Changed the partnership&#x27;s status" in full


def test_an_outsider_gets_not_found_and_a_member_without_the_role_forbidden(client_for, world):
    assert client_for("non_member").get("/partnerships/matrix-tp/").status_code == 404
    forbidden = client_for("member").get("/partnerships/matrix-tp/edit/")
    assert forbidden.status_code == 403
    assert "Only partnership leads and site administrators can do this" in _html(forbidden)


# --- Changing things through the pages ----------------------------------------------------------


def test_a_lead_changes_the_partnership_details(client_for, world):
    client = client_for("lead")
    form = client.get("/partnerships/matrix-tp/edit/")
    assert 'name="revision" value="1"' in _html(form)
    response = client.post(
        "/partnerships/matrix-tp/edit/",
        {"name": "Matrix Teaching Partnership", "region": "london", "status": "active", "description": "Fresh words"},
        follow=True,
    )
    assert "The partnership details are saved" not in _html(response)  # no revision posted: refused as stale
    response = client.post(
        "/partnerships/matrix-tp/edit/",
        {
            "name": "Matrix Teaching Partnership",
            "region": "london",
            "status": "active",
            "description": "Fresh words",
            "established_on": "2016-09-01",
            "revision": "1",
        },
        follow=True,
    )
    assert "The partnership details are saved" in _html(response)
    assert "Fresh words" in _html(response)


def test_a_stale_edit_is_refused_and_keeps_the_users_text_beside_the_saved_version(client_for, world):
    lead, admin = client_for("lead"), client_for("admin")
    base = {"name": "Matrix Teaching Partnership", "region": "london", "status": "active", "revision": "1"}
    admin.post("/partnerships/matrix-tp/edit/", {**base, "description": "The administrator's words"})
    response = lead.post("/partnerships/matrix-tp/edit/", {**base, "description": "The lead's words"})
    html = _html(response)
    assert response.status_code == 200
    assert "Someone else saved a change while you were editing" in html
    assert "The lead&#x27;s words</textarea>" in html
    assert "Saved meanwhile by someone else" in html and "The administrator&#x27;s words" in html
    assert 'name="revision" value="2"' in html
    Partnership.objects.get(slug="matrix-tp").description == "The administrator's words"
    # Having seen both, the lead saves deliberately.
    lead.post("/partnerships/matrix-tp/edit/", {**base, "description": "The lead's words", "revision": "2"})
    assert Partnership.objects.get(slug="matrix-tp").description == "The lead's words"


def test_adding_a_partner_through_the_page(client_for, world):
    newcomer = f.OrganisationFactory(name="After Adoption", kind="voluntary")
    client = client_for("lead")
    page = _html(client.get("/partnerships/matrix-tp/partners/add/"))
    assert "After Adoption" in page
    assert f'value="{world.employer.pk}"' not in page  # already a partner: not offered
    response = client.post(
        "/partnerships/matrix-tp/partners/add/",
        {"organisation": newcomer.pk, "level": "associate", "joined_on": "14/09/2026", "contribution": "Placements"},
        follow=True,
    )
    assert "After Adoption is now a partner" in _html(response)
    assert Partner.objects.get(organisation=newcomer).joined_on == dt.date(2026, 9, 14)


def test_leaving_before_joining_shows_the_error_beside_the_field_and_keeps_the_input(client_for, world):
    response = client_for("lead").post(
        f"/partnerships/matrix-tp/partners/{world.university_partner.pk}/edit/",
        {
            "level": "core",
            "joined_on": "2020-05-01",
            "left_on": "2020-04-30",
            "contribution": "Teaching and more",
            "revision": "1",
        },
    )
    html = _html(response)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert 'href="#id_left_on_0"' in html
    assert "The date they left must be the same as or after the date they joined" in html
    # What was typed stays in the day, month and year boxes.
    assert 'name="left_on_0" value="30"' in html and 'name="left_on_1" value="4"' in html
    assert 'name="left_on_2" value="2020"' in html and "Teaching and more" in html
    world.university_partner.refresh_from_db()
    assert world.university_partner.left_on is None


def test_recording_that_a_partner_left(client_for, world):
    response = client_for("lead").post(
        f"/partnerships/matrix-tp/partners/{world.university_partner.pk}/left/", {"left_on": "2026-03-31"}, follow=True
    )
    html = _html(response)
    assert "University of Matrix is recorded as having left" in html
    assert "Former partners" in html


def test_adding_an_aim_then_its_outcome_with_responsibilities(client_for, world):
    client = client_for("lead")
    response = client.post("/partnerships/matrix-tp/aims/add/", {"title": "Grow practice educators"}, follow=True)
    assert "Add an outcome" in _html(response)
    assert "What Matrix Borough Council does" in _html(response)
    aim = world.partnership.aims.get()
    response = client.post(
        f"/partnerships/matrix-tp/aims/{aim.pk}/outcomes/add/",
        {
            "description": "More current practice educators",
            "measure": "Practice educators current",
            "target": "Up a tenth",
            "evaluation": "Forum reviews the register",
            f"responsibility_{world.employer_partner.pk}": "Releases staff for training",
            f"responsibility_{world.university_partner.pk}": "",
        },
        follow=True,
    )
    html = _html(response)
    assert "The outcome is added" in html
    assert "Matrix Borough Council:</strong> Releases staff for training" in html


def test_removing_an_aim_asks_first(client_for, world):
    aim = f.AimFactory(partnership=world.partnership, title="Short-lived aim")
    client = client_for("lead")
    assert "Remove the aim “Short-lived aim”?" in _html(client.get(f"/partnerships/matrix-tp/aims/{aim.pk}/remove/"))
    client.post(f"/partnerships/matrix-tp/aims/{aim.pk}/remove/")
    assert not world.partnership.aims.exists()


def test_a_coordinator_records_a_meeting(client_for, world):
    group = f.GovernanceGroupFactory(partnership=world.partnership, name="Operational group")
    client = client_for("coordinator")
    response = client.post(
        f"/partnerships/matrix-tp/governance/{group.pk}/meetings/add/",
        {"held_on": "2026-11-12", "attendees": "Coordinators", "decisions": "Matched placements", "notes": ""},
        follow=True,
    )
    html = _html(response)
    assert "The meeting is recorded" in html
    assert "Thursday 12 November 2026" in html and "Matched placements" in html


def test_a_group_chaired_from_outside_the_partnership_cannot_be_chosen(client_for, world):
    outsider = f.OrganisationFactory(name="Not A Partner Council")
    response = client_for("lead").post(
        "/partnerships/matrix-tp/governance/add/",
        {"name": "Board", "kind": "board", "frequency": "quarterly", "chair_organisation": outsider.pk},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in _html(response)
    assert not world.partnership.groups.exists()


# --- People --------------------------------------------------------------------------------------


def test_inviting_a_person_through_the_page(client_for, world, mailoutbox):
    response = client_for("lead").post(
        "/partnerships/matrix-tp/people/add/",
        {"email": "new.person@example.org", "full_name": "New Person", "role": "member", "job_title": "Carer"},
        follow=True,
    )
    assert "New Person is invited. They get an email at new.person@example.org" in _html(response)
    assert "Invited" in _html(response)
    assert len(mailoutbox) == 1


def test_the_invite_link_for_a_missing_signatory_preselects_the_organisation(client_for, world):
    html = _html(client_for("lead").get(f"/partnerships/matrix-tp/people/add/?organisation={world.university.pk}"))
    assert f'<option value="{world.university.pk}" selected>' in html


def test_a_signatory_for_an_organisation_that_is_not_a_partner_is_refused_on_the_page(client_for, world):
    response = client_for("lead").post(
        "/partnerships/matrix-tp/people/add/",
        {"email": "s@example.org", "full_name": "Sig Natory", "role": "signatory", "organisation": ""},
    )
    html = _html(response)
    assert response.status_code == 200
    assert 'href="#id_organisation"' in html
    assert "Choose the partner organisation this signatory signs for" in html
    assert 'value="s@example.org"' in html and 'value="Sig Natory"' in html


def test_changing_a_role_and_removing_a_person(client_for, world):
    membership = Membership.objects.get(partnership=world.partnership, user=world.user("member"))
    client = client_for("lead")
    response = client.post(
        f"/partnerships/matrix-tp/people/{membership.pk}/edit/",
        {"role": "coordinator", "organisation": world.employer.pk, "job_title": "Workforce lead", "revision": "1"},
        follow=True,
    )
    assert "Max Member&#x27;s role is saved" in _html(response)
    membership.refresh_from_db()
    assert (membership.role, membership.organisation) == ("coordinator", world.employer)
    response = client.post(f"/partnerships/matrix-tp/people/{membership.pk}/remove/", follow=True)
    assert "Max Member is removed from the partnership" in _html(response)
    assert client_for("member").get("/partnerships/matrix-tp/").status_code == 404


def test_removing_the_last_lead_is_explained_on_the_page(client_for, world):
    lead_membership = Membership.objects.get(partnership=world.partnership, role=Role.LEAD)
    response = client_for("lead").post(f"/partnerships/matrix-tp/people/{lead_membership.pk}/remove/")
    assert response.status_code == 200
    assert "Lena Lead is the only partnership lead" in _html(response)
    assert Membership.objects.filter(pk=lead_membership.pk).exists()


# --- Organisations -------------------------------------------------------------------------------


def test_the_organisation_list_filters_searches_and_pages(client_for, world):
    for n in range(30):
        f.UniversityFactory(name=f"University of Somewhere {n:02d}", region="north-east")
    client = client_for("member")
    first = _html(client.get("/organisations/?kind=university&region=north-east"))
    assert "30 organisations match the filters" in first
    assert "Page 1 of 2" in first
    assert "kind=university&amp;region=north-east&amp;page=2" in first
    second = _html(client.get("/organisations/?kind=university&region=north-east&page=2"))
    assert "University of Somewhere 29" in second
    assert "Matrix Borough Council" not in first
    assert "Matrix Borough Council" in _html(client.get("/organisations/?q=borough"))


def test_registering_an_organisation_refuses_a_duplicate_name_beside_the_field(client_for, world):
    client = client_for("lead")
    data = {"name": "matrix borough council", "kind": "local-authority", "region": "london"}
    response = client.post("/organisations/new/", data)
    html = _html(response)
    assert "An organisation called Matrix Borough Council is already registered" in html
    assert 'href="#id_name"' in html
    response = client.post(
        "/organisations/new/", {**data, "name": "Ealing Council", "la_services": "both"}, follow=True
    )
    assert "Ealing Council is registered" in _html(response)
    assert Organisation.objects.get(name="Ealing Council").la_services == "both"


def test_an_organisation_page_shows_only_partnerships_the_user_can_see(client_for, world):
    hidden = f.PartnershipFactory(name="Secret Partnership")
    f.PartnerFactory(partnership=hidden, organisation=world.employer)
    record(
        world.user("admin"),
        "partner.added",
        world.employer,
        summary="Joined the secret one",
        partnership_id=hidden.pk,
        organisation_id=world.employer.pk,
    )
    record(
        world.user("lead"),
        "organisation.updated",
        world.employer,
        summary="Changed the website",
        organisation_id=world.employer.pk,
    )
    html = _html(client_for("member").get(f"/organisations/{world.employer.pk}/"))
    assert "Matrix Teaching Partnership" in html
    assert "Secret Partnership" not in html
    assert "Joined the secret one" not in html
    assert "Changed the website" in html
    admin = _html(client_for("admin").get(f"/organisations/{world.employer.pk}/"))
    assert "Secret Partnership" in admin and "Joined the secret one" in admin


# --- Dashboard -----------------------------------------------------------------------------------


def test_a_lead_is_asked_to_add_a_signatory_where_one_is_missing(client_for, world):
    html = _html(client_for("lead").get("/"))
    assert "Add a signatory for University of Matrix" in html
    assert "No signatory" in html
    assert "Add a signatory" not in _html(client_for("coordinator").get("/"))


def test_a_site_administrator_with_no_partnerships_is_offered_to_create_one(client):
    client.force_login(f.UserFactory(is_staff=True))
    html = _html(client.get("/"))
    assert "There are no partnerships yet" in html
    assert "/partnerships/new/" in html


def test_a_site_administrator_creates_a_partnership(client_for, world):
    response = client_for("admin").post(
        "/partnerships/new/",
        {
            "name": "Cumbria Teaching Partnership",
            "slug": "",
            "region": "north-west",
            "status": "forming",
            "lead_organisation": world.university.pk,
        },
        follow=True,
    )
    html = _html(response)
    assert "Cumbria Teaching Partnership is created" in html
    partnership = Partnership.objects.get(slug="cumbria-teaching-partnership")
    assert partnership.partners.get().organisation == world.university


# --- People ------------------------------------------------------------------------------------


def _members(world, count: int) -> None:
    for n in range(count):
        f.MembershipFactory(
            partnership=world.partnership, user=f.UserFactory(full_name=f"Zed Member {n:03d}"), role=Role.MEMBER
        )


def test_a_large_partnership_page_lists_the_first_people_and_links_to_everyone(client_for, world):
    _members(world, 40)
    html = _html(client_for("lead").get("/partnerships/matrix-tp/"))
    people = html[html.index('id="people"') :]
    assert "See all 44 people" in people  # the world's four, and forty more
    assert people.count('cell">Zed Member') == 25 - 4  # the lead, signatory and coordinator come first
    assert people.index("Lena Lead") < people.index("Sam Signatory") < people.index("Zed Member 000")
    assert ">44</span>" in html  # the headline figure counts everyone, not just those listed


def test_the_people_page_filters_by_role_and_searches_by_name(client_for, world):
    _members(world, 3)
    client = client_for("member")
    signatories = _html(client.get("/partnerships/matrix-tp/people/?role=signatory"))
    assert "Sam Signatory" in signatories and "Zed Member" not in signatories and "1 person match" in signatories
    found = _html(client.get("/partnerships/matrix-tp/people/?q=zed+member+002"))
    assert "Zed Member 002" in found and "Zed Member 001" not in found
    nobody = _html(client.get("/partnerships/matrix-tp/people/?q=nobody-like-this"))
    assert "Nobody matches these filters" in nobody


def test_the_people_page_needs_the_same_queries_for_few_and_many_people(client_for, world):
    client = client_for("lead")
    _members(world, 5)
    small = _queries(client, "/partnerships/matrix-tp/people/")
    _members(world, 80)
    assert _queries(client, "/partnerships/matrix-tp/people/") == small
