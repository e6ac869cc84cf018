"""Signatures in the Standard Webhooks style, and secrets that rotate without a gap."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import time

import pytest

from tests.webhooks.receiver import Received
from webhooks import services, signing
from webhooks.signing import InvalidSignature


def test_the_signature_is_hmac_sha256_of_id_timestamp_and_body_with_the_secrets_bytes():
    secret = signing.new_secret()
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32
    body = b'{"type":"webhook.test"}'
    header = signing.headers([secret], "msg_1", 1_700_000_000, body)
    expected = base64.b64encode(
        hmac.new(base64.b64decode(secret[6:]), b"msg_1.1700000000." + body, hashlib.sha256).digest()
    ).decode()
    assert header == {"webhook-id": "msg_1", "webhook-timestamp": "1700000000", "webhook-signature": f"v1,{expected}"}
    signing.verify(
        secret,
        {"Webhook-Id": "msg_1", "Webhook-Timestamp": "1700000000", "Webhook-Signature": f"v1,{expected}"},
        body,
        now=1_700_000_100,
    )


def test_a_changed_body_a_wrong_secret_or_an_old_timestamp_is_refused():
    secret, other = signing.new_secret(), signing.new_secret()
    now = int(time.time())
    headers = signing.headers([secret], "msg_2", now, b"{}")
    with pytest.raises(InvalidSignature):
        signing.verify(secret, headers, b'{"x":1}')
    with pytest.raises(InvalidSignature):
        signing.verify(other, headers, b"{}")
    with pytest.raises(InvalidSignature):
        signing.verify(secret, headers, b"{}", now=now + signing.TOLERANCE_SECONDS + 1)
    with pytest.raises(InvalidSignature):
        signing.verify(secret, {"webhook-id": "msg_2"}, b"{}")


def _deliver_test(world, endpoint, receiver, django_capture_on_commit_callbacks) -> Received:
    before = len(receiver.received)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_test(world.user("lead"), endpoint)
    return receiver.wait_for(before + 1)[-1]


def test_during_a_rotation_both_secrets_sign_and_afterwards_only_the_new_one(
    world, endpoint_for, receiver, frozen_clock, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for()
    old = receiver.secrets[0]
    first = _deliver_test(world, endpoint, receiver, django_capture_on_commit_callbacks)
    assert first.verified_with == [old] and len(first.headers["webhook-signature"].split()) == 1

    new = services.rotate_secret(world.user("lead"), endpoint, overlap_hours=24)
    receiver.secrets.append(new)
    during = _deliver_test(world, endpoint, receiver, django_capture_on_commit_callbacks)
    assert sorted(during.verified_with) == sorted([old, new])
    assert len(during.headers["webhook-signature"].split()) == 2  # "v1,<new> v1,<old>"

    frozen_clock.shift(dt.timedelta(hours=24, minutes=1))
    after = _deliver_test(world, endpoint, receiver, django_capture_on_commit_callbacks)
    assert after.verified_with == [new]
    # A receiver that only knows the old secret now refuses the request.
    with pytest.raises(InvalidSignature):
        signing.verify(old, after.headers, after.body)


def test_rotating_with_no_overlap_stops_the_old_secret_at_once(
    world, endpoint_for, receiver, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for()
    old = receiver.secrets[0]
    new = services.rotate_secret(world.user("lead"), endpoint, overlap_hours=0)
    receiver.secrets.append(new)
    got = _deliver_test(world, endpoint, receiver, django_capture_on_commit_callbacks)
    assert got.verified_with == [new] and old not in got.verified_with
