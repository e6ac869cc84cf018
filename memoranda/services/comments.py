"""Comments on a draft: anyone with the comment role adds them while it is a draft; the lead
resolves them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from memoranda import clock
from memoranda.actions import Action
from memoranda.models import COMMENT_MAX_CHARS, Comment, Memorandum, Section
from memoranda.permissions import MemorandumPerm
from memoranda.services.common import clean_text, lock
from memoranda.services.states import require_state
from partnerships.access import Perm, require
from portal.audit import record
from portal.concurrency import fresh
from portal.exceptions import InvalidTransition


@transaction.atomic
def add_comment(actor, memorandum: Memorandum, *, body: str, section: Section | None = None) -> Comment:
    memorandum = lock(memorandum)
    require(actor, memorandum.partnership, Perm.COMMENT)
    require_state(memorandum, "comment")
    body = clean_text(body, field="body", label="comment", limit=COMMENT_MAX_CHARS, required=True).strip()
    if section is not None and section.memorandum_id != memorandum.pk:
        raise ValidationError({"section": "Choose a section of this memorandum"})
    comment = Comment.objects.create(
        memorandum=memorandum,
        section=section,
        section_heading=section.heading if section else "",
        author=actor,
        body=body,
    )
    where = f" on {section.heading}" if section else ""
    record(actor, Action.COMMENTED, memorandum, summary=f"Commented{where}", partnership_id=memorandum.partnership_id)
    return comment


@transaction.atomic
def resolve_comment(actor, comment: Comment) -> Comment:
    memorandum = lock(comment.memorandum_id)
    require(actor, memorandum.partnership, MemorandumPerm.DRAFT)
    comment = fresh(Comment.objects.select_for_update().filter(memorandum=memorandum), comment)
    if comment.resolved_at:
        raise InvalidTransition("This comment is already resolved.")
    comment.resolved_at, comment.resolved_by = clock.now(), actor
    comment.save()
    record(
        actor,
        Action.COMMENT_RESOLVED,
        memorandum,
        summary=f"Resolved a comment by {comment.author}",
        partnership_id=memorandum.partnership_id,
    )
    return comment
