"""A memorandum's life after signing: review, amendment (a new draft that replaces it once
signed), ending, and expiry when the review date passes without a review."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from memoranda import clock
from memoranda.actions import Action
from memoranda.models import (
    REASON_MAX_CHARS,
    Memorandum,
    Party,
    PlaceCommitment,
    Review,
    ReviewOutcome,
    Status,
    VersionStatus,
)
from memoranda.permissions import MemorandumPerm
from memoranda.services.common import add_months, clean_text, lock
from memoranda.services.drafting import new_sections
from memoranda.services.states import require_state
from partnerships.access import require
from portal.audit import record
from portal.exceptions import InvalidTransition
from portal.links import absolute_url
from portal.mail import send_on_commit


@transaction.atomic
def start_amendment(actor, memorandum: Memorandum) -> Memorandum:
    """A new draft copied from the memorandum in force. The one in force stays active until the
    new one is fully signed, then becomes superseded."""
    memorandum = lock(memorandum)
    require(actor, memorandum.partnership, MemorandumPerm.DRAFT)
    require_state(memorandum, "amend")
    existing = Memorandum.objects.filter(replaces=memorandum, status__in=[Status.DRAFT, Status.AWAITING]).first()
    if existing is not None:
        raise InvalidTransition(f"An amendment of this memorandum is already in progress: {existing.title}.")
    draft = Memorandum.objects.create(
        partnership_id=memorandum.partnership_id,
        kind=memorandum.kind,
        title=memorandum.title,
        start_date=max(clock.today(), memorandum.start_date),
        review_interval_months=memorandum.review_interval_months,
        replaces=memorandum,
        lineage=memorandum.lineage,
        created_by=actor,
    )
    new_sections(
        draft,
        [
            {"key": s.key, "heading": s.heading, "body": s.body, "guidance": s.guidance, "position": s.position}
            for s in memorandum.sections.all()
        ],
        actor,
    )
    current = {p.organisation_id for p in memorandum.partnership.partners.all() if p.is_current}
    Party.objects.bulk_create(
        Party(
            memorandum=draft,
            organisation_id=p.organisation_id,
            signatory_id=p.signatory_id,
            signatory_position=p.signatory_position,
            seniority=p.seniority,
            commitments=p.commitments,
        )
        for p in memorandum.parties.all()
        if p.organisation_id in current
    )
    PlaceCommitment.objects.bulk_create(
        PlaceCommitment(
            memorandum=draft, organisation_id=c.organisation_id, academic_year=c.academic_year, places=c.places
        )
        for c in memorandum.place_commitments.all()
        if c.organisation_id in current
    )
    record(
        actor,
        Action.AMENDMENT_STARTED,
        memorandum,
        summary="Started an amendment: a new draft was created; this one stays in force until it is signed",
        partnership_id=memorandum.partnership_id,
    )
    record(
        actor,
        Action.CREATED,
        draft,
        summary=f"Started drafting an amendment of {memorandum.title}",
        partnership_id=memorandum.partnership_id,
    )
    return draft


@transaction.atomic
def end_memorandum(actor, memorandum: Memorandum, *, reason: str, ended_on: date | None = None) -> Memorandum:
    memorandum = lock(memorandum)
    require(actor, memorandum.partnership, MemorandumPerm.DRAFT)
    require_state(memorandum, "end")
    reason = clean_text(reason, field="reason", label="reason", limit=REASON_MAX_CHARS, required=True).strip()
    ended_on = ended_on or clock.today()
    if ended_on > clock.today():
        raise ValidationError(
            {"ended_on": "The end date cannot be in the future: record the ending on the day it happens"}
        )
    if memorandum.effective_date and ended_on < memorandum.effective_date:
        raise ValidationError({"ended_on": "The end date cannot be before the memorandum took effect"})
    old = memorandum.status
    memorandum.status, memorandum.ended_reason, memorandum.ended_on = Status.ENDED, reason, ended_on
    memorandum.save()
    memorandum.versions.filter(status=VersionStatus.AWAITING).update(status=VersionStatus.WITHDRAWN)
    record(
        actor,
        Action.ENDED,
        memorandum,
        changes={"status": [old, Status.ENDED], "ended_on": [None, ended_on.isoformat()], "reason": [None, reason]},
        summary="Ended the memorandum",
        partnership_id=memorandum.partnership_id,
    )
    if old in (Status.ACTIVE, Status.EXPIRED):
        send_on_commit(
            "memoranda/email/ended",
            {"memorandum": memorandum, "url": absolute_url(memorandum.get_absolute_url())},
            [p.signatory for p in memorandum.parties.select_related("signatory")],
        )
    return memorandum


@transaction.atomic
def record_review(
    actor,
    memorandum: Memorandum,
    *,
    outcome: str,
    note: str = "",
    reviewed_on: date | None = None,
    ended_on: date | None = None,
) -> tuple[Review, Memorandum]:
    """Record a review of an active memorandum. Continue unchanged: the next review date follows
    from the interval. Amend: a new draft starts. End: the memorandum ends. Returns the review and
    the memorandum to show next (the new draft when amending)."""
    locked = lock(memorandum)
    require(actor, locked.partnership, MemorandumPerm.DRAFT)
    require_state(locked, "review")
    if outcome not in ReviewOutcome.values:
        raise ValidationError({"outcome": "Choose what the review decided"})
    note = clean_text(note, field="note", label="note", limit=REASON_MAX_CHARS).strip()
    reviewed_on = reviewed_on or clock.today()
    if reviewed_on > clock.today():
        raise ValidationError({"reviewed_on": "The review date cannot be in the future"})
    review = Review(
        memorandum=locked,
        reviewed_on=reviewed_on,
        outcome=outcome,
        note=note,
        due_date=locked.review_date,
        recorded_by=actor,
    )
    show = locked
    if outcome == ReviewOutcome.UNCHANGED:
        old = locked.review_date
        locked.review_date = review.next_review_date = add_months(reviewed_on, locked.review_interval_months)
        locked.save(update_fields=["review_date", "updated_at"])
        review.save()
        record(
            actor,
            Action.REVIEWED,
            locked,
            changes={"review_date": [old.isoformat() if old else None, locked.review_date.isoformat()]},
            summary="Reviewed: continues unchanged" + (f". {note}" if note else ""),
            partnership_id=locked.partnership_id,
        )
        send_on_commit(
            "memoranda/email/reviewed_unchanged",
            {"memorandum": locked, "note": note, "url": absolute_url(locked.get_absolute_url())},
            [p.signatory for p in locked.parties.select_related("signatory")],
        )
    elif outcome == ReviewOutcome.AMEND:
        review.save()
        show = start_amendment(actor, locked)
        record(
            actor,
            Action.REVIEWED,
            locked,
            summary="Reviewed: to be amended; a new draft was started",
            partnership_id=locked.partnership_id,
        )
    else:
        if not note:
            raise ValidationError({"note": "Say why the memorandum ends"})
        review.save()
        end_memorandum(actor, locked, reason=note, ended_on=ended_on or reviewed_on)
        record(actor, Action.REVIEWED, locked, summary="Reviewed: ended", partnership_id=locked.partnership_id)
    return review, show


def expire_due(today: date, *, grace_days: int = 0) -> int:
    """Expire active memoranda whose review date passed more than `grace_days` ago (audited)."""
    count = 0
    for pk in Memorandum.objects.filter(status=Status.ACTIVE, review_date__lt=today).values_list("pk", flat=True):
        with transaction.atomic():
            memorandum = Memorandum.objects.select_for_update().get(pk=pk)
            if memorandum.status != Status.ACTIVE or (today - memorandum.review_date).days <= grace_days:
                continue
            memorandum.status = Status.EXPIRED
            memorandum.save(update_fields=["status", "updated_at"])
            record(
                None,
                Action.EXPIRED,
                memorandum,
                changes={"status": [Status.ACTIVE, Status.EXPIRED]},
                summary="Expired: the review date passed without a review",
                partnership_id=memorandum.partnership_id,
            )
            count += 1
    return count
