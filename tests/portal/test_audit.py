"""The audit trail is a hash chain: any edit, removal or reordering is caught by verify_audit."""

import pytest
from django.core.management import CommandError, call_command

from portal.audit import diff, record, verify_chain
from portal.models import AuditEvent
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _three_events():
    actor = UserFactory()
    org = OrganisationFactory(name="Chain Borough Council")
    for n in range(3):
        record(
            actor,
            "organisation.updated",
            org,
            changes={"name": [f"Old {n}", f"New {n}"]},
            summary=f"Edit {n}",
            organisation_id=org.pk,
        )
    return list(AuditEvent.objects.order_by("id"))


@pytest.mark.smoke
def test_each_event_links_to_the_previous_one():
    first, second, third = _three_events()
    assert first.prev_hash == ""
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert verify_chain() == []


def test_verify_audit_reports_an_intact_trail(capsys):
    _three_events()
    call_command("verify_audit")
    assert "intact: 3 events" in capsys.readouterr().out


@pytest.mark.smoke
def test_an_edited_row_is_caught():
    events = _three_events()
    AuditEvent.objects.filter(pk=events[1].pk).update(summary="Nothing to see here")
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit")
    problems = verify_chain()
    assert [p.event_id for p in problems] == [events[1].pk]
    assert "edited" in problems[0].reason


def test_a_removed_row_is_caught():
    events = _three_events()
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    problems = verify_chain()
    assert [p.event_id for p in problems] == [events[2].pk]
    assert "removed" in problems[0].reason


def test_changed_values_survive_the_round_trip_so_the_hash_still_matches():
    import datetime as dt
    from decimal import Decimal

    actor = UserFactory()
    org = OrganisationFactory()
    changes = diff(
        {"joined": dt.date(2020, 1, 1), "fee": Decimal("1.50"), "same": 1},
        {"joined": dt.date(2021, 2, 3), "fee": Decimal("2.00"), "same": 1},
    )
    assert changes == {"fee": ["1.50", "2.00"], "joined": ["2020-01-01", "2021-02-03"]}
    event = record(actor, "thing.updated", org, changes=changes)
    event.refresh_from_db()
    assert event.compute_hash() == event.hash


def test_the_actor_is_recorded_by_name_and_survives_account_deletion():
    actor = UserFactory(full_name="Ravi Example", email="ravi@example.org")
    event = record(actor, "organisation.created", OrganisationFactory())
    actor.delete()
    event.refresh_from_db()
    assert event.actor is None
    assert event.actor_label == "Ravi Example <ravi@example.org>"
    assert verify_chain() == []


# --- Attacks by someone with database access (issue 16, item 6) --------------------------------

KEY_A = "audit-key-a-0123456789-0123456789-0123456789"
KEY_B = "audit-key-b-9876543210-9876543210-9876543210"


