"""The demo seed: memoranda in every state for the contract's partnerships, built through the
services (so hashes, PDFs and the audit chain hold), idempotent, quiet when partnerships are missing."""

import io

import pytest
from django.core import mail
from django.utils import timezone

from memoranda import demo
from memoranda.models import Memorandum, MemorandumVersion, Status, VersionStatus
from memoranda.verification import check_version
from portal import academic_years
from portal.audit import verify_chain
from portal.models import User
from portal.registry import attention_for

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_state_sends_no_mail_and_runs_twice(django_capture_on_commit_callbacks):
    from partnerships import demo as partnerships_demo

    partnerships_demo.seed(io.StringIO())
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(out)
    assert "9 demo memoranda created" in out.getvalue()
    states = set(Memorandum.objects.values_list("status", flat=True))
    assert states == {Status.DRAFT, Status.AWAITING, Status.ACTIVE, Status.SUPERSEDED, Status.EXPIRED, Status.ENDED}
    assert mail.outbox == []  # invented people get no e-mail

    wla = Memorandum.objects.filter(partnership__slug="west-london-alliance")
    in_force = wla.get(status=Status.ACTIVE)
    assert in_force.replaces.status == Status.SUPERSEDED and in_force.versions.get().number == 2
    assert Memorandum.objects.get(partnership__slug="salford-greater-manchester", status=Status.ACTIVE).review_overdue
    assert in_force.review_due_soon

    # Every signed version is intact: text, audit record and the stored PDF (rendered again with
    # the demo's past dates) all match their fingerprints.
    for version in MemorandumVersion.objects.filter(status=VersionStatus.SIGNED):
        assert check_version(version, check_pdf=True).ok, version
        assert version.signatures.count() == len(version.parties)
        assert all(s.signed_at <= version.signed_at for s in version.signatures.all())
    assert verify_chain() == []

    signatory = User.objects.get(email="signatory@example.org")
    year = academic_years.label_of(timezone.localdate())
    assert [i.title for i in attention_for(signatory) if i.kind == "Signature"] == [
        f"Sign Practice learning operational agreement {year} for London Borough of Ealing"
    ]
    lead_items = {(i.kind, i.overdue) for i in attention_for(User.objects.get(email="lead@example.org"))}
    assert ("Review", True) in lead_items and ("Review", False) in lead_items

    counts = (Memorandum.objects.count(), MemorandumVersion.objects.count())
    out = io.StringIO()
    demo.seed(out)
    assert (Memorandum.objects.count(), MemorandumVersion.objects.count()) == counts
    assert "0 demo memoranda created" in out.getvalue()


def test_the_demo_skips_missing_partnerships_quietly():
    out = io.StringIO()
    demo.seed(out)
    assert "0 demo memoranda created" in out.getvalue() and not Memorandum.objects.exists()
