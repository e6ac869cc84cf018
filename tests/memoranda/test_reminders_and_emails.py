"""What people are told by e-mail, and `send_reminders` never sending the same reminder twice."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from memoranda import services
from memoranda.models import Memorandum, MemorandumVersion, ReminderSent
from memoranda.reminders import due_stage, send_due_reminders
from tests.memoranda.factories import active_memorandum, awaiting_memorandum, sign_as

pytestmark = pytest.mark.django_db


def _to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_sending_e_mails_each_signatory_a_link_and_the_fingerprint(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        m, version = awaiting_memorandum(world)
    (message,) = _to("signatory@matrix.test")
    assert message.subject == "Please sign: Matrix memorandum (version 1)"
    assert "Dear Sam Signatory" in message.body
    assert "You are the named signatory for Matrix Borough Council." in message.body
    assert f"/memoranda/{m.pk}/sign/" in message.body and message.body.count("http") >= 1
    assert version.sha256 in message.body
    assert "enter your password again" in message.body
    (other,) = _to("uma@matrix.test")
    assert "You are the named signatory for University of Matrix." in other.body


def test_nothing_is_e_mailed_when_sending_is_refused(world, django_capture_on_commit_callbacks):
    from tests.memoranda.factories import draft_memorandum

    m = draft_memorandum(world)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception):
        services.send_for_signature(world.user("lead"), m, base_revision=m.revision)
    assert mail.outbox == []


def test_the_signed_e_mail_links_to_the_pdf_and_gives_both_fingerprints(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        m, version = active_memorandum(world)
    (message,) = [e for e in _to("lead@matrix.test") if e.subject.startswith("Signed by every party")]
    assert f"/memoranda/{m.pk}/pdf/" in message.body
    assert version.sha256 in message.body and version.pdf_sha256 in message.body
    assert "/memoranda/verify/" in message.body
    assert not message.attachments  # a link, not the file


def test_declining_tells_the_lead_the_reason(world, django_capture_on_commit_callbacks):
    m, version = awaiting_memorandum(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.decline(world.user("signatory"), version, reason="Please add the ASYE arrangements.")
    (message,) = _to("lead@matrix.test")
    assert message.subject == "Declined: Matrix memorandum (version 1)"
    assert "Sam Signatory declined to sign version 1" in message.body
    assert "Please add the ASYE arrangements." in message.body
    assert _to("uma@matrix.test")  # the other signatory learns it is off too


def test_signatory_reminders_go_after_seven_days_once(world):
    m, version = awaiting_memorandum(world)
    sign_as(world.user("signatory"), version)
    sent_on = timezone.localdate()
    assert send_due_reminders(sent_on + timedelta(days=6)) == 0
    assert send_due_reminders(sent_on + timedelta(days=7)) == 1
    (message,) = mail.outbox
    assert message.to == ["uma@matrix.test"]  # only the party that has not signed
    assert message.subject == "Reminder: please sign Matrix memorandum"
    assert f"/memoranda/{m.pk}/sign/" in message.body
    assert send_due_reminders(sent_on + timedelta(days=7)) == 0
    assert send_due_reminders(sent_on + timedelta(days=20)) == 0
    assert len(mail.outbox) == 1


def test_review_reminders_at_60_30_7_days_and_overdue_each_once(world):
    m, _ = active_memorandum(world)
    due = m.review_date
    sent = {}
    for days_before in (90, 60, 59, 30, 29, 7, 3, 0, -1, -10):
        today = due - timedelta(days=days_before)
        sent[days_before] = send_due_reminders(today)
        assert send_due_reminders(today) == 0  # same day again: nothing
    assert sent == {90: 0, 60: 1, 59: 0, 30: 1, 29: 0, 7: 1, 3: 0, 0: 0, -1: 1, -10: 0}
    subjects = [e.subject for e in mail.outbox]
    assert subjects == [
        "Review due in 60 days: Matrix memorandum",
        "Review due in 30 days: Matrix memorandum",
        "Review due in 7 days: Matrix memorandum",
        "Review overdue: Matrix memorandum",
    ]
    assert all(e.to == ["lead@matrix.test"] for e in mail.outbox)
    assert f"/memoranda/{m.pk}/review/" in mail.outbox[0].body
    assert ReminderSent.objects.filter(memorandum=m).count() == 4


def test_a_new_review_date_starts_a_new_round_of_reminders(world):
    m, _ = active_memorandum(world)
    Memorandum.objects.filter(pk=m.pk).update(review_date=timezone.localdate() + timedelta(days=5))
    assert send_due_reminders(timezone.localdate()) == 1
    services.record_review(world.user("lead"), m, outcome="unchanged")
    m.refresh_from_db()
    assert send_due_reminders(m.review_date - timedelta(days=5)) == 1


def test_the_command_runs_every_registered_sender_and_is_safe_to_repeat(world):
    m, _ = active_memorandum(world)
    Memorandum.objects.filter(pk=m.pk).update(review_date=timezone.localdate() + timedelta(days=20))
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "memoranda: 1 reminder(s) sent" in out.getvalue()
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "memoranda: 0 reminder(s) sent" in out.getvalue()


def test_due_stage():
    from datetime import date

    review = date(2027, 1, 31)
    assert [due_stage(review, review - timedelta(days=d)) for d in (61, 60, 31, 30, 8, 7, 0, -1)] == [
        None,
        "60",
        "60",
        "30",
        "30",
        "7",
        "7",
        "overdue",
    ]


def test_expire_command(world):
    m, _ = active_memorandum(world)
    out = StringIO()
    call_command("expire_memoranda", today=m.review_date + timedelta(days=100), stdout=out)
    assert "1 memorandum(s) expired" in out.getvalue()
    assert MemorandumVersion.objects.filter(memorandum=m).exists()
