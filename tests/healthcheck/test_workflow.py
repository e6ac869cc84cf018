"""Submit, sign off with the password re-entered, locked, reopen with a reason."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from healthcheck.models import HealthCheck, Rag, SignOff, Status
from healthcheck.services import running, signing
from portal.exceptions import InvalidTransition
from portal.models import AuditEvent
from tests import factories as f
from tests.factories import PASSWORD
from tests.healthcheck import factories as hf

pytestmark = pytest.mark.django_db


def test_submitting_needs_every_criterion_rated_and_an_action_for_each_red_and_amber(world, client_for):
    hc = hf.health_check(world)
    hf.rate(world, hc, "A1", Rag.RED)
    client = client_for("coordinator")
    response = client.post(reverse("healthcheck:submit", args=[hc.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "3 not rated yet (A2, B1, B2)" in page
    assert "Add at least one action to each Red or Amber criterion: A1" in page
    hc.refresh_from_db()
    assert hc.status == Status.IN_PROGRESS


def test_a_signatory_signs_off_with_their_password_and_it_is_locked(world, client_for):
    hc = hf.health_check(world)
    hf.complete(world, hc, Rag.AMBER)
    client = client_for("signatory")
    wrong = client.post(reverse("healthcheck:sign_off", args=[hc.pk]), {"password": "not my password"})
    assert wrong.status_code == 200
    assert "The password is not correct" in wrong.content.decode()
    assert not SignOff.objects.exists()
    response = client.post(reverse("healthcheck:sign_off", args=[hc.pk]), {"password": PASSWORD})
    assert response.status_code == 302
    hc.refresh_from_db()
    signed = SignOff.objects.get(health_check=hc)
    assert hc.status == Status.SIGNED_OFF
    assert (signed.revision, signed.name, signed.organisation, signed.overall_rating) == (
        1,
        "Sam Signatory",
        world.employer,
        "amber",
    )
    assert signed.job_title == "Assistant Director, Children's Services"
    assert [r["code"] for r in signed.snapshot["ratings"]] == ["A1", "A2", "B1", "B2"]
    assert AuditEvent.objects.filter(action="healthcheck.signed_off", target_id=str(hc.pk)).exists()
    # Locked: no rating, evidence or action changes.
    response = client_for("coordinator").post(
        reverse("healthcheck:criterion", args=[hc.pk, "A1"]),
        {"rating": "green", "commentary": "", "revision": hc.ratings.get(criterion__code="A1").revision},
    )
    assert "so it is locked" in response.content.decode()
    assert hc.ratings.get(criterion__code="A1").rating == "amber"
    with pytest.raises(InvalidTransition):
        running.add_evidence(world.user("coordinator"), hc.ratings.first(), kind="note", title="x", note="y")


def test_a_coordinator_or_site_administrator_cannot_sign_off(world, client_for):
    hc = hf.health_check(world)
    hf.complete(world, hc)
    assert (
        client_for("coordinator")
        .post(reverse("healthcheck:sign_off", args=[hc.pk]), {"password": PASSWORD})
        .status_code
        == 403
    )
    assert (
        client_for("admin").post(reverse("healthcheck:sign_off", args=[hc.pk]), {"password": PASSWORD}).status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        signing.sign_off(world.user("admin"), hc)


def test_a_partner_organisations_health_check_is_signed_off_by_its_own_signatory(world):
    hc = hf.health_check(world, organisation=world.university)
    # Nobody represents the university yet: there is nobody to send it to.
    with pytest.raises(ValidationError, match="add a signatory representing University of Matrix"):
        hf.complete(world, hc)
    dean = f.UserFactory(email="dean@matrix.test", full_name="Dana Dean")
    f.MembershipFactory(
        user=dean,
        partnership=world.partnership,
        role="signatory",
        organisation=world.university,
        job_title="Head of the School of Social Work",
    )
    signing.submit(world.user("coordinator"), hc)
    hc.refresh_from_db()
    assert hc.signatory == dean  # the only one who can
    with pytest.raises(PermissionDenied):
        signing.sign_off(world.user("signatory"), hc)  # represents the employer, not the university
    signed = signing.sign_off(dean, hc)
    assert signed.organisation == world.university


def test_it_cannot_be_signed_off_twice_or_before_submission(world):
    hc = hf.health_check(world)
    with pytest.raises(InvalidTransition):
        signing.sign_off(world.user("signatory"), hc)
    hf.complete(world, hc)
    signing.sign_off(world.user("signatory"), hc)
    with pytest.raises(InvalidTransition):
        signing.sign_off(world.user("signatory"), hc)


def test_reopening_needs_a_reason_and_starts_a_new_revision(world, client_for):
    hc = hf.signed_off(world)
    client = client_for("coordinator")
    response = client.post(reverse("healthcheck:reopen", args=[hc.pk]), {"reason": ""})
    assert "Say why the health check needs reopening" in response.content.decode()
    response = client.post(reverse("healthcheck:reopen", args=[hc.pk]), {"reason": "The board found an error in C2"})
    assert response.status_code == 302
    hc.refresh_from_db()
    assert (hc.status, hc.revision) == (Status.IN_PROGRESS, 2)
    assert hc.reopenings.get().reason == "The board found an error in C2"
    event = AuditEvent.objects.get(action="healthcheck.reopened", target_id=str(hc.pk))
    assert "The board found an error in C2" in event.summary
    # The first sign-off stays on record for revision 1; revision 2 needs its own.
    hf.rate(world, hc, "A1", Rag.GREEN, commentary="Corrected")
    signing.submit(world.user("coordinator"), hc)
    signing.sign_off(world.user("signatory"), hc)
    assert list(hc.sign_offs.values_list("revision", flat=True)) == [1, 2]


def test_a_member_cannot_submit_or_reopen(world, client_for):
    hc = hf.health_check(world)
    client = client_for("member")
    assert client.post(reverse("healthcheck:submit", args=[hc.pk])).status_code == 403
    assert client.post(reverse("healthcheck:reopen", args=[hc.pk]), {"reason": "x"}).status_code == 403


def test_the_signatory_sees_the_sign_off_on_their_dashboard(world, client_for):
    hc = hf.health_check(world)
    hf.complete(world, hc)
    page = client_for("signatory").get(reverse("dashboard")).content.decode()
    assert "Sign off the 2026/27 health check for Matrix Teaching Partnership" in page
    assert reverse("healthcheck:sign_off", args=[hc.pk]) in page


def test_actions_can_still_be_updated_after_sign_off(world, client_for):
    hc = hf.health_check(world)
    hf.complete(world, hc, Rag.AMBER)
    signing.sign_off(world.user("signatory"), hc)
    action = hc.actions.first()
    response = client_for("coordinator").post(
        reverse("healthcheck:action_edit", args=[action.pk]),
        {
            "description": action.description,
            "owner": action.owner_id,
            "due_on": "2027-03-31",
            "status": "done",
            "revision": action.revision,
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done" and action.completed_on is not None
    assert HealthCheck.objects.get(pk=hc.pk).status == Status.SIGNED_OFF
