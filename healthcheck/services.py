"""Every state change of frameworks and health checks: one function per user action.

Each function checks permission (partnerships.access.require, or site administrator for
frameworks), checks state, runs in a transaction holding row locks where two people could
collide, and writes an audit event (portal.audit.record).
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from healthcheck.frameworks import build_framework, check_metric, parse_framework
from healthcheck.models import (
    Action,
    ActionStatus,
    Area,
    Criterion,
    Evidence,
    EvidenceKind,
    Framework,
    FrameworkStatus,
    HealthCheck,
    Rag,
    Rating,
    Reopening,
    SignOff,
    Status,
    rag_label,
)
from healthcheck.rules import RagCounts, overall_rating
from healthcheck.suggestions import live_suggestion
from partnerships.access import Perm, can, membership_of, require
from partnerships.models import Membership, Organisation, Partnership
from portal.audit import diff, record, snapshot
from portal.concurrency import fresh, refuse_stale
from portal.exceptions import InvalidTransition, StaleEdit
from portal.files import check_upload
from portal.storage import refuse_on_storage_failure, storage_errors

# --- Frameworks (site administrators) ----------------------------------------------------------


def _require_site_admin(actor) -> None:
    if not getattr(actor, "is_site_admin", False):
        raise PermissionDenied("Only site administrators can change frameworks.")


def _lock_framework(framework: Framework) -> Framework:
    return Framework.objects.select_for_update().get(pk=framework.pk)


def _require_draft(framework: Framework) -> None:
    """A published version may be in use at any moment, so it never changes."""
    if framework.status != FrameworkStatus.DRAFT or framework.health_checks.exists():
        raise InvalidTransition(
            "This version is published, so it cannot change. Make a new version to edit it; "
            "health checks already run keep the version they used."
        )


def _next_version(family: str) -> int:
    return (Framework.objects.filter(family=family).aggregate(v=Max("version"))["v"] or 0) + 1


@transaction.atomic
def create_framework(actor, *, family: str, name: str, description: str = "") -> Framework:
    _require_site_admin(actor)
    if Framework.objects.filter(family=family).exists():
        raise ValidationError(
            {"family": "A framework with this short name already exists: make a new version of it instead."}
        )
    framework = Framework.objects.create(family=family, version=1, name=name, description=description, created_by=actor)
    record(actor, "framework.created", framework, summary=f"Created the draft framework {framework}")
    return framework


@transaction.atomic
def update_framework(actor, framework: Framework, *, name: str, description: str, base_revision) -> Framework:
    _require_site_admin(actor)
    locked = _lock_framework(framework)
    _require_draft(locked)
    refuse_stale(locked, base_revision)
    before = snapshot(locked, ["name", "description"])
    locked.name, locked.description = name, description
    locked.full_clean()
    locked.revision += 1
    locked.save()
    record(
        actor,
        "framework.updated",
        locked,
        changes=diff(before, snapshot(locked, ["name", "description"])),
        summary=f"Updated {locked}",
    )
    return locked


@transaction.atomic
def new_version(actor, framework: Framework) -> Framework:
    """A draft copy of `framework` with the next version number, for editing."""
    _require_site_admin(actor)
    _lock_framework(framework)
    existing_draft = Framework.objects.filter(family=framework.family, status=FrameworkStatus.DRAFT).first()
    if existing_draft is not None:
        raise InvalidTransition(
            f"Version {existing_draft.version} of this framework is already a draft: edit that one."
        )
    copy = Framework.objects.create(
        family=framework.family,
        version=_next_version(framework.family),
        name=framework.name,
        description=framework.description,
        based_on=framework,
        created_by=actor,
    )
    for area in framework.areas.prefetch_related("criteria"):
        criteria = list(area.criteria.all())
        area.pk, area.framework = None, copy
        area.save()
        for criterion in criteria:
            criterion.pk, criterion.area = None, area
        Criterion.objects.bulk_create(criteria)
    record(actor, "framework.version_created", copy, summary=f"Started version {copy.version} from {framework}")
    return copy


@transaction.atomic
def publish_framework(actor, framework: Framework) -> Framework:
    _require_site_admin(actor)
    locked = _lock_framework(framework)
    _require_draft(locked)
    problems = []
    areas = list(locked.areas.prefetch_related("criteria"))
    if not areas:
        problems.append("Add at least one area before publishing.")
    problems += [f"Area {a.code} has no criteria yet." for a in areas if not a.criteria.all()]
    if problems:
        raise ValidationError(problems)
    locked.status, locked.published_at = FrameworkStatus.PUBLISHED, timezone.now()
    locked.save(update_fields=["status", "published_at"])
    record(actor, "framework.published", locked, summary=f"Published {locked}")
    return locked


@transaction.atomic
def delete_draft_framework(actor, framework: Framework) -> None:
    _require_site_admin(actor)
    locked = _lock_framework(framework)
    _require_draft(locked)
    record(actor, "framework.deleted", locked, summary=f"Deleted the draft {locked}")
    locked.delete()


AREA_FIELDS = ["code", "title", "description", "position"]


@transaction.atomic
def save_area(actor, framework: Framework, area: Area | None, *, data: dict, base_revision=None) -> Area:
    """Add an area (`area` None) or change one; a change is based on the area's `base_revision`."""
    _require_site_admin(actor)
    locked = _lock_framework(framework)
    _require_draft(locked)
    if area is not None and area.framework_id != locked.pk:
        raise ValidationError("This area belongs to another framework.")
    if area is not None:
        area = fresh(Area.objects, area)
        refuse_stale(area, base_revision)
        area.revision += 1
    clash = locked.areas.filter(code__iexact=data["code"]).exclude(pk=getattr(area, "pk", None))
    if clash.exists():
        raise ValidationError({"code": "Another area in this framework already has this code"})
    target = area or Area(framework=locked)
    before = snapshot(target, AREA_FIELDS)
    for name in AREA_FIELDS:
        setattr(target, name, data[name])
    target.full_clean()
    target.save()
    record(
        actor,
        "framework.area_saved",
        locked,
        changes=diff(before, snapshot(target, AREA_FIELDS)),
        summary=f"{'Updated' if area else 'Added'} area {target} in {locked}",
    )
    return target