@pytest.fixture
def checkpoint_dir(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_DIR = str(tmp_path / "checkpoints")
    return tmp_path / "checkpoints"


def _verify_fails(capsys, *words):
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit")
    err = capsys.readouterr().err
    for word in words:
        assert word in err
    return err


def test_an_edited_actor_is_caught(capsys, checkpoint_dir):
    events = _three_events()
    someone_else = UserFactory(full_name="Innocent Bystander")
    AuditEvent.objects.filter(pk=events[1].pk).update(actor=someone_else, actor_ref=someone_else.pk)
    _verify_fails(capsys, f"Audit event {events[1].pk}", "edited")
    # Changing only the foreign key History shows is caught too.
    AuditEvent.objects.filter(pk=events[1].pk).update(actor_ref=events[1].actor_ref)
    _verify_fails(capsys, f"Audit event {events[1].pk}", "actor was edited")


def _rechain_plain_sha256():
    """What the attacker of issue 16 did: edit a row, then recompute every hash with SHA-256."""
    import hashlib

    from portal.models import canonical_json

    previous = ""
    for event in AuditEvent.objects.order_by("id"):
        event.prev_hash = previous
        payload = previous + canonical_json(event.content_for_hash())
        event.hash = hashlib.sha256(payload.encode()).hexdigest()
        event.save(update_fields=["prev_hash", "hash"])
        previous = event.hash


def test_an_edit_re_chained_with_plain_sha256_is_caught(capsys, checkpoint_dir):
    events = _three_events()
    AuditEvent.objects.filter(pk=events[1].pk).update(summary="Nothing to see here")
    _rechain_plain_sha256()
    err = _verify_fails(capsys, "re-chained without the key")
    assert all(f"Audit event {e.pk}" in err for e in events)


def test_an_edit_re_chained_with_another_key_is_caught(capsys, checkpoint_dir, settings):
    settings.AUDIT_HMAC_KEYS = [("k1", KEY_A)]
    events = _three_events()
    AuditEvent.objects.filter(pk=events[1].pk).update(summary="Nothing to see here")
    # The attacker guesses a key and even names it as the portal's key id.
    settings.AUDIT_HMAC_KEYS = [("k1", KEY_B)]
    previous = ""
    for event in AuditEvent.objects.order_by("id"):
        event.prev_hash = previous
        event.hash = event.compute_hash()
        event.save(update_fields=["prev_hash", "hash"])
        previous = event.hash
    settings.AUDIT_HMAC_KEYS = [("k1", KEY_A)]
    _verify_fails(capsys, "re-chained without the key")


def test_rows_deleted_from_the_end_after_a_checkpoint_are_caught(capsys, checkpoint_dir):
    events = _three_events()
    call_command("audit_checkpoint")
    assert f"event {events[2].pk} of 3" in capsys.readouterr().out
    # What is left is still a perfect chain: only the checkpoint shows the loss.
    AuditEvent.objects.filter(pk__in=[events[1].pk, events[2].pk]).delete()
    assert verify_chain() == []
    _verify_fails(capsys, f"Audit event {events[2].pk}", "deleted from the end")


def test_verify_audit_writes_a_checkpoint_that_the_next_run_checks(capsys, checkpoint_dir):
    events = _three_events()
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "intact: 3 events checked against 0 checkpoint(s)" in out
    assert f"New checkpoint: event {events[2].pk}" in out
    assert (checkpoint_dir / "audit" / "checkpoints.jsonl").read_text().count("\n") == 1
    record(UserFactory(), "organisation.updated", OrganisationFactory(), summary="Later")
    call_command("verify_audit", no_checkpoint=True)
    assert "intact: 4 events checked against 1 checkpoint(s)" in capsys.readouterr().out
    AuditEvent.objects.order_by("-id").first().delete()  # a row after the checkpoint
    AuditEvent.objects.filter(pk=events[2].pk).delete()  # the checkpointed head
    _verify_fails(capsys, "deleted from the end")


def test_a_forged_checkpoint_is_caught(capsys, checkpoint_dir):
    import json

    _three_events()
    call_command("audit_checkpoint")
    path = checkpoint_dir / "audit" / "checkpoints.jsonl"
    line = json.loads(path.read_text())
    line["count"] = 2
    path.write_text(json.dumps(line) + "\n")
    _verify_fails(capsys, "not signed with the audit key")


def test_a_rotated_key_still_verifies_older_events(capsys, checkpoint_dir, settings):
    settings.AUDIT_HMAC_KEYS = [("k1", KEY_A)]
    old = _three_events()
    settings.AUDIT_HMAC_KEYS = [("k2", KEY_B), ("k1", KEY_A)]
    new = record(UserFactory(), "organisation.updated", OrganisationFactory(), summary="After rotation")
    assert {e.key_id for e in old} == {"k1"} and new.key_id == "k2"
    call_command("verify_audit")
    assert "intact: 4 events" in capsys.readouterr().out
    # Dropping the old key too early is reported, not mistaken for tampering.
    settings.AUDIT_HMAC_KEYS = [("k2", KEY_B)]
    _verify_fails(capsys, "audit key 'k1', which this portal does not hold")


def test_events_from_before_the_key_are_sealed_once_by_audit_rehash(capsys, checkpoint_dir):
    events = _three_events()
    # As migration 0003 leaves them: plain SHA-256, no key id.
    previous = ""
    for event in AuditEvent.objects.order_by("id"):
        event.key_id, event.prev_hash = "", previous
        event.hash = event.compute_legacy_hash()
        event.save(update_fields=["key_id", "prev_hash", "hash"])
        previous = event.hash
    _verify_fails(capsys, "audit_rehash")
    call_command("audit_rehash")
    assert "Re-sealed 3 audit events" in capsys.readouterr().out
    call_command("verify_audit")
    assert "intact: 3 events checked against 1 checkpoint(s)" in capsys.readouterr().out
    assert AuditEvent.objects.get(pk=events[0].pk).key_id == "dev"


def test_audit_rehash_refuses_an_old_chain_that_is_already_broken(capsys, checkpoint_dir):
    _three_events()
    AuditEvent.objects.update(key_id="")  # legacy rows whose SHA-256 does not match their content
    with pytest.raises(CommandError, match="nothing was re-sealed"):
        call_command("audit_rehash")
    assert not AuditEvent.objects.exclude(key_id="").exists()
