"""The partnership services: who may do what, the rules they keep, and the audit trail they write."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client

from partnerships import services
from partnerships.models import (
    Aim,
    Membership,
    Organisation,
    OrganisationKind,
    OutcomeResponsibility,
    Partner,
    PartnerLevel,
    Partnership,
    Region,
    Role,
)
from portal.audit import verify_chain
from portal.exceptions import StaleEdit
from portal.models import AuditEvent, OutgoingMail, User
from tests import factories as f

pytestmark = pytest.mark.django_db

ORG = {
    "name": "Tameside Metropolitan Borough Council",
    "kind": OrganisationKind.LOCAL_AUTHORITY,
    "region": "north-west",
}


def _last_event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Organisations -----------------------------------------------------------------------------


def test_a_lead_registers_an_organisation_and_it_is_audited(world):
    organisation = services.create_organisation(world.user("lead"), data=dict(ORG))
    assert organisation.name == "Tameside Metropolitan Borough Council"
    event = _last_event("organisation.created")
    assert event.summary == "Registered the organisation Tameside Metropolitan Borough Council"
    assert event.organisation_id == organisation.pk
    assert event.actor == world.user("lead")
    assert verify_chain() == []


def test_a_duplicate_name_is_refused_whatever_its_case_and_spacing(world):
    services.create_organisation(world.user("lead"), data=dict(ORG))
    with pytest.raises(ValidationError) as refused:
        services.create_organisation(
            world.user("admin"), data={**ORG, "name": "  tameside metropolitan  BOROUGH council "}
        )
    assert "already registered" in refused.value.message_dict["name"][0]
    assert Organisation.objects.filter(name__iexact=ORG["name"]).count() == 1


def test_a_member_without_a_lead_role_cannot_register_an_organisation(world):
    with pytest.raises(PermissionDenied):
        services.create_organisation(world.user("coordinator"), data=dict(ORG))


def test_only_local_authorities_have_childrens_or_adults_services(world):
    with pytest.raises(ValidationError) as refused:
        services.create_organisation(
            world.user("lead"), data={**ORG, "kind": OrganisationKind.UNIVERSITY, "la_services": "both"}
        )
    assert "la_services" in refused.value.message_dict


def test_an_organisation_edit_based_on_an_old_revision_is_refused(world):
    organisation = world.employer
    services.update_organisation(
        world.user("lead"), organisation, data={"region": Region.NORTH_WEST}, base_revision=organisation.revision
    )
    with pytest.raises(StaleEdit):
        services.update_organisation(world.user("admin"), organisation, data={"region": Region.EAST}, base_revision=1)
    organisation.refresh_from_db()
    assert (organisation.region, organisation.revision) == (Region.NORTH_WEST, 2)
    event = _last_event("organisation.updated")
    assert event.summary == "Changed the region of Matrix Borough Council"
    assert event.changes == {"region": ["london", "north-west"]}


def test_a_lead_can_change_only_organisations_in_their_partnerships(world):
    stranger = f.OrganisationFactory(name="Far Away Council")
    with pytest.raises(PermissionDenied):
        services.update_organisation(world.user("lead"), stranger, data={"region": Region.EAST}, base_revision=1)
    with pytest.raises(PermissionDenied):
        # The outsider leads another partnership, but not one Matrix Borough Council is in.
        services.update_organisation(world.user("non_member"), world.employer, data={"region": "east"}, base_revision=1)


# --- Partnerships ------------------------------------------------------------------------------


def test_only_site_administrators_create_partnerships(world):
    data = {"name": "Cumbria Teaching Partnership", "region": Region.NORTH_WEST, "status": "forming"}
    with pytest.raises(PermissionDenied):
        services.create_partnership(world.user("lead"), data=data)
    partnership = services.create_partnership(world.user("admin"), data=data, lead_organisation=world.university)
    assert partnership.slug == "cumbria-teaching-partnership"
    assert partnership.partners.get().level == PartnerLevel.LEAD
    assert _last_event("partnership.created").partnership_id == partnership.pk


def test_a_new_partnership_gets_a_free_web_address_and_never_a_reserved_one(world):
    admin = world.user("admin")
    first = services.create_partnership(admin, data={"name": "New", "region": "london", "status": "active"})
    assert first.slug == "new-2"
    with pytest.raises(ValidationError) as refused:
        services.create_partnership(admin, data={"name": "Other", "slug": "matrix-tp", "region": "london"})
    assert "slug" in refused.value.message_dict
    with pytest.raises(ValidationError) as duplicate:
        services.create_partnership(admin, data={"name": "matrix teaching partnership", "region": "london"})
    assert "already a partnership called" in duplicate.value.message_dict["name"][0]


def test_a_lead_updates_the_partnership_and_a_stale_edit_is_refused(world):
    partnership = world.partnership
    services.update_partnership(
        world.user("lead"), partnership, data={"description": "New words"}, base_revision=partnership.revision
    )
    with pytest.raises(StaleEdit) as stale:
        services.update_partnership(
            world.user("admin"), partnership, data={"description": "Older words"}, base_revision=1
        )
    assert stale.value.current_revision == 2
    partnership.refresh_from_db()
    assert partnership.description == "New words"
    assert _last_event("partnership.updated").summary == "Changed the partnership's description"


def test_members_cannot_update_the_partnership_and_outsiders_cannot_see_it(world):
    with pytest.raises(PermissionDenied):
        services.update_partnership(world.user("coordinator"), world.partnership, data={}, base_revision=1)
    with pytest.raises(Http404):
        services.update_partnership(world.user("non_member"), world.partnership, data={}, base_revision=1)


def test_saving_without_changes_writes_no_event(world):
    before = AuditEvent.objects.count()
    services.update_partnership(
        world.user("lead"), world.partnership, data={"name": world.partnership.name}, base_revision=1
    )
    assert AuditEvent.objects.count() == before
    world.partnership.refresh_from_db()
    assert world.partnership.revision == 1


# --- Partners ----------------------------------------------------------------------------------


def test_a_lead_adds_a_partner(world):
    voluntary = f.OrganisationFactory(name="After Adoption", kind=OrganisationKind.VOLUNTARY)
    partner = services.add_partner(
        world.user("lead"),
        world.partnership,
        data={"organisation": voluntary, "level": PartnerLevel.ASSOCIATE, "joined_on": dt.date(2026, 1, 5)},
    )
    assert partner.partnership == world.partnership
    event = _last_event("partner.added")
    assert event.summary == "Added After Adoption as associate partner"
    assert (event.partnership_id, event.organisation_id) == (world.partnership.pk, voluntary.pk)


def test_an_organisation_is_a_partner_only_once(world):
    with pytest.raises(ValidationError) as refused:
        services.add_partner(world.user("lead"), world.partnership, data={"organisation": world.university})
    assert "already a partner" in refused.value.message_dict["organisation"][0]


def test_leaving_before_joining_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        services.update_partner(
            world.user("lead"),
            world.university_partner,
            data={"joined_on": dt.date(2020, 5, 1), "left_on": dt.date(2020, 4, 30)},
            base_revision=1,
        )
    assert "left_on" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.end_partner(world.user("lead"), world.university_partner, left_on=dt.date(2016, 8, 31))
    world.university_partner.refresh_from_db()
    assert world.university_partner.left_on is None


def test_there_is_one_lead_partner_at_a_time(world):
    with pytest.raises(ValidationError) as refused:
        services.update_partner(
            world.user("lead"), world.university_partner, data={"level": PartnerLevel.LEAD}, base_revision=1
        )
    assert "Matrix Borough Council is the lead partner" in refused.value.message_dict["level"][0]


def test_ending_a_partnership_records_the_date_and_keeps_the_partner(world):
    partner = services.end_partner(world.user("lead"), world.university_partner, left_on=dt.date(2026, 3, 31))
    assert not partner.is_current
    assert Partner.objects.filter(pk=partner.pk).exists()
    assert _last_event("partner.ended").summary == (
        "Recorded that University of Matrix left the partnership on 31 March 2026"
    )
    with pytest.raises(ValidationError):
        services.end_partner(world.user("lead"), partner, left_on=dt.date(2026, 4, 1))


# --- Aims, outcomes and responsibilities --------------------------------------------------------


def test_aims_and_outcomes_with_each_partners_responsibility(world):
    lead = world.user("lead")
    aim = services.add_aim(lead, world.partnership, data={"title": "Enough placements", "description": ""})
    second = services.add_aim(lead, world.partnership, data={"title": "Grow practice educators"})
    assert (aim.position, second.position) == (0, 1)
    outcome = services.add_outcome(
        lead,
        aim,
        data={"description": "Every student has a statutory placement", "measure": "Share", "target": "100%"},
        responsibilities={world.employer_partner.pk: "Offers statutory placements", world.university_partner.pk: ""},
    )
    assert [r.responsibility for r in outcome.responsibilities.all()] == ["Offers statutory placements"]
    services.update_outcome(
        lead,
        outcome,
        data={"evaluation": "Checked each term"},
        base_revision=1,
        responsibilities={world.employer_partner.pk: "", world.university_partner.pk: "Shares numbers"},
    )
    assert [(r.partner_id, r.responsibility) for r in OutcomeResponsibility.objects.filter(outcome=outcome)] == [
        (world.university_partner.pk, "Shares numbers")
    ]
    event = _last_event("outcome.updated")
    assert event.changes["responsibility of Matrix Borough Council"] == ["Offers statutory placements", None]
    assert event.changes["evaluation"] == ["", "Checked each term"]


def test_a_responsibility_for_an_organisation_outside_the_partnership_is_refused(world):
    aim = services.add_aim(world.user("lead"), world.partnership, data={"title": "Aim"})
    elsewhere = Partner.objects.get(partnership=world.other_partnership)
    with pytest.raises(ValidationError):
        services.add_outcome(world.user("lead"), aim, data={"description": "X"}, responsibilities={elsewhere.pk: "Y"})
    assert not aim.outcomes.exists()


def test_removing_an_aim_removes_its_outcomes_and_is_audited(world):
    aim = f.AimFactory(partnership=world.partnership, title="Old aim")
    f.OutcomeFactory(aim=aim)
    services.delete_aim(world.user("lead"), aim)
    assert not Aim.objects.filter(pk=aim.pk).exists()
    assert _last_event("aim.deleted").summary == "Removed the aim “Old aim” and its 1 outcome(s)"


def test_a_coordinator_cannot_change_aims(world):
    with pytest.raises(PermissionDenied):
        services.add_aim(world.user("coordinator"), world.partnership, data={"title": "Mine"})


# --- Governance ---------------------------------------------------------------------------------


def test_groups_are_named_once_and_chaired_from_a_partner(world):
    lead = world.user("lead")
    data = {"name": "Strategic board", "kind": "board", "frequency": "quarterly", "chair_organisation": world.employer}
    services.add_group(lead, world.partnership, data=data)
    with pytest.raises(ValidationError) as duplicate:
        services.add_group(lead, world.partnership, data={**data, "name": "strategic BOARD"})
    assert "name" in duplicate.value.message_dict
    outsider = f.OrganisationFactory(name="Not A Partner Council")
    with pytest.raises(ValidationError) as refused:
        services.add_group(lead, world.partnership, data={**data, "name": "Forum", "chair_organisation": outsider})
    assert "chair_organisation" in refused.value.message_dict


def test_coordinators_record_meetings_and_members_cannot(world):
    group = f.GovernanceGroupFactory(partnership=world.partnership, name="Operational group")
    meeting = services.record_meeting(
        world.user("coordinator"), group, data={"held_on": dt.date(2026, 11, 12), "decisions": "Agreed the plan"}
    )
    assert _last_event("meeting.recorded").summary == "Recorded the Operational group meeting of 12 November 2026"
    services.update_meeting(world.user("lead"), meeting, data={"notes": "Minutes approved"}, base_revision=1)
    assert _last_event("meeting.updated").changes == {"notes": ["", "Minutes approved"]}
    with pytest.raises(PermissionDenied):
        services.record_meeting(world.user("member"), group, data={"held_on": dt.date(2026, 11, 13)})


# --- Memberships and invitations ------------------------------------------------------------------


def test_inviting_a_new_person_creates_an_account_and_emails_a_link_that_sets_the_password(world):
    invitation = services.invite_member(
        world.user("lead"),
        world.partnership,
        email=" Priya.Shah@Example.org ",
        full_name="Priya Shah",
        role=Role.COORDINATOR,
        organisation=world.employer,
        job_title="Workforce lead",
    )
    user = invitation.membership.user
    assert invitation.new_account
    assert user.email == "priya.shah@example.org"
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["priya.shah@example.org"]
    assert "Matrix Teaching Partnership" in message.subject
    assert "as coordinator for Matrix Borough Council" in message.body
    assert _last_event("membership.added").summary == (
        "Invited Priya Shah (priya.shah@example.org) as coordinator for Matrix Borough Council"
    )

    # The link in the e-mail sets the password, signs the person in and then stops working.
    link = re.search(r"https?://[^/\s]+(/accounts/welcome/\S+/)", message.body).group(1)
    client = Client()
    form_page = client.get(link, follow=True)
    assert "Set your password" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-long-new-passphrase", "new_password2": "a-long-new-passphrase"},
        follow=True,
    )
    assert "Your password is set" in response.content.decode()
    assert world.partnership.name in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("a-long-new-passphrase")
    assert "This link has expired" in Client().get(link, follow=True).content.decode()


def test_someone_with_an_account_is_simply_added(world):
    existing = f.UserFactory(email="known@example.org", full_name="Known Person")
    invitation = services.invite_member(world.user("lead"), world.partnership, email="KNOWN@example.org")
    assert not invitation.new_account
    assert invitation.membership.user == existing
    assert invitation.membership.role == Role.MEMBER
    assert mail.outbox == []
    assert _last_event("membership.added").summary == "Added Known Person (known@example.org) as member"


def test_an_existing_member_is_not_added_twice_but_a_pending_invitation_is_sent_again(world):
    with pytest.raises(ValidationError) as refused:
        services.invite_member(world.user("lead"), world.partnership, email="member@matrix.test")
    assert "already a member" in refused.value.message_dict["email"][0]
    services.invite_member(world.user("lead"), world.partnership, email="new@example.org", full_name="New Person")
    again = services.invite_member(world.user("lead"), world.partnership, email="new@example.org")
    assert again.resent
    assert len(mail.outbox) == 2
    assert Membership.objects.filter(user__email="new@example.org").count() == 1


def test_a_new_person_needs_a_name(world):
    with pytest.raises(ValidationError) as refused:
        services.invite_member(world.user("lead"), world.partnership, email="nameless@example.org")
    assert "full_name" in refused.value.message_dict
    assert not User.objects.filter(email="nameless@example.org").exists()


def test_a_signatory_must_represent_a_current_partner(world):
    lead = world.user("lead")
    with pytest.raises(ValidationError) as no_organisation:
        services.invite_member(lead, world.partnership, email="s1@example.org", full_name="S One", role=Role.SIGNATORY)
    assert "organisation" in no_organisation.value.message_dict
    stranger = f.OrganisationFactory(name="Not A Partner Council")
    with pytest.raises(ValidationError) as not_partner:
        services.invite_member(
            lead, world.partnership, email="s2@example.org", full_name="S Two", role="signatory", organisation=stranger
        )
    assert "not a current partner" in not_partner.value.message_dict["organisation"][0]
    services.end_partner(lead, world.university_partner, left_on=dt.date(2025, 7, 31))
    with pytest.raises(ValidationError) as former:
        services.change_membership(
            lead,
            world.partnership.memberships.get(user=world.user("member")),
            data={"role": Role.SIGNATORY, "organisation": world.university},
            base_revision=1,
        )
    assert "University of Matrix is not a current partner" in former.value.message_dict["organisation"][0]
    assert not User.objects.filter(email__in=["s1@example.org", "s2@example.org"]).exists()
    assert mail.outbox == []


def test_changing_a_role_is_audited_in_words(world):
    membership = world.partnership.memberships.get(user=world.user("member"))
    services.change_membership(
        world.user("lead"),
        membership,
        data={"role": Role.SIGNATORY, "organisation": world.university},
        base_revision=membership.revision,
    )
    membership.refresh_from_db()
    assert membership.role == Role.SIGNATORY
    assert (
        _last_event("membership.changed").summary
        == "Changed Max Member's role from member to signatory (senior manager)"
    )


def test_the_last_lead_can_be_neither_demoted_nor_removed(world):
    lead_membership = world.partnership.memberships.get(user=world.user("lead"))
    with pytest.raises(ValidationError, match="only partnership lead"):
        services.change_membership(world.user("lead"), lead_membership, data={"role": Role.MEMBER}, base_revision=1)
    with pytest.raises(ValidationError, match="only partnership lead"):
        services.remove_membership(world.user("admin"), lead_membership)
    second = world.partnership.memberships.get(user=world.user("coordinator"))
    services.change_membership(world.user("lead"), second, data={"role": Role.LEAD}, base_revision=1)
    services.remove_membership(world.user("lead"), lead_membership)
    assert not Membership.objects.filter(pk=lead_membership.pk).exists()
    assert _last_event("membership.removed").summary == "Removed Lena Lead (partnership lead) from the partnership"


def test_a_removed_member_no_longer_sees_the_partnership(world):
    member = world.user("member")
    services.remove_membership(world.user("lead"), world.partnership.memberships.get(user=member))
    fresh = User.objects.get(pk=member.pk)
    assert not Partnership.objects.visible_to(fresh).exists()


def test_only_leads_manage_people(world):
    with pytest.raises(PermissionDenied):
        services.invite_member(world.user("coordinator"), world.partnership, email="x@example.org", full_name="X")
    with pytest.raises(Http404):
        services.invite_member(world.user("non_member"), world.partnership, email="x@example.org", full_name="X")


def test_a_mail_outage_during_an_invitation_adds_the_member_and_keeps_the_email_to_retry(world, settings):
    # E-mail is queued with the membership (portal/mail.py): the outage shows the lead no error,
    # and the unsent e-mail stays queued for the worker's next attempt.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    services.invite_member(world.user("lead"), world.partnership, email="lost@example.org", full_name="Lost")
    assert User.objects.filter(email="lost@example.org").exists()
    mail = OutgoingMail.objects.get(to="lost@example.org")
    assert mail.sent_at is None and mail.sending_since is None and mail.attempts == 1
    assert "ConnectionRefusedError" in mail.last_error


def test_acting_on_something_removed_meanwhile_is_refused_not_an_error(world):
    membership = world.partnership.memberships.get(user=world.user("member"))
    services.remove_membership(world.user("lead"), membership)
    with pytest.raises(ValidationError, match="removed meanwhile"):
        services.remove_membership(world.user("admin"), membership)
    with pytest.raises(ValidationError, match="removed meanwhile"):
        services.change_membership(world.user("admin"), membership, data={"role": Role.COORDINATOR}, base_revision=1)
    aim = f.AimFactory(partnership=world.partnership)
    services.delete_aim(world.user("lead"), aim)
    with pytest.raises(ValidationError, match="removed meanwhile"):
        services.update_aim(world.user("lead"), aim, data={"title": "Too late"}, base_revision=1)
    assert AuditEvent.objects.filter(action="aim.deleted").count() == 1