@transaction.atomic
def delete_area(actor, area: Area) -> None:
    _require_site_admin(actor)
    locked = _lock_framework(area.framework)
    _require_draft(locked)
    record(actor, "framework.area_deleted", locked, summary=f"Removed area {area} and its criteria from {locked}")
    area.delete()


CRITERION_FIELDS = [
    "area",
    "code",
    "statement",
    "guidance",
    "evidence_examples",
    "red_means",
    "amber_means",
    "green_means",
    "standards",
    "metric_key",
    "green_at",
    "amber_at",
    "position",
]


@transaction.atomic
def save_criterion(
    actor, framework: Framework, criterion: Criterion | None, *, data: dict, base_revision=None
) -> Criterion:
    """Add a criterion (`criterion` None) or change one, based on its `base_revision`."""
    _require_site_admin(actor)
    locked = _lock_framework(framework)
    _require_draft(locked)
    if criterion is not None:
        criterion = fresh(Criterion.objects.select_related("area"), criterion)
        refuse_stale(criterion, base_revision)
        criterion.revision += 1
    area = data["area"]
    if area.framework_id != locked.pk or (criterion is not None and criterion.area.framework_id != locked.pk):
        raise ValidationError("This criterion belongs to another framework.")
    errors: dict[str, list[str]] = {}
    clash = Criterion.objects.filter(area__framework=locked, code__iexact=data["code"])
    if clash.exclude(pk=getattr(criterion, "pk", None)).exists():
        errors["code"] = ["Another criterion in this framework already has this code"]
    problems = check_metric("This criterion", data["metric_key"], data["green_at"], data["amber_at"])
    if problems:
        errors["green_at" if data["metric_key"] else "metric_key"] = [p.split(": ", 1)[1] for p in problems]
    if errors:
        raise ValidationError(errors)
    target = criterion or Criterion()
    before = snapshot(target, CRITERION_FIELDS) if criterion else {}
    for name in CRITERION_FIELDS:
        setattr(target, name, data[name])
    target.full_clean()
    target.save()
    record(
        actor,
        "framework.criterion_saved",
        locked,
        changes=diff(before, snapshot(target, CRITERION_FIELDS)),
        summary=f"{'Updated' if criterion else 'Added'} criterion {target.code} in {locked}",
    )
    return target


