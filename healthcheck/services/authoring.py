"""Framework authoring, for site administrators: drafts, versions, areas, criteria, publishing
and importing. A published version never changes (health checks already run keep the version they
used); editing one means starting its next version as a draft.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from healthcheck.actions import Action as AuditAction
from healthcheck.frameworks import build_framework, check_metric, parse_framework
from healthcheck.models import Area, Criterion, Framework, FrameworkStatus
from portal.audit import diff, record, snapshot
from portal.concurrency import fresh, refuse_stale
from portal.exceptions import InvalidTransition


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
    record(actor, AuditAction.FRAMEWORK_CREATED, framework, summary=f"Created the draft framework {framework}")
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
        AuditAction.FRAMEWORK_UPDATED,
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
    record(
        actor, AuditAction.FRAMEWORK_VERSION_CREATED, copy, summary=f"Started version {copy.version} from {framework}"
    )
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
    record(actor, AuditAction.FRAMEWORK_PUBLISHED, locked, summary=f"Published {locked}")
    return locked


@transaction.atomic
def delete_draft_framework(actor, framework: Framework) -> None:
    _require_site_admin(actor)
    locked = _lock_framework(framework)
    _require_draft(locked)
    record(actor, AuditAction.FRAMEWORK_DELETED, locked, summary=f"Deleted the draft {locked}")
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
    clash = locked.areas.filter(code__iexact=data["code"])
    if area is not None:
        clash = clash.exclude(pk=area.pk)
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
        AuditAction.AREA_SAVED,
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
    record(actor, AuditAction.AREA_DELETED, locked, summary=f"Removed area {area} and its criteria from {locked}")
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
    if criterion is not None:
        clash = clash.exclude(pk=criterion.pk)
    if clash.exists():
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
        AuditAction.CRITERION_SAVED,
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
    record(actor, AuditAction.CRITERION_DELETED, locked, summary=f"Removed criterion {criterion.code} from {locked}")
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
        AuditAction.FRAMEWORK_IMPORTED,
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
