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