@transaction.atomic
def delete_criterion(actor, criterion: Criterion) -> None:
    _require_site_admin(actor)
    locked = _lock_framework(criterion.area.framework)
    _require_draft(locked)
    record(actor, "framework.criterion_deleted", locked, summary=f"Removed criterion {criterion.code} from {locked}")
    criterion.delete()


@transaction.atomic
def import_framework(actor, raw: bytes) -> Framework:
    """Import a shared framework as a draft: a new family, or the next version of an existing
    one. Raises FrameworkProblems (listing every problem) and imports nothing if any is found."""
    _require_site_admin(actor)
    cleaned = parse_framework(raw)
    family = cleaned["family"]
    if Framework.objects.filter(family=family, status=FrameworkStatus.DRAFT).exists():
        raise ValidationError(
            f"The framework “{family}” already has a draft version. Publish or delete it before importing another."
        )
    framework = Framework.objects.create(
        family=family,
        version=_next_version(family),
        name=cleaned["name"],
        description=cleaned["description"],
        created_by=actor,
    )
    build_framework(cleaned, framework=framework)
    count = sum(len(a["criteria"]) for a in cleaned["areas"])
    record(
        actor,
        "framework.imported",
        framework,
        summary=f"Imported {framework} with {len(cleaned['areas'])} areas and {count} criteria",
    )
    return framework


def latest_published(family: str | None = None):
    """The newest published version of each framework (or of one family)."""
    qs = Framework.objects.filter(status=FrameworkStatus.PUBLISHED)
    if family:
        qs = qs.filter(family=family)
    latest: dict[str, Framework] = {}
    for framework in qs.order_by("family", "-version"):
        latest.setdefault(framework.family, framework)
    return list(latest.values())


# --- Health checks --------------------------------------------------------------------------------


def _lock(health_check: HealthCheck) -> HealthCheck:
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to organisation.
    return (
        HealthCheck.objects.select_for_update(of=("self",))
        .select_related("partnership", "organisation", "framework")
        .get(pk=health_check.pk)
    )


def _require_in_progress(health_check: HealthCheck) -> None:
    if health_check.status != Status.IN_PROGRESS:
        raise InvalidTransition(
            f"This health check is {health_check.get_status_display().lower()}, so it is locked. "
            "Reopen it (with a reason) to change it."
        )


def _apply_suggestion(rating: Rating, criterion: Criterion, health_check: HealthCheck) -> bool:
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
    require(actor, partnership, Perm.RUN_HEALTH_CHECK)
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
        _apply_suggestion(rating, criterion, health_check)
        ratings.append(rating)
    Rating.objects.bulk_create(ratings)
    record(
        actor,
        "healthcheck.started",
        health_check,
        summary=f"Started the {academic_year} health check for {health_check.scope_label} ({framework})",
        partnership_id=partnership.pk,
        organisation_id=organisation.pk if organisation else None,
    )
    return health_check


@transaction.atomic
def refresh_figures(actor, health_check: HealthCheck) -> int:
    """Work out the live figures again; returns how many suggestions changed."""
    locked = _lock(health_check)
    require(actor, locked.partnership, Perm.RUN_HEALTH_CHECK)
    _require_in_progress(locked)
    changed = []
    for rating in locked.ratings.select_related("criterion").exclude(criterion__metric_key=""):
        if _apply_suggestion(rating, rating.criterion, locked):
            changed.append(rating)
    Rating.objects.bulk_update(changed, ["metric_value", "metric_display", "metric_detail", "suggested_rating"])
    locked.figures_at = timezone.now()
    locked.save(update_fields=["figures_at", "updated_at"])
    record(
        actor,
        "healthcheck.figures_refreshed",
        locked,
        summary=f"Refreshed the live figures ({len(changed)} changed)",
        partnership_id=locked.partnership_id,
    )
    return len(changed)


