"""Every workflow action against every memorandum state: allowed ones go through the service,
the others are refused with a message and change nothing.

Allowed actions start from states reached through the services. Refusals are checked on a
memorandum put straight into the state (the guard looks only at the status, and building a signed
history with its PDF for each of some forty refusals would slow the suite for nothing)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from memoranda import services
from memoranda.models import Memorandum, MemorandumVersion, Status, VersionStatus
from portal.exceptions import InvalidTransition
from portal.models import AuditEvent
from tests.memoranda.factories import (
    active_memorandum,
    awaiting_memorandum,
    draft_memorandum,
    sign_as,
)

pytestmark = pytest.mark.django_db

STATES = [Status.DRAFT, Status.AWAITING, Status.ACTIVE, Status.SUPERSEDED, Status.EXPIRED, Status.ENDED]


def _put_in_state(world, state):
    """A memorandum sent for signature, then given `state` directly."""
    m = awaiting_memorandum(world)[0]
    Memorandum.objects.filter(pk=m.pk).update(status=state)
    m.refresh_from_db()
    return m


def _in_state(world, state):
    """A memorandum in `state`, reached through the services (expiry through expire_due)."""
    if state == Status.DRAFT:  # sent once and withdrawn, so it has a (closed) version too
        m = awaiting_memorandum(world)[0]
        services.withdraw(world.user("lead"), m, reason="A correction")
        m.refresh_from_db()
        return m
    if state == Status.AWAITING:
        return awaiting_memorandum(world)[0]
    m = active_memorandum(world)[0]
    lead = world.user("lead")
    if state == Status.SUPERSEDED:
        from portal.models import User

        amendment = services.start_amendment(lead, m)
        version = services.send_for_signature(lead, amendment, base_revision=amendment.revision)
        sign_as(world.user("signatory"), version)
        sign_as(User.objects.get(email="uma@matrix.test"), version)
    elif state == Status.EXPIRED:
        services.expire_due(m.review_date + timedelta(days=1))
    elif state == Status.ENDED:
        services.end_memorandum(lead, m, reason="The partnership closed")
    m.refresh_from_db()
    assert m.status == state
    return m


def _do(action, world, m):
    lead, signatory = world.user("lead"), world.user("signatory")
    version = m.versions.order_by("-number").first()
    if action == "edit":
        s = m.sections.first()
        return services.update_section(lead, s, heading=s.heading, body="Changed text", base_revision=s.revision)
    if action == "comment":
        return services.add_comment(world.user("member"), m, body="A thought")
    if action == "send":
        return services.send_for_signature(lead, m, base_revision=m.revision)
    if action == "withdraw":
        return services.withdraw(lead, m, reason="Typo in section 2")
    if action == "sign":
        return sign_as(signatory, version)
    if action == "decline":
        return services.decline(signatory, version, reason="Needs more on ASYE")
    if action == "review":
        return services.record_review(lead, m, outcome="unchanged")
    if action == "amend":
        return services.start_amendment(lead, m)
    if action == "end":
        return services.end_memorandum(lead, m, reason="No longer needed")
    if action == "expire":
        return services.expire_due(timezone.localdate() + timedelta(days=800))
    raise AssertionError(action)


CASES = [(state, action) for state in STATES for action in services.TRANSITIONS]


@pytest.mark.parametrize(("state", "action"), CASES, ids=[f"{s}-{a}" for s, a in CASES])
def test_each_action_is_allowed_only_in_its_states(world, state, action):
    allowed = state in services.TRANSITIONS[action]
    m = _in_state(world, state) if allowed or state == Status.DRAFT else _put_in_state(world, state)
    events = AuditEvent.objects.count()
    versions = MemorandumVersion.objects.count()
    if allowed:
        _do(action, world, m)
        assert AuditEvent.objects.count() > events, "an allowed action writes the audit trail"
        return
    if action == "expire":  # a batch job over every memorandum: it skips this one rather than raising
        _do(action, world, m)
        assert Memorandum.objects.get(pk=m.pk).status == state
        return
    with pytest.raises(InvalidTransition) as refused:
        _do(action, world, m)
    assert refused.value.messages[0]  # a sentence the user can read
    assert Memorandum.objects.get(pk=m.pk).status == state
    assert AuditEvent.objects.count() == events
    assert MemorandumVersion.objects.count() == versions


def test_sending_freezes_a_numbered_version_and_locks_the_text(world):
    m, version = awaiting_memorandum(world)
    assert (version.number, version.status, m.status) == (1, VersionStatus.AWAITING, Status.AWAITING)
    assert version.hash_matches() and len(version.sha256) == 64
    section = m.sections.get(key="aims")
    with pytest.raises(InvalidTransition):
        services.update_section(world.user("lead"), section, heading="x", body="y", base_revision=section.revision)
    assert version.content["sections"][0]["body"] == section.body


def test_decline_returns_to_draft_and_the_next_send_is_a_new_version(world):
    m, version = awaiting_memorandum(world)
    sign_as(world.user("signatory"), version)
    from portal.models import User

    uni = User.objects.get(email="uma@matrix.test")
    services.decline(uni, version, reason="Section on ASYE is missing")
    m.refresh_from_db()
    version.refresh_from_db()
    assert m.status == Status.DRAFT
    assert version.status == VersionStatus.DECLINED and version.declined_by == uni
    again = services.send_for_signature(world.user("lead"), m, base_revision=m.revision)
    assert again.number == 2 and again.signatures.count() == 0  # signatures never carry over


def test_declining_needs_a_reason(world):
    m, version = awaiting_memorandum(world)
    with pytest.raises(ValidationError) as refused:
        services.decline(world.user("signatory"), version, reason="   ")
    assert "reason" in refused.value.message_dict
    assert Memorandum.objects.get(pk=m.pk).status == Status.AWAITING


def test_amendment_keeps_the_active_one_in_force_until_it_is_fully_signed(world):
    from portal.models import User

    m, first = active_memorandum(world)
    lead = world.user("lead")
    amendment = services.start_amendment(lead, m)
    assert amendment.lineage == m.lineage and amendment.replaces == m
    with pytest.raises(InvalidTransition):
        services.start_amendment(lead, m)  # one amendment at a time
    section = amendment.sections.get(key="aims")
    services.update_section(lead, section, heading=section.heading, body="Sharper aims", base_revision=section.revision)
    amendment.refresh_from_db()
    version = services.send_for_signature(lead, amendment, base_revision=amendment.revision)
    assert version.number == 2  # numbering runs on across the lineage
    sign_as(world.user("signatory"), version)
    m.refresh_from_db()
    assert m.status == Status.ACTIVE  # still in force: one party has not signed yet
    sign_as(User.objects.get(email="uma@matrix.test"), version)
    m.refresh_from_db()
    amendment.refresh_from_db()
    assert (m.status, amendment.status) == (Status.SUPERSEDED, Status.ACTIVE)


def test_review_unchanged_sets_the_next_date_from_today(world):
    m, _ = active_memorandum(world)
    review, shown = services.record_review(world.user("lead"), m, outcome="unchanged", note="All agreed")
    m.refresh_from_db()
    assert shown == m
    assert m.review_date == services.add_months(timezone.localdate(), 12) == review.next_review_date


def test_review_end_needs_a_reason_and_ends_it(world):
    m, _ = active_memorandum(world)
    with pytest.raises(ValidationError):
        services.record_review(world.user("lead"), m, outcome="end", note="")
    services.record_review(world.user("lead"), m, outcome="end", note="Replaced by a regional agreement")
    m.refresh_from_db()
    assert (m.status, m.ended_on, m.ended_reason) == (
        Status.ENDED,
        timezone.localdate(),
        "Replaced by a regional agreement",
    )


def test_review_amend_starts_a_draft(world):
    m, _ = active_memorandum(world)
    _, draft = services.record_review(world.user("lead"), m, outcome="amend")
    assert draft.status == Status.DRAFT and draft.replaces_id == m.pk
    assert Memorandum.objects.get(pk=m.pk).status == Status.ACTIVE


def test_ending_cannot_be_dated_in_the_future(world):
    m, _ = active_memorandum(world)
    with pytest.raises(ValidationError) as refused:
        services.end_memorandum(world.user("lead"), m, reason="x", ended_on=timezone.localdate() + timedelta(days=3))
    assert "ended_on" in refused.value.message_dict


def test_expiry_waits_for_the_grace_period(world):
    m, _ = active_memorandum(world)
    assert services.expire_due(m.review_date + timedelta(days=30), grace_days=90) == 0
    assert services.expire_due(m.review_date + timedelta(days=91), grace_days=90) == 1
    assert Memorandum.objects.get(pk=m.pk).status == Status.EXPIRED


def test_members_cannot_draft_and_outsiders_cannot_see(world):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    with pytest.raises(PermissionDenied):
        draft_memorandum(world) and services.create_memorandum(
            world.user("member"),
            world.partnership,
            kind="principles",
            title="x",
            organisations=[world.employer],
            start_date=timezone.localdate(),
        )
    with pytest.raises(Http404):
        services.create_memorandum(
            world.user("non_member"),
            world.partnership,
            kind="principles",
            title="x",
            organisations=[world.employer],
            start_date=timezone.localdate(),
        )
