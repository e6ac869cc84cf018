"""Sign-off goes to someone (issue 9 item 5): the person submitting names the signatory (defaulting
to the one who signed off last time, or the only one), who is e-mailed and sees it as their task;
other signatories can still sign it, and a lead or coordinator can send it to someone else."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from healthcheck.models import Rag, Status
from healthcheck.services import signing
from portal.exceptions import InvalidTransition
from portal.models import AuditEvent, OutgoingMail
from tests import factories as f
from tests.factories import PASSWORD
from tests.healthcheck import factories as hf

pytestmark = pytest.mark.django_db


def _second_signatory(world, email="uma@matrix.test", name="Uma University"):
    user = f.UserFactory(email=email, full_name=name)
    f.MembershipFactory(
        user=user, partnership=world.partnership, role="signatory", organisation=world.university, job_title="Dean"
    )
    return user


def _rated(world, year=hf.YEAR, **kwargs):
    hc = hf.health_check(world, year=year, **kwargs)
    for code in ("A1", "A2", "B1", "B2"):
        hf.rate(world, hc, code, Rag.GREEN)
    return hc


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _tasks(client) -> str:
    return client.get(reverse("dashboard")).content.decode()


def _checked(page: str) -> list[str]:
    return re.findall(r'name="signatory" type="radio" value="(\d+)"\s*checked', page) or re.findall(
        r'value="(\d+)"[^>]*checked[^>]*name="signatory"', page
    )


def test_the_only_signatory_is_chosen_e_mailed_and_sees_it_as_their_task(
    world, client_for, django_capture_on_commit_callbacks
):
    hc = _rated(world)
    client = client_for("coordinator")
    page = client.get(reverse("healthcheck:submit", args=[hc.pk])).content.decode()
    assert "Who is to sign it off?" in page and "Sam Signatory" in page
    assert f'value="{world.user("signatory").pk}"' in page and "checked" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("healthcheck:submit", args=[hc.pk]), {"signatory": world.user("signatory").pk})
    assert response.status_code == 302
    hc.refresh_from_db()
    assert (hc.status, hc.signatory) == (Status.SUBMITTED, world.user("signatory"))
    queued = OutgoingMail.objects.get(template="healthcheck/email/sign_off_request")
    assert queued.to == "signatory@matrix.test"
    (message,) = [m for m in mail.outbox if m.to == ["signatory@matrix.test"]]
    assert message.subject == "Please sign off: health check 2026/27 for Matrix Teaching Partnership"
    assert "Dear Sam Signatory" in message.body
    assert "Cora Coordinator has submitted the 2026/27 health check" in message.body
    assert reverse("healthcheck:sign_off", args=[hc.pk]) in message.body
    event = AuditEvent.objects.filter(action="healthcheck.submitted", target_id=str(hc.pk)).get()
    assert event.summary == "Submitted revision 1 for sign-off by Sam Signatory"
    assert "Sign off the 2026/27 health check for Matrix Teaching Partnership" in _tasks(client_for("signatory"))
    detail = client_for("signatory").get(hc.get_absolute_url()).content.decode()
    assert "Sent for sign-off to <strong>Sam Signatory</strong>: it is your task" in detail


def test_with_several_signatories_and_no_history_the_person_submitting_must_choose(world, client_for):
    uma = _second_signatory(world)
    hc = _rated(world)
    client = client_for("coordinator")
    page = client.get(reverse("healthcheck:submit", args=[hc.pk])).content.decode()
    assert "Uma University" in page and "Dean, University of Matrix" in page
    assert "checked" not in page
    refused = client.post(reverse("healthcheck:submit", args=[hc.pk]), {})
    assert refused.status_code == 200
    assert "Choose who is to sign it off" in refused.content.decode()
    assert "Error: " in refused.content.decode()
    with pytest.raises(ValidationError, match="Choose who is to sign it off"):
        signing.submit(world.user("coordinator"), hc)
    hc.refresh_from_db()
    assert hc.status == Status.IN_PROGRESS
    client.post(reverse("healthcheck:submit", args=[hc.pk]), {"signatory": uma.pk})
    hc.refresh_from_db()
    assert (hc.status, hc.signatory) == (Status.SUBMITTED, uma)


def test_the_default_is_whoever_signed_off_last_time(world, client_for):
    uma = _second_signatory(world)
    last_year = _rated(world, year="2025/26")
    signing.submit(world.user("coordinator"), last_year, signatory=uma)
    signing.sign_off(uma, last_year)
    hc = _rated(world, fw=last_year.framework)
    assert signing.default_signatory(hc) == uma
    page = client_for("coordinator").get(reverse("healthcheck:submit", args=[hc.pk])).content.decode()
    assert re.search(rf'value="{uma.pk}"\s*checked', page), "the last signatory is preselected"


def test_only_someone_who_may_sign_it_off_can_be_named(world):
    hc = _rated(world)
    with pytest.raises(ValidationError, match="Choose one of the people who can sign this health check off"):
        signing.submit(world.user("coordinator"), hc, signatory=world.user("member"))
    uma = _second_signatory(world)
    organisation_check = _rated(world, organisation=world.employer, fw=hc.framework)
    # The university's signatory cannot sign off the council's own health check.
    with pytest.raises(ValidationError):
        signing.submit(world.user("coordinator"), organisation_check, signatory=uma)


def test_another_signatory_sees_it_may_sign_but_it_is_not_their_task(world, client_for):
    uma = _second_signatory(world)
    hc = _rated(world)
    signing.submit(world.user("coordinator"), hc, signatory=world.user("signatory"))
    other = _client(uma)
    assert "Sign off the 2026/27 health check" not in _tasks(other)
    detail = other.get(hc.get_absolute_url()).content.decode()
    assert (
        "Sent for sign-off to <strong>Sam Signatory</strong>. You can sign it off too, but it is their task" in detail
    )
    sign_page = other.get(reverse("healthcheck:sign_off", args=[hc.pk]))
    assert sign_page.status_code == 200
    assert "Sam Signatory (you can sign it off too)" in sign_page.content.decode()
    other.post(reverse("healthcheck:sign_off", args=[hc.pk]), {"password": PASSWORD})
    hc.refresh_from_db()
    assert hc.status == Status.SIGNED_OFF
    event = AuditEvent.objects.filter(action="healthcheck.signed_off", target_id=str(hc.pk)).get()
    assert "sent to Sam Signatory" in event.summary


def test_a_coordinator_sends_it_to_another_signatory_with_an_audit_event_and_an_e_mail(
    world, client_for, django_capture_on_commit_callbacks
):
    uma = _second_signatory(world)
    hc = _rated(world)
    signing.submit(world.user("coordinator"), hc, signatory=world.user("signatory"))
    client = client_for("coordinator")
    detail = client.get(hc.get_absolute_url()).content.decode()
    assert reverse("healthcheck:change_signatory", args=[hc.pk]) in detail
    page = client.get(reverse("healthcheck:change_signatory", args=[hc.pk])).content.decode()
    assert "Change who signs it off" in page and "It is waiting for Sam Signatory" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("healthcheck:change_signatory", args=[hc.pk]), {"signatory": uma.pk})
    assert response.status_code == 302
    hc.refresh_from_db()
    assert hc.signatory == uma
    event = AuditEvent.objects.filter(action="healthcheck.signatory_changed", target_id=str(hc.pk)).get()
    assert event.summary == "Sent revision 1 for sign-off to Uma University instead of Sam Signatory"
    assert event.changes == {"sent for sign-off to": ["Sam Signatory", "Uma University"]}
    assert [m.subject for m in mail.outbox if m.to == ["uma@matrix.test"]] == [
        "Please sign off: health check 2026/27 for Matrix Teaching Partnership"
    ]
    assert "Sign off the 2026/27 health check" in _tasks(_client(uma))
    assert "Sign off the 2026/27 health check" not in _tasks(client_for("signatory"))


def test_the_signatory_can_only_be_changed_while_it_waits_for_sign_off(world, client_for):
    hc = _rated(world)
    with pytest.raises(InvalidTransition):
        signing.change_signatory(world.user("coordinator"), hc, signatory=world.user("signatory"))
    response = client_for("coordinator").get(reverse("healthcheck:change_signatory", args=[hc.pk]))
    assert response.status_code == 302
    signing.submit(world.user("coordinator"), hc)
    with pytest.raises(Exception, match="permission|Only"):
        signing.change_signatory(world.user("member"), hc, signatory=world.user("signatory"))


def test_a_health_check_submitted_before_signatories_were_named_is_every_signatorys_task(world, client_for):
    uma = _second_signatory(world)
    hc = _rated(world)
    signing.submit(world.user("coordinator"), hc, signatory=uma)
    type(hc).objects.filter(pk=hc.pk).update(signatory=None)
    assert "Sign off the 2026/27 health check" in _tasks(client_for("signatory"))
    assert "Sign off the 2026/27 health check" in _tasks(_client(uma))
