"""A broken audit trail is visible to people: the daily check keeps its result, site administrators
see a banner, /healthz fails, and the verify page says which memoranda can no longer be confirmed."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal.audit_status import latest, unconfirmable_events
from portal.jobs.schedule import ENTRIES
from portal.models import AuditCheck, AuditEvent
from tests.memoranda.factories import active_memorandum

pytestmark = pytest.mark.django_db

VERIFY = reverse("memoranda:verify")


def _break(event: AuditEvent) -> None:
    AuditEvent.objects.filter(pk=event.pk).update(summary="Quietly rewritten")


def _memorandum_events(memorandum) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(target_type="memoranda.memorandum", target_id=str(memorandum.pk)).order_by("id")
    )


def test_the_check_runs_every_day():
    assert any(e.command == "verify_audit" and e.every_minutes == 0 for e in ENTRIES)


def test_each_run_is_kept_with_what_it_found(world):
    m, _ = active_memorandum(world)
    call_command("verify_audit", no_checkpoint=True)
    intact = latest()
    assert intact.ok and intact.problem_count == 0 and intact.events_checked == AuditEvent.objects.count()
    events = _memorandum_events(m)
    _break(events[1])
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit", no_checkpoint=True)
    broken = latest()
    assert not broken.ok and broken.problem_count == 1
    assert broken.problem_event_ids == [events[1].pk]
    assert "edited" in broken.problems[0]["reason"]
    assert AuditCheck.objects.count() == 2


def test_site_administrators_see_a_banner_until_a_later_check_passes(world, client_for):
    m, _ = active_memorandum(world)
    event = _memorandum_events(m)[0]
    original = event.summary
    _break(event)
    with pytest.raises(CommandError):
        call_command("verify_audit", no_checkpoint=True)
    page = client_for("admin").get("/").content.decode()
    assert "The audit trail failed its integrity check on" in page
    assert f"the first at event {event.pk}" in page
    # Members and leads are not the ones who can act on it.
    for role in ("lead", "member"):
        assert "failed its integrity check" not in client_for(role).get("/").content.decode()
    # Once the row is put right, the next check clears the banner.
    AuditEvent.objects.filter(pk=event.pk).update(summary=original)
    call_command("verify_audit", no_checkpoint=True)
    assert "failed its integrity check" not in client_for("admin").get("/").content.decode()


def test_healthz_fails_while_the_last_check_found_a_break(world, client):
    m, _ = active_memorandum(world)
    assert client.get("/healthz").json()["audit"] == "ok"
    _break(_memorandum_events(m)[0])
    with pytest.raises(CommandError):
        call_command("verify_audit", no_checkpoint=True)
    response = client.get("/healthz")
    assert response.status_code == 503
    audit = response.json()["checks"]["audit"]
    assert audit["status"] == "error" and audit["problems"] == 1
    assert audit["reason"] == "the last full check of the audit trail found it broken"


def test_the_verify_page_says_the_record_cannot_be_confirmed(world, client):
    m, version = active_memorandum(world)
    other, other_version = active_memorandum(world, title="Another memorandum")
    assert "Signed and in force" in client.get(VERIFY + f"?sha256={version.sha256}").content.decode()
    _break(_memorandum_events(m)[-1])
    # Until the daily check has run, the page cannot know.
    assert "Signed and in force" in client.get(VERIFY + f"?sha256={version.sha256}").content.decode()
    with pytest.raises(CommandError):
        call_command("verify_audit", no_checkpoint=True)
    html = client.get(VERIFY + f"?sha256={version.sha256}").content.decode()
    assert "Record cannot be confirmed: do not rely on it alone" in html
    assert "can no longer be confirmed" in html and "Signed and in force" not in html
    # A memorandum whose own events are intact still verifies.
    assert "Signed and in force" in client.get(VERIFY + f"?sha256={other_version.sha256}").content.decode()


def test_more_problems_than_are_kept_leave_everything_after_the_first_unconfirmed(world, monkeypatch):
    from portal import audit_status

    m, _ = active_memorandum(world)
    events = _memorandum_events(m)
    for event in events[1:]:
        _break(event)
    monkeypatch.setattr(audit_status, "MAX_KEPT", 1)
    with pytest.raises(CommandError):
        call_command("verify_audit", no_checkpoint=True)
    assert latest().problem_count == len(events) - 1
    ids = [e.pk for e in events]
    assert unconfirmable_events(ids) == ids[1:]
