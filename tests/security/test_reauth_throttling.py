"""Wrong passwords at signing and sign-off are throttled with the sign-in failures.

The probe typed 30 wrong passwords on a memorandum's signing page, each answered "not correct",
then the right one worked and the account was never locked.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from healthcheck.models import Rag, SignOff
from memoranda.models import Signature
from tests.factories import PASSWORD
from tests.healthcheck import factories as hf
from tests.memoranda.factories import awaiting_memorandum

pytestmark = pytest.mark.django_db


@pytest.fixture
def throttled(settings):
    settings.AXES_ENABLED = True
    return settings.AXES_FAILURE_LIMIT


def _sign(client, version, password):
    party_position = "Assistant Director, Children's Services"
    return client.post(
        reverse("memoranda:sign", args=[version.memorandum_id]),
        {
            "password": password,
            "typed_name": "Sam Signatory",
            "position": party_position,
            "authority": "on",
            "expected_sha256": version.sha256,
        },
    )


def test_wrong_passwords_when_signing_lock_the_account_like_failed_sign_ins(world, client_for, throttled):
    m, version = awaiting_memorandum(world)
    client = client_for("signatory")
    for _ in range(throttled - 1):
        assert "The password is not correct" in _sign(client, version, "guess").content.decode()
    locked = _sign(client, version, "guess")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    # The right password no longer works here...
    assert _sign(client, version, PASSWORD).status_code == 429
    assert not Signature.objects.filter(version=version, signed_at__isnull=False).exists()
    # ...nor on the sign-in page, for the same person from the same address.
    signed_out = client_for("anonymous")
    response = signed_out.post(reverse("login"), {"username": world.user("signatory").email, "password": PASSWORD})
    assert response.status_code == 429


def test_failed_sign_ins_count_towards_the_sign_off_pause(world, client_for, throttled):
    hc = hf.health_check(world)
    hf.complete(world, hc, Rag.AMBER)
    email = world.user("signatory").email
    anonymous = client_for("anonymous")
    for _ in range(throttled - 1):
        anonymous.post(reverse("login"), {"username": email, "password": "guess"})
    client = client_for("signatory")
    response = client.post(reverse("healthcheck:sign_off", args=[hc.pk]), {"password": "guess again"})
    assert response.status_code == 429
    assert client.post(reverse("healthcheck:sign_off", args=[hc.pk]), {"password": PASSWORD}).status_code == 429
    assert not SignOff.objects.exists()


def test_a_right_password_under_the_limit_still_signs_off(world, client_for, throttled):
    hc = hf.health_check(world)
    hf.complete(world, hc, Rag.GREEN)
    client = client_for("signatory")
    wrong = client.post(reverse("healthcheck:sign_off", args=[hc.pk]), {"password": "guess"})
    assert "The password is not correct" in wrong.content.decode()
    assert client.post(reverse("healthcheck:sign_off", args=[hc.pk]), {"password": PASSWORD}).status_code == 302
    assert SignOff.objects.filter(health_check=hc).exists()
