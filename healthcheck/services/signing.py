"""Submitting a health check for sign-off, signing it off (which locks it) and reopening it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from healthcheck.actions import Action as AuditAction
from healthcheck.models import HealthCheck, Rag, Rating, Reopening, SignOff, Status, rag_label
from healthcheck.permissions import HealthCheckPerm
from healthcheck.rules import RagCounts, overall_rating
from healthcheck.services.common import lock_health_check, require_in_progress
from partnerships.access import can, membership_of, require
from portal.audit import record
from portal.exceptions import InvalidTransition


def submission_problems(health_check: HealthCheck) -> list[str]:
    """What stops a health check being submitted, in words (empty when it is ready)."""
    ratings = list(
        health_check.ratings.select_related("criterion")
        .prefetch_related("actions")
        .order_by("criterion__area__position", "criterion__position")
    )
    unrated = [r.criterion.code for r in ratings if not r.rating]
    no_action = [r.criterion.code for r in ratings if r.rating in (Rag.RED, Rag.AMBER) and not r.actions.all()]
    to_confirm = [r.criterion.code for r in ratings if r.needs_confirmation]
    problems = []
    if unrated:
        problems.append(f"Rate every criterion first: {len(unrated)} not rated yet ({', '.join(unrated)}).")
    if no_action:
        problems.append(f"Add at least one action to each Red or Amber criterion: {', '.join(no_action)}.")
    if to_confirm:
        problems.append(
            f"Confirm or explain each rating whose live figure's suggestion changed since it was rated: "
            f"{len(to_confirm)} need confirmation ({', '.join(to_confirm)})."
        )
    return problems


def ratings_needing_confirmation(health_check: HealthCheck) -> list[Rating]:
    """The ratings that stop a submission until confirmed (Rating.needs_confirmation), in order."""
    ratings = health_check.ratings.select_related("criterion").order_by(
        "criterion__area__position", "criterion__position", "criterion__code"
    )
    return [r for r in ratings if r.needs_confirmation]


@transaction.atomic
def submit(actor, health_check: HealthCheck) -> HealthCheck:
    locked = lock_health_check(health_check)
    require(actor, locked.partnership, HealthCheckPerm.RUN)
    require_in_progress(locked)
    problems = submission_problems(locked)
    if problems:
        raise ValidationError(problems)
    locked.status, locked.submitted_by, locked.submitted_at = Status.SUBMITTED, actor, timezone.now()
    locked.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    record(
        actor,
        AuditAction.SUBMITTED,
        locked,
        summary=f"Submitted revision {locked.revision} for sign-off",
        partnership_id=locked.partnership_id,
    )
    return locked


def can_sign_off(user, health_check: HealthCheck) -> bool:
    """Signatories sign off; for one partner organisation's health check, only a signatory who
    represents that organisation."""
    if not can(user, health_check.partnership_id, HealthCheckPerm.SIGN_OFF):
        return False
    if health_check.organisation_id is None:
        return True
    membership = membership_of(user, health_check.partnership_id)
    return membership is not None and membership.organisation_id == health_check.organisation_id


@transaction.atomic
def sign_off(actor, health_check: HealthCheck) -> SignOff:
    """Sign off and lock. The view has had the signatory re-enter their password
    (portal.forms.ConfirmPasswordForm) before calling this."""
    locked = lock_health_check(health_check)
    require(actor, locked.partnership, HealthCheckPerm.SIGN_OFF)
    if not can_sign_off(actor, locked):
        raise PermissionDenied(f"Only a signatory for {locked.organisation} can sign off this health check.")
    if locked.status != Status.SUBMITTED:
        raise InvalidTransition("Only a health check submitted for sign-off can be signed off.")
    ratings = list(
        locked.ratings.select_related("criterion").order_by("criterion__area__position", "criterion__position")
    )
    overall = overall_rating(RagCounts.of(r.rating for r in ratings))
    membership = membership_of(actor, locked.partnership_id)
    signed = SignOff.objects.create(
        health_check=locked,
        revision=locked.revision,
        signed_by=actor,
        name=actor.get_full_name() or actor.email,
        job_title=(membership.job_title if membership else "") or actor.job_title,
        organisation=membership.organisation if membership else None,
        overall_rating=overall,
        snapshot={
            "framework": str(locked.framework),
            "ratings": [{"code": r.criterion.code, "rating": r.rating, "commentary": r.commentary} for r in ratings],
        },
    )
    locked.status = Status.SIGNED_OFF
    locked.save(update_fields=["status", "updated_at"])
    record(
        actor,
        AuditAction.SIGNED_OFF,
        locked,
        summary=f"Signed off revision {locked.revision} (overall {rag_label(overall)})",
        partnership_id=locked.partnership_id,
        organisation_id=signed.organisation_id,
    )
    return signed


@transaction.atomic
def reopen(actor, health_check: HealthCheck, *, reason: str) -> HealthCheck:
    locked = lock_health_check(health_check)
    require(actor, locked.partnership, HealthCheckPerm.RUN)
    if locked.status == Status.IN_PROGRESS:
        raise InvalidTransition("This health check is already open for changes.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the health check needs reopening"})
    Reopening.objects.create(
        health_check=locked, from_revision=locked.revision, reason=reason.strip(), reopened_by=actor
    )
    previous_status = locked.get_status_display().lower()
    locked.status, locked.revision = Status.IN_PROGRESS, locked.revision + 1
    locked.submitted_at, locked.submitted_by = None, None
    locked.save(update_fields=["status", "revision", "submitted_at", "submitted_by", "updated_at"])
    record(
        actor,
        AuditAction.REOPENED,
        locked,
        changes={"status": [previous_status, "in progress"], "reason": ["", reason.strip()]},
        summary=f"Reopened as revision {locked.revision}: {reason.strip()[:300]}",
        partnership_id=locked.partnership_id,
    )
    return locked
