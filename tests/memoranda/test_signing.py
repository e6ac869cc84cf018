"""Who may sign, what they must confirm, and that only the exact frozen text can be signed."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from memoranda import services
from memoranda.models import MemorandumVersion, Signature, Status, VersionStatus, sha256_of
from partnerships.models import Role
from portal.exceptions import InvalidTransition
from tests import factories as f
from tests.memoranda.factories import active_memorandum, awaiting_memorandum, sign_as

pytestmark = pytest.mark.django_db


def _sign(user, version, **overrides):
    data = {
        "password": f.PASSWORD,
        "typed_name": user.full_name,
        "position": "Assistant Director",
        "authority_confirmed": True,
        "expected_sha256": version.sha256,
    }
    data.update(overrides)
    return services.sign(user, version, **data)


def test_a_signature_records_time_method_and_the_hash_signed(world):
    m, version = awaiting_memorandum(world)
    signature = _sign(world.user("signatory"), version, position="Assistant Director, Children's Services")
    assert signature.sha256 == version.sha256
    assert signature.organisation == world.employer
    assert signature.typed_name == "Sam Signatory"
    assert signature.position == "Assistant Director, Children's Services"
    assert "password re-entered" in signature.method and signature.signed_at is not None


def test_a_wrong_password_signs_nothing(world):
    m, version = awaiting_memorandum(world)
    with pytest.raises(ValidationError) as refused:
        _sign(world.user("signatory"), version, password="not-my-password")
    assert refused.value.message_dict["password"] == ["The password is not correct"]
    assert not Signature.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"typed_name": "Someone Else"}, "typed_name"),
        ({"typed_name": ""}, "typed_name"),
        ({"position": "  "}, "position"),
        ({"authority_confirmed": False}, "authority"),
    ],
)
def test_name_position_and_declaration_are_required(world, overrides, field):
    m, version = awaiting_memorandum(world)
    with pytest.raises(ValidationError) as refused:
        _sign(world.user("signatory"), version, **overrides)
    assert field in refused.value.message_dict
    assert not Signature.objects.exists()


def test_the_typed_name_ignores_case_and_extra_spaces(world):
    m, version = awaiting_memorandum(world)
    signature = _sign(world.user("signatory"), version, typed_name="  sam   SIGNATORY ")
    assert signature.typed_name == "sam SIGNATORY"


def test_a_signatory_of_another_organisation_cannot_sign(world):
    m, version = awaiting_memorandum(world)
    outsider = f.UserFactory(full_name="Otto Other")
    f.MembershipFactory(
        user=outsider,
        partnership=world.partnership,
        role=Role.SIGNATORY,
        organisation=f.OrganisationFactory(name="Not A Party Council"),
    )
    with pytest.raises(PermissionDenied, match="not a party"):
        _sign(outsider, version)
    assert not Signature.objects.exists()


def test_a_second_signatory_of_the_same_organisation_who_is_not_named_cannot_sign(world):
    m, version = awaiting_memorandum(world)
    deputy = f.UserFactory(full_name="Dee Deputy")
    f.MembershipFactory(user=deputy, partnership=world.partnership, role=Role.SIGNATORY, organisation=world.employer)
    with pytest.raises(PermissionDenied, match="named signatory for Matrix Borough Council is Sam Signatory"):
        _sign(deputy, version)


@pytest.mark.parametrize("role", ["member", "coordinator", "lead", "admin"])
def test_other_roles_cannot_sign(world, role):
    m, version = awaiting_memorandum(world)
    with pytest.raises(PermissionDenied):
        _sign(world.user(role), version)
    assert not Signature.objects.exists()


def test_signing_a_version_that_changed_since_it_was_opened_is_refused(world):
    m, version = awaiting_memorandum(world)
    with pytest.raises(InvalidTransition, match="changed after you opened it"):
        _sign(world.user("signatory"), version, expected_sha256="0" * 64)
    assert not Signature.objects.exists()


def test_a_withdrawn_and_resent_version_cannot_be_signed_from_the_old_page(world):
    m, old = awaiting_memorandum(world)
    lead = world.user("lead")
    services.withdraw(lead, m, reason="Fix a typo")
    m.refresh_from_db()
    new = services.send_for_signature(lead, m, base_revision=m.revision)
    with pytest.raises(InvalidTransition):
        _sign(world.user("signatory"), old)
    assert _sign(world.user("signatory"), new).version == new


def test_a_frozen_version_altered_in_the_database_cannot_be_signed(world):
    m, version = awaiting_memorandum(world)
    content = dict(version.content)
    content["sections"] = [{**content["sections"][0], "body": "We promise nothing."}, *content["sections"][1:]]
    MemorandumVersion.objects.filter(pk=version.pk).update(content=content)
    version.refresh_from_db()
    with pytest.raises(InvalidTransition, match="no longer matches"):
        _sign(world.user("signatory"), version)
    assert not Signature.objects.exists()


def test_text_and_hash_rewritten_together_are_caught_by_the_audit_trail(world):
    m, version = awaiting_memorandum(world)
    content = dict(version.content)
    content["title"] = "A quietly different memorandum"
    forged = sha256_of(content)
    MemorandumVersion.objects.filter(pk=version.pk).update(content=content, sha256=forged)
    version.refresh_from_db()
    assert version.hash_matches()  # the row is self-consistent...
    with pytest.raises(InvalidTransition, match="no longer matches"):
        _sign(world.user("signatory"), version, expected_sha256=forged)  # ...but the trail remembers
    assert not Signature.objects.exists()


def test_a_double_submission_signs_once(world):
    m, version = awaiting_memorandum(world)
    first = _sign(world.user("signatory"), version)
    second = _sign(world.user("signatory"), version)
    assert first.pk == second.pk and Signature.objects.count() == 1


def test_the_last_signature_activates_once_and_stores_the_pdf_with_its_hash(world, django_capture_on_commit_callbacks):
    import hashlib

    with django_capture_on_commit_callbacks(execute=True):
        m, version = active_memorandum(world)
    assert m.status == Status.ACTIVE and version.status == VersionStatus.SIGNED
    assert m.effective_date == max(m.start_date, version.signed_at.date())
    assert m.review_date == services.add_months(m.effective_date, 12)
    data = version.pdf.read()
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == version.pdf_sha256
    subjects = [e.subject for e in mail.outbox]
    assert subjects.count("Signed by every party: Matrix memorandum") == 3  # two signatories and the lead


def test_signing_after_the_memorandum_was_withdrawn_and_abandoned_is_refused(world):
    m, version = awaiting_memorandum(world)
    # It cannot be abandoned while awaiting signatures; withdrawing it closes the version first.
    with pytest.raises(InvalidTransition, match="withdraw it from signing first"):
        services.end_memorandum(world.user("lead"), m, reason="Abandoned")
    services.withdraw(world.user("lead"), m, reason="Abandoned")
    m.refresh_from_db()
    services.end_memorandum(world.user("lead"), m, reason="Abandoned")
    with pytest.raises(InvalidTransition):
        sign_as(world.user("signatory"), version)
    assert MemorandumVersion.objects.get(pk=version.pk).status == VersionStatus.WITHDRAWN


# --- The signing page ----------------------------------------------------------------------------


def _form(version, **overrides):
    data = {
        "typed_name": "Sam Signatory",
        "position": "Assistant Director",
        "authority": "on",
        "password": f.PASSWORD,
        "expected_sha256": version.sha256,
    }
    data.update(overrides)
    return data


def test_the_signing_page_shows_the_exact_text_and_the_fingerprint(world, client_for):
    m, version = awaiting_memorandum(world)
    html = client_for("signatory").get(f"/memoranda/{m.pk}/sign/").content.decode()
    assert "You are signing <strong>version 1</strong> for <strong>Matrix Borough Council</strong>" in html
    assert version.sha256 in html and "Grow a confident, well-supported social work workforce" in html
    assert "I declare that I am authorised to sign this memorandum on behalf of Matrix Borough Council" in html
    assert 'value="Assistant Director, Children&#x27;s Services"' in html  # position to confirm


def test_a_wrong_password_on_the_page_shows_an_error_and_signs_nothing(world, client_for):
    m, version = awaiting_memorandum(world)
    response = client_for("signatory").post(f"/memoranda/{m.pk}/sign/", _form(version, password="wrong"))
    html = response.content.decode()
    assert response.status_code == 200 and "The password is not correct" in html and "There is a problem" in html
    assert 'value="Sam Signatory"' in html  # what they typed is kept
    assert not Signature.objects.exists()


def test_signing_from_a_page_showing_an_older_text_is_refused_on_the_page(world, client_for):
    m, version = awaiting_memorandum(world)
    response = client_for("signatory").post(f"/memoranda/{m.pk}/sign/", _form(version, expected_sha256="f" * 64))
    html = response.content.decode()
    assert "The text changed after you opened it, so it was not signed" in html
    assert f'name="expected_sha256" value="{version.sha256}"' in html  # now showing the current text
    assert not Signature.objects.exists()


def test_a_signatory_of_another_organisation_is_told_why_they_cannot_sign(world, client_for):
    m, version = awaiting_memorandum(world)
    other = f.UserFactory(full_name="Otto Other", email="otto@matrix.test")
    f.MembershipFactory(
        user=other,
        partnership=world.partnership,
        role=Role.SIGNATORY,
        organisation=f.OrganisationFactory(name="Not A Party Council"),
    )
    from django.test import Client

    client = Client()
    client.force_login(other)
    response = client.post(f"/memoranda/{m.pk}/sign/", _form(version, typed_name="Otto Other"))
    assert response.status_code == 403
    assert "You represent Not A Party Council, which is not a party to this memorandum" in response.content.decode()
    assert not Signature.objects.exists()


def test_signing_on_the_page_then_the_page_says_so(world, client_for):
    m, version = awaiting_memorandum(world)
    client = client_for("signatory")
    response = client.post(f"/memoranda/{m.pk}/sign/", _form(version))
    assert response.status_code == 302
    assert "You signed for Matrix Borough Council" in client.get(response["Location"]).content.decode()
    assert "You have signed Matrix memorandum" in client.get(f"/memoranda/{m.pk}/sign/").content.decode()


def test_declining_on_the_page_needs_a_reason_and_returns_to_draft(world, client_for):
    m, version = awaiting_memorandum(world)
    client = client_for("signatory")
    html = client.post(f"/memoranda/{m.pk}/decline/", {"reason": ""}).content.decode()
    assert "There is a problem" in html and "Say why you decline to sign" in html
    response = client.post(f"/memoranda/{m.pk}/decline/", {"reason": "Please add the ASYE arrangements."})
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.status == Status.DRAFT
