"""The audit listener hook (portal.registry.register_audit_listener): events are queued in the
same transaction as the change, and a failing listener never stops the change."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from memoranda.models import Memorandum, Status
from portal import registry
from portal.audit import record
from portal.models import AuditEvent
from tests.memoranda.factories import ready_memorandum
from webhooks.models import Delivery, EventType, Message


def test_a_failing_listener_is_logged_and_the_change_still_happens(world, monkeypatch, caplog):
    monkeypatch.setattr(registry, "_audit_listeners", dict(registry._audit_listeners))

    def broken(event):
        AuditEvent.objects.filter(pk=event.pk).update(summary="changed by a broken listener")
        raise RuntimeError("listener bug")

    registry.register_audit_listener("broken", ["partnership.updated"], broken)
    event = record(
        world.user("lead"),
        "partnership.updated",
        world.partnership,
        summary="Renamed",
        partnership_id=world.partnership.pk,
    )
    event.refresh_from_db()
    assert event.summary == "Renamed"  # its savepoint was rolled back alone
    assert "Audit listener broken failed" in caplog.text


def test_a_change_that_rolls_back_queues_no_event(world, endpoint_for, on_the_queue):
    from memoranda import services

    endpoint_for(EventType.MEMORANDUM_SENT)
    memorandum = ready_memorandum(world)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.send_for_signature(world.user("lead"), memorandum, base_revision=memorandum.revision)
        assert Delivery.objects.count() == 1  # queued with the change...
        raise RuntimeError("the request failed after the send")
    assert not Message.objects.exists() and not Delivery.objects.exists()  # ...and gone with it
    assert not DBTaskResult.objects.filter(task_path__startswith="webhooks.").exists()
    assert Memorandum.objects.get(pk=memorandum.pk).status == Status.DRAFT
