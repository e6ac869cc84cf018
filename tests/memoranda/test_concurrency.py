"""Two requests at the same moment, on PostgreSQL (row locks): each signature is recorded exactly
once and the memorandum is activated (and its PDF rendered) exactly once."""

import threading

import pytest
from django.db import connection

from memoranda import services
from memoranda.models import Memorandum, MemorandumVersion, Signature, Status, VersionStatus
from portal.models import AuditEvent, User
from tests import factories as f
from tests.memoranda.factories import awaiting_memorandum

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _at_once(*calls):
    """Run the calls in threads released together; return their results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # reported to the test, not swallowed
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _signer(user, version_pk):
    def call():
        version = MemorandumVersion.objects.get(pk=version_pk)
        # A fresh user object per thread, as in two separate requests.
        person = User.objects.get(pk=user.pk)
        return services.sign(
            person,
            version,
            password=f.PASSWORD,
            typed_name=person.full_name,
            position="Director",
            authority_confirmed=True,
            expected_sha256=version.sha256,
        )

    return call


def test_two_signatures_arriving_at_once_are_both_recorded_and_activate_once(world):
    m, version = awaiting_memorandum(world)
    uni = User.objects.get(email="uma@matrix.test")
    results = _at_once(_signer(world.user("signatory"), version.pk), _signer(uni, version.pk))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert Signature.objects.filter(version=version).count() == 2
    assert Memorandum.objects.get(pk=m.pk).status == Status.ACTIVE
    version.refresh_from_db()
    assert version.status == VersionStatus.SIGNED and version.pdf_sha256
    assert AuditEvent.objects.filter(action="memorandum.activated", target_id=str(m.pk)).count() == 1
    assert AuditEvent.objects.filter(action="memorandum.signed", target_id=str(m.pk)).count() == 2


def test_the_same_signatory_submitting_twice_at_once_signs_once(world):
    m, version = awaiting_memorandum(world)
    signer = _signer(world.user("signatory"), version.pk)
    results = _at_once(signer, signer)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert results[0].pk == results[1].pk
    assert Signature.objects.filter(version=version).count() == 1
    assert Memorandum.objects.get(pk=m.pk).status == Status.AWAITING


def test_a_signature_racing_a_withdrawal_either_lands_before_it_or_is_refused(world):
    m, version = awaiting_memorandum(world)

    def withdraw():
        return services.withdraw(
            User.objects.get(pk=world.user("lead").pk), Memorandum.objects.get(pk=m.pk), reason="A correction"
        )

    results = _at_once(_signer(world.user("signatory"), version.pk), withdraw)
    version.refresh_from_db()
    assert version.status == VersionStatus.WITHDRAWN
    assert Memorandum.objects.get(pk=m.pk).status == Status.DRAFT
    signed = Signature.objects.filter(version=version).count()
    assert signed == (0 if isinstance(results[0], Exception) else 1)
