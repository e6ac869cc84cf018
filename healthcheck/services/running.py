"""Running a health check: starting it, the live figures, rating each criterion and its evidence.

Every function checks the partnership role (HealthCheckPerm.RUN), locks the health check and
refuses changes once it is submitted or signed off (reopen it first: services/signing.py).
"""

from __future__ import annotations

from contextlib import suppress

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from healthcheck.actions import Action as AuditAction
from healthcheck.models import (
    Criterion,
    Evidence,
    EvidenceKind,
    Framework,
    FrameworkStatus,
    HealthCheck,
    Rag,
    Rating,
    rag_label,
)
from healthcheck.permissions import HealthCheckPerm
from healthcheck.services.common import lock_health_check, require_in_progress
from healthcheck.suggestions import live_suggestion
from partnerships.access import require
from partnerships.models import Organisation, Partnership
from portal.audit import diff, record, snapshot
from portal.concurrency import refuse_stale
from portal.files import check_upload
from portal.storage import refuse_on_storage_failure, storage_errors


def apply_suggestion(rating: Rating, criterion: Criterion, health_check: HealthCheck) -> bool:
    """Store the latest live figure on the rating; True when anything changed."""
    found = live_suggestion(criterion, health_check)
    if found is None:
        return False
    fields = {
        "metric_value": found.value,
        "metric_display": found.display[:300],
        "metric_detail": found.detail[:2000],
        "suggested_rating": found.suggested,
    }
    changed = any(getattr(rating, k) != v for k, v in fields.items())
    for name, value in fields.items():
        setattr(rating, name, value)
    return changed


@transaction.atomic
def start_health_check(
    actor, partnership: Partnership, *, academic_year: str, framework: Framework, organisation: Organisation | None
) -> HealthCheck:
    require(actor, partnership, HealthCheckPerm.RUN)
    if framework.status != FrameworkStatus.PUBLISHED:
        raise ValidationError({"framework": "Choose a published framework"})
    if organisation is not None and not partnership.partners.filter(organisation=organisation).exists():
        raise ValidationError({"organisation": "Choose an organisation that is a partner in this partnership"})
    existing = HealthCheck.objects.filter(
        partnership=partnership, organisation=organisation, academic_year=academic_year
    ).first()
    if existing is not None:
        raise ValidationError(
            {"academic_year": f"There is already a health check for {existing.scope_label} in {academic_year}"}
        )
    health_check = HealthCheck(
        partnership=partnership,
        organisation=organisation,
        academic_year=academic_year,
        framework=framework,
        created_by=actor,
        figures_at=timezone.now(),
    )
    health_check.full_clean()
    health_check.save()
    ratings = []
    for criterion in Criterion.objects.filter(area__framework=framework).order_by("area__position", "position"):
        rating = Rating(health_check=health_check, criterion=criterion)
        apply_suggestion(rating, criterion, health_check)
        ratings.append(rating)
    Rating.objects.bulk_create(ratings)
    record(
        actor,
        AuditAction.STARTED,
        health_check,
        summary=f"Started the {academic_year} health check for {health_check.scope_label} ({framework})",
        partnership_id=partnership.pk,
        organisation_id=organisation.pk if organisation else None,
    )
    return health_check


@transaction.atomic
def refresh_figures(actor, health_check: HealthCheck) -> int:
    """Work out the live figures again; returns how many suggestions changed."""
    locked = lock_health_check(health_check)
    require(actor, locked.partnership, HealthCheckPerm.RUN)
    require_in_progress(locked)
    changed = []
    for rating in locked.ratings.select_related("criterion").exclude(criterion__metric_key=""):
        if apply_suggestion(rating, rating.criterion, locked):
            changed.append(rating)
    # Only the figure and its suggestion move: the rating, and any reason given for it, stay as
    # they were confirmed, so a rating whose suggestion moved now reads "needs confirmation"
    # (never "overridden" without a reason) until someone saves it again.
    Rating.objects.bulk_update(changed, ["metric_value", "metric_display", "metric_detail", "suggested_rating"])
    locked.figures_at = timezone.now()
    locked.save(update_fields=["figures_at", "updated_at"])
    to_confirm = sorted(r.criterion.code for r in changed if r.needs_confirmation)
    summary = f"Refreshed the live figures ({len(changed)} changed)"
    if to_confirm:
        summary += f"; ratings now needing confirmation: {', '.join(to_confirm)}"
    record(actor, AuditAction.FIGURES_REFRESHED, locked, summary=summary, partnership_id=locked.partnership_id)
    return len(changed)


RATING_FIELDS = ["rating", "commentary", "override_reason"]