RATING_FIELDS = ["rating", "commentary", "override_reason"]


@transaction.atomic
def save_rating(
    actor, rating: Rating, *, value: str, commentary: str, override_reason: str = "", base_revision: int
) -> Rating:
    """Save one criterion's rating and commentary. Refuses a save based on an older revision of
    this criterion (someone else saved it meanwhile); other criteria are unaffected."""
    health_check = _lock(rating.health_check)
    require(actor, health_check.partnership, Perm.RUN_HEALTH_CHECK)
    _require_in_progress(health_check)
    locked = Rating.objects.select_for_update(of=("self",)).select_related("criterion", "updated_by").get(pk=rating.pk)
    if locked.revision != base_revision:
        raise StaleEdit(
            f"{locked.updated_by or 'Someone'} saved {locked.criterion.code} while you were editing it. "
            "Your text is still below: compare it with the saved version, then save again.",
            current_revision=locked.revision,
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
    locked.rating, locked.commentary, locked.override_reason = value, commentary, override_reason
    locked.revision += 1
    locked.updated_by, locked.updated_at = actor, timezone.now()
    locked.full_clean()
    locked.save()
    changes = diff(before, snapshot(locked, RATING_FIELDS))
    if changes:
        outcome = {"accepted": ", accepting the suggestion", "overridden": ", overriding the suggestion"}.get(
            locked.suggestion_outcome, ""
        )
        record(
            actor,
            "healthcheck.rated",
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
    health_check = _lock(rating.health_check)
    require(actor, health_check.partnership, Perm.RUN_HEALTH_CHECK)
    _require_in_progress(health_check)
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
            "healthcheck.evidence_added",
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
    health_check = _lock(evidence.rating.health_check)
    require(actor, health_check.partnership, Perm.RUN_HEALTH_CHECK)
    _require_in_progress(health_check)
    record(
        actor,
        "healthcheck.evidence_removed",
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


def _check_owner(health_check: HealthCheck, owner) -> None:
    if not Membership.objects.filter(partnership_id=health_check.partnership_id, user=owner).exists():
        raise ValidationError({"owner": "Choose someone who is a member of this partnership"})


@transaction.atomic
def add_action(actor, rating: Rating, *, description: str, owner, due_on: date) -> Action:
    health_check = _lock(rating.health_check)
    require(actor, health_check.partnership, Perm.RUN_HEALTH_CHECK)
    _require_in_progress(health_check)
    _check_owner(health_check, owner)
    action = Action(
        health_check=health_check,
        rating=rating,
        description=description.strip(),
        owner=owner,
        due_on=due_on,
        created_by=actor,
    )
    action.full_clean()
    action.save()
    record(
        actor,
        "healthcheck.action_added",
        health_check,
        summary=f"Added an action on {rating.criterion.code} for {owner}, due {due_on:%d %B %Y}",
        partnership_id=health_check.partnership_id,
    )
    return action


ACTION_FIELDS = ["description", "owner", "due_on", "status"]


def can_update_action(user, action: Action) -> bool:
    """The owner keeps their own action up to date; coordinators and leads manage every action."""
    return action.owner_id == getattr(user, "pk", None) or can(
        user, action.health_check.partnership_id, Perm.RUN_HEALTH_CHECK
    )


@transaction.atomic
def update_action(actor, action: Action, *, data: dict, base_revision: int) -> Action:
    """Update an action (also after sign-off: the action plan goes on after the health check is
    locked). Only coordinators and leads change what, who and when; the owner may change status."""
    locked = Action.objects.select_for_update(of=("self",)).select_related("health_check").get(pk=action.pk)
    require(actor, locked.health_check.partnership_id, Perm.VIEW)
    if not can_update_action(actor, locked):
        raise PermissionDenied("Only the action's owner, coordinators and leads can update it.")
    if locked.revision != base_revision:
        raise StaleEdit(current_revision=locked.revision)
    before = snapshot(locked, ACTION_FIELDS)
    if can(actor, locked.health_check.partnership_id, Perm.RUN_HEALTH_CHECK):
        if data["owner"].pk != locked.owner_id:
            _check_owner(locked.health_check, data["owner"])
        locked.description, locked.owner, locked.due_on = data["description"].strip(), data["owner"], data["due_on"]
    locked.status = data["status"]
    if locked.status == ActionStatus.DONE and locked.completed_on is None:
        locked.completed_on = timezone.localdate()
    elif locked.status != ActionStatus.DONE:
        locked.completed_on = None
    locked.revision += 1
    locked.full_clean()
    locked.save()
    changes = diff(before, snapshot(locked, ACTION_FIELDS))
    if changes:
        record(
            actor,
            "healthcheck.action_updated",
            locked.health_check,
            changes=changes,
            summary=f"Updated the action “{locked}” ({locked.get_status_display().lower()})",
            partnership_id=locked.health_check.partnership_id,
        )
    return locked


def submission_problems(health_check: HealthCheck) -> list[str]:
    """What stops a health check being submitted, in words (empty when it is ready)."""
    ratings = list(
        health_check.ratings.select_related("criterion")
        .prefetch_related("actions")
        .order_by("criterion__area__position", "criterion__position")
    )
    unrated = [r.criterion.code for r in ratings if not r.rating]
    no_action = [r.criterion.code for r in ratings if r.rating in (Rag.RED, Rag.AMBER) and not r.actions.all()]
    problems = []
    if unrated:
        problems.append(f"Rate every criterion first: {len(unrated)} not rated yet ({', '.join(unrated)}).")
    if no_action:
        problems.append(f"Add at least one action to each Red or Amber criterion: {', '.join(no_action)}.")
    return problems


@transaction.atomic
def submit(actor, health_check: HealthCheck) -> HealthCheck:
    locked = _lock(health_check)
    require(actor, locked.partnership, Perm.RUN_HEALTH_CHECK)
    _require_in_progress(locked)
    problems = submission_problems(locked)
    if problems:
        raise ValidationError(problems)
    locked.status, locked.submitted_by, locked.submitted_at = Status.SUBMITTED, actor, timezone.now()
    locked.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    record(
        actor,
        "healthcheck.submitted",
        locked,
        summary=f"Submitted revision {locked.revision} for sign-off",
        partnership_id=locked.partnership_id,
    )
    return locked


def can_sign_off(user, health_check: HealthCheck) -> bool:
    """Signatories sign off; for one partner organisation's health check, only a signatory who
    represents that organisation."""
    if not can(user, health_check.partnership_id, Perm.SIGN_OFF_HEALTH_CHECK):
        return False
    if health_check.organisation_id is None:
        return True
    membership = membership_of(user, health_check.partnership_id)
    return membership is not None and membership.organisation_id == health_check.organisation_id


@transaction.atomic
def sign_off(actor, health_check: HealthCheck) -> SignOff:
    """Sign off and lock. The view has had the signatory re-enter their password
    (portal.forms.ConfirmPasswordForm) before calling this."""
    locked = _lock(health_check)
    require(actor, locked.partnership, Perm.SIGN_OFF_HEALTH_CHECK)
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
        "healthcheck.signed_off",
        locked,
        summary=f"Signed off revision {locked.revision} (overall {rag_label(overall)})",
        partnership_id=locked.partnership_id,
        organisation_id=signed.organisation_id,
    )
    return signed


@transaction.atomic
def reopen(actor, health_check: HealthCheck, *, reason: str) -> HealthCheck:
    locked = _lock(health_check)
    require(actor, locked.partnership, Perm.RUN_HEALTH_CHECK)
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
        "healthcheck.reopened",
        locked,
        changes={"status": [previous_status, "in progress"], "reason": ["", reason.strip()]},
        summary=f"Reopened as revision {locked.revision}: {reason.strip()[:300]}",
        partnership_id=locked.partnership_id,
    )
    return locked
