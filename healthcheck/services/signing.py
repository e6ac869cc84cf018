"""Submitting a health check for sign-off, signing it off (which locks it) and reopening it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from healthcheck.actions import Action as AuditAction
from healthcheck.models import HealthCheck, Rag, Rating, Reopening, SignOff, Status, rag_label
from healthcheck.permissions import HealthCheckPerm
from healthcheck.rules import RagCounts, overall_rating, suggestion_in_words
from healthcheck.services.common import lock_health_check, require_in_progress
from partnerships.access import can, membership_of, require, roles_allowed
from partnerships.models import Membership
from portal.audit import record
from portal.exceptions import InvalidTransition
from portal.links import absolute_url
from portal.mail import send_on_commit
from portal.models import User


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


# --- Who signs it off -------------------------------------------------------------------------------


def signatory_memberships(health_check: HealthCheck) -> list[Membership]:
    """The people who may sign this health check off (HealthCheckPerm.SIGN_OFF; for one partner
    organisation's health check, those representing it), as memberships, by name."""
    memberships = Membership.objects.filter(
        partnership_id=health_check.partnership_id,
        role__in=roles_allowed(HealthCheckPerm.SIGN_OFF),
        user__is_active=True,
    ).select_related("user", "organisation")
    if health_check.organisation_id is not None:
        memberships = memberships.filter(organisation_id=health_check.organisation_id)
    return list(memberships.order_by("user__full_name", "user__email"))


def default_signatory(health_check: HealthCheck, memberships: list[Membership] | None = None) -> User | None:
    """Whom to send it to unless the person submitting chooses otherwise: the one it was sent to
    before (a reopened health check), else whoever signed off this scope's health check last,
    else the only person who can; None when there are several and nothing to go on."""
    if memberships is None:
        memberships = signatory_memberships(health_check)
    people = {m.user_id: m.user for m in memberships}
    if health_check.signatory_id in people:
        return people[health_check.signatory_id]
    last = (
        SignOff.objects.filter(
            health_check__partnership_id=health_check.partnership_id,
            health_check__organisation_id=health_check.organisation_id,  # type: ignore[misc]  # None is IS NULL
            signed_by_id__in=list(people),
        )
        .order_by("-signed_at", "-id")
        .values_list("signed_by_id", flat=True)
        .first()
    )
    if last is not None:
        return people[last]
    return next(iter(people.values())) if len(people) == 1 else None


def _chosen_signatory(health_check: HealthCheck, signatory: User | None) -> User:
    memberships = signatory_memberships(health_check)
    if not memberships:
        who = f"a signatory representing {health_check.organisation}" if health_check.organisation else "a signatory"
        raise ValidationError({"signatory": f"Nobody can sign this health check off yet: add {who} to the partnership"})
    chosen = signatory or default_signatory(health_check, memberships)
    if chosen is None:
        raise ValidationError({"signatory": "Choose who is to sign it off"})
    if chosen.pk not in {m.user_id for m in memberships}:
        raise ValidationError({"signatory": "Choose one of the people who can sign this health check off"})
    return chosen


def _ask_to_sign_off(health_check: HealthCheck, signatory: User, actor) -> None:
    """E-mail the named signatory (queued with this transaction: a refused change sends nothing)."""
    send_on_commit(
        "healthcheck/email/sign_off_request",
        {
            "hc": health_check,
            "sent_by": actor.get_full_name() or actor.email,
            "url": absolute_url(reverse("healthcheck:sign_off", args=[health_check.pk])),
            "page_url": absolute_url(health_check.get_absolute_url()),
        },
        [signatory],
    )


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.email) if user is not None else ""


@transaction.atomic
def submit(actor, health_check: HealthCheck, *, signatory: User | None = None) -> HealthCheck:
    """Lock the ratings and send the health check to a named signatory (default_signatory when
    none is chosen), who is e-mailed and sees it as their task."""
    locked = lock_health_check(health_check)
    require(actor, locked.partnership, HealthCheckPerm.RUN)
    require_in_progress(locked)
    problems = submission_problems(locked)
    if problems:
        raise ValidationError(problems)
    chosen = _chosen_signatory(locked, signatory)
    before = _name(locked.signatory)
    locked.status, locked.submitted_by, locked.submitted_at = Status.SUBMITTED, actor, timezone.now()
    locked.signatory = chosen
    locked.save(update_fields=["status", "submitted_by", "submitted_at", "signatory", "updated_at"])
    record(
        actor,
        AuditAction.SUBMITTED,
        locked,
        changes={"sent for sign-off to": [before, _name(chosen)]} if before != _name(chosen) else None,
        summary=f"Submitted revision {locked.revision} for sign-off by {_name(chosen)}",
        partnership_id=locked.partnership_id,
    )
    _ask_to_sign_off(locked, chosen, actor)
    return locked


@transaction.atomic
def change_signatory(actor, health_check: HealthCheck, *, signatory: User) -> HealthCheck:
    """Send a submitted health check to another signatory (the lead or a coordinator): the new
    one is e-mailed and it becomes their task instead."""
    locked = lock_health_check(health_check)
    require(actor, locked.partnership, HealthCheckPerm.RUN)
    if locked.status != Status.SUBMITTED:
        raise InvalidTransition("Only a health check waiting for sign-off can be sent to someone else.")
    chosen = _chosen_signatory(locked, signatory)
    if chosen.pk == locked.signatory_id:
        return locked
    before = _name(locked.signatory)
    locked.signatory = chosen
    locked.save(update_fields=["signatory", "updated_at"])
    record(
        actor,
        AuditAction.SIGNATORY_CHANGED,
        locked,
        changes={"sent for sign-off to": [before, _name(chosen)]},
        summary=f"Sent revision {locked.revision} for sign-off to {_name(chosen)} instead of {before or 'nobody named'}",
        partnership_id=locked.partnership_id,
    )
    _ask_to_sign_off(locked, chosen, actor)
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
            "ratings": [
                {
                    "code": r.criterion.code,
                    "rating": r.rating,
                    "commentary": r.commentary,
                    "suggestion": suggestion_in_words(r),
                }
                for r in ratings
            ],
        },
    )
    locked.status = Status.SIGNED_OFF
    locked.save(update_fields=["status", "updated_at"])
    named = ""
    if locked.signatory_id is not None and locked.signatory_id != actor.pk:
        named = f", sent to {_name(locked.signatory)}"
    record(
        actor,
        AuditAction.SIGNED_OFF,
        locked,
        summary=f"Signed off revision {locked.revision} (overall {rag_label(overall)}{named})",
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