@transaction.atomic
def save_rating(
    actor, rating: Rating, *, value: str, commentary: str, override_reason: str = "", base_revision
) -> Rating:
    """Save one criterion's rating and commentary. Refuses a save based on an older revision of
    this criterion (someone else saved it meanwhile); other criteria are unaffected."""
    health_check = lock_health_check(rating.health_check)
    require(actor, health_check.partnership, HealthCheckPerm.RUN)
    require_in_progress(health_check)
    locked = Rating.objects.select_for_update(of=("self",)).select_related("criterion", "updated_by").get(pk=rating.pk)
    refuse_stale(
        locked,
        base_revision,
        f"{locked.updated_by or 'Someone'} saved {locked.criterion.code} while you were editing it. "
        "Your text is still below: compare it with the saved version, then save again.",
    )
    commentary, override_reason = commentary.strip(), override_reason.strip()
    errors = {}
    if value not in Rag.values and value != "":
        errors["rating"] = "Choose Red, Amber, Green or Not applicable"
    if value in (Rag.RED, Rag.AMBER) and not commentary:
        errors["commentary"] = f"Explain the {rag_label(value)} rating: commentary is required for Red and Amber"
    if locked.suggested_rating and value and value != locked.suggested_rating and not override_reason:
        errors["override_reason"] = (
            f"The live figure suggests {rag_label(locked.suggested_rating)}: give a reason for rating it "
            f"{rag_label(value)} instead"
        )
    if errors:
        raise ValidationError(errors)
    if not value or value == locked.suggested_rating:
        override_reason = ""
    before = snapshot(locked, RATING_FIELDS)
    was_unconfirmed = locked.needs_confirmation
    locked.rating, locked.commentary, locked.override_reason = value, commentary, override_reason
    # Saving confirms the rating against the suggestion shown now (see Rating.needs_confirmation).
    locked.confirmed_suggestion, locked.confirmed_figure = locked.suggested_rating, locked.metric_display
    locked.revision += 1
    locked.updated_by, locked.updated_at = actor, timezone.now()
    locked.full_clean()
    locked.save()
    changes = diff(before, snapshot(locked, RATING_FIELDS))
    if changes or was_unconfirmed:
        outcome = {"accepted": ", accepting the suggestion", "overridden": ", overriding the suggestion"}.get(
            locked.suggestion_outcome, ""
        )
        if was_unconfirmed:
            suggested = rag_label(locked.suggested_rating) if locked.suggested_rating else "none"
            outcome += f" (confirmed against the live figure's current suggestion: {suggested})"
        record(
            actor,
            AuditAction.RATED,
            health_check,
            changes={f"{locked.criterion.code} {k}": v for k, v in changes.items()},
            summary=f"Rated {locked.criterion.code} {rag_label(value)}{outcome}",
            partnership_id=health_check.partnership_id,
        )
    return locked


@transaction.atomic
def add_evidence(
    actor, rating: Rating, *, kind: str, title: str, note: str = "", url: str = "", upload=None
) -> Evidence:
    health_check = lock_health_check(rating.health_check)
    require(actor, health_check.partnership, HealthCheckPerm.RUN)
    require_in_progress(health_check)
    evidence = Evidence(rating=rating, kind=kind, title=title.strip(), added_by=actor)
    if kind == EvidenceKind.NOTE:
        if not note.strip():
            raise ValidationError({"note": "Enter the note"})
        evidence.note = note.strip()
    elif kind == EvidenceKind.LINK:
        if not url:
            raise ValidationError({"url": "Enter the link, starting with https://"})
        # Evidence goes to boards and the regulator: a plain http:// link can be altered on the way.
        if not url.lower().startswith("https://"):
            raise ValidationError({"url": "Enter a secure link, starting with https:// (not http://)"})
        evidence.url = url
    elif kind == EvidenceKind.FILE:
        if upload is None:
            raise ValidationError({"upload": "Choose a file to upload"})
        try:
            evidence.content_type = check_upload(upload)
        except ValidationError as exc:
            raise ValidationError({"upload": exc.messages}) from None
        evidence.original_name = upload.name[-255:]
        evidence.size = upload.size
        evidence.file = upload
    else:
        raise ValidationError({"kind": "Choose a note, a link or a file"})
    evidence.full_clean(exclude=["file"])
    try:
        # Saving stores the file first (FileField.pre_save), then inserts the row: a store that
        # fails refuses the whole addition, with a message beside the file field.
        with refuse_on_storage_failure("upload"):
            evidence.save()
        record(
            actor,
            AuditAction.EVIDENCE_ADDED,
            health_check,
            summary=f"Added {evidence.get_kind_display().lower()} evidence “{evidence.title}” to {rating.criterion.code}",
            partnership_id=health_check.partnership_id,
        )
    except Exception:
        # Leave no orphaned file behind when the database refuses the row (a file that never
        # reached the store has nothing to delete).
        if evidence.file and evidence.file._committed:
            with suppress(*storage_errors()):
                evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


@transaction.atomic
def remove_evidence(actor, evidence: Evidence) -> None:
    health_check = lock_health_check(evidence.rating.health_check)
    require(actor, health_check.partnership, HealthCheckPerm.RUN)
    require_in_progress(health_check)
    record(
        actor,
        AuditAction.EVIDENCE_REMOVED,
        health_check,
        summary=f"Removed evidence “{evidence.title}” from {evidence.rating.criterion.code}",
        partnership_id=health_check.partnership_id,
    )
    stored = evidence.file.name if evidence.file else ""
    storage = evidence.file.storage
    evidence.delete()
    if stored:
        # Only once the removal is committed: a rolled-back removal keeps its file.
        transaction.on_commit(lambda: storage.delete(stored))
