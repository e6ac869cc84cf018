"""Read queries for health check pages, always scoped to the user, with a fixed number of
queries per page however many criteria, evidence items or actions a health check holds."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from healthcheck.models import (
    Action,
    ActionStatus,
    Area,
    Criterion,
    Evidence,
    HealthCheck,
    Rating,
    Status,
)
from healthcheck.permissions import HealthCheckPerm
from healthcheck.rules import RagCounts, Trend, compare, overall_rating
from partnerships.access import can, can_see
from partnerships.models import Partnership
from portal.models import User

# --- One health check ---------------------------------------------------------------------------


@dataclass
class CriterionRow:
    criterion: Criterion
    rating: Rating
    evidence: list[Evidence]
    actions: list[Action]
    previous: str = ""  # last health check's rating of the same criterion code
    trend: str = Trend.NONE


@dataclass
class AreaBlock:
    area: Area
    rows: list[CriterionRow]
    counts: RagCounts
    rating: str
    previous_rating: str = ""


@dataclass
class HealthCheckPage:
    health_check: HealthCheck
    areas: list[AreaBlock]
    counts: RagCounts
    overall: str
    previous: HealthCheck | None
    previous_overall: str = ""
    trends: dict[str, int] = field(default_factory=dict)
    open_actions: int = 0
    overdue_actions: int = 0

    @property
    def rows(self) -> list[CriterionRow]:
        return [row for block in self.areas for row in block.rows]

    @property
    def needs_confirmation(self) -> list[CriterionRow]:
        """The criteria whose rating needs confirming (Rating.needs_confirmation), in page order."""
        return [row for row in self.rows if row.rating.needs_confirmation]


def health_check_queryset(user):
    return HealthCheck.objects.visible_to(user).select_related(
        "partnership", "organisation", "framework", "submitted_by", "signatory"
    )


def previous_health_check(health_check: HealthCheck) -> HealthCheck | None:
    """The same scope's most recent earlier health check (any status except never started)."""
    return (
        HealthCheck.objects.filter(
            partnership_id=health_check.partnership_id,
            organisation_id=health_check.organisation_id,  # type: ignore[misc]  # None is IS NULL; the stubs allow no None
            academic_year__lt=health_check.academic_year,
        )
        .select_related("framework")
        .order_by("-academic_year")
        .first()
    )


def health_check_page(health_check: HealthCheck, *, today) -> HealthCheckPage:
    """Everything the health check page, PDF and CSV show, in a fixed number of queries."""
    areas = list(Area.objects.filter(framework_id=health_check.framework_id).order_by("position", "code"))
    ratings = list(
        Rating.objects.filter(health_check=health_check)
        .select_related("criterion", "updated_by")
        .prefetch_related(  # type: ignore[type-var]  # django-stubs cannot type two Prefetch objects of different models in one call
            Prefetch("evidence", queryset=Evidence.objects.select_related("added_by").order_by("added_at", "id")),
            Prefetch("actions", queryset=Action.objects.select_related("owner").order_by("due_on", "id")),
        )
    )
    previous = previous_health_check(health_check)
    previous_by_code: dict[str, str] = {}
    if previous is not None:
        previous_by_code = dict(Rating.objects.filter(health_check=previous).values_list("criterion__code", "rating"))
    by_area: dict[int, list[CriterionRow]] = defaultdict(list)
    for rating in sorted(ratings, key=lambda r: (r.criterion.position, r.criterion.code)):
        before = previous_by_code.get(rating.criterion.code, "")
        by_area[rating.criterion.area_id].append(
            CriterionRow(
                criterion=rating.criterion,
                rating=rating,
                evidence=list(rating.evidence.all()),
                actions=list(rating.actions.all()),
                previous=before,
                trend=compare(rating.rating, before) if previous is not None else Trend.NONE,
            )
        )
    blocks = []
    for area in areas:
        rows = by_area.get(area.pk, [])
        counts = RagCounts.of(row.rating.rating for row in rows)
        previous_area = ""
        if previous is not None:
            previous_area = overall_rating(RagCounts.of(row.previous for row in rows))
        blocks.append(AreaBlock(area, rows, counts, overall_rating(counts), previous_area))
    total = sum((b.counts for b in blocks), RagCounts())
    page = HealthCheckPage(
        health_check=health_check,
        areas=blocks,
        counts=total,
        overall=overall_rating(total),
        previous=previous,
    )
    if previous is not None:
        page.previous_overall = overall_rating(RagCounts.of(previous_by_code.values()))
        trends = [row.trend for row in page.rows]
        page.trends = {t: trends.count(t) for t in (Trend.BETTER, Trend.SAME, Trend.WORSE)}
    actions = [a for row in page.rows for a in row.actions]
    page.open_actions = sum(1 for a in actions if a.status != ActionStatus.DONE)
    page.overdue_actions = sum(1 for a in actions if a.is_overdue(today))
    return page


# --- Many health checks ---------------------------------------------------------------------------


def counts_by_health_check(ids) -> dict[int, RagCounts]:
    """Rating counts for many health checks in one query."""
    raw: dict[int, list[str]] = defaultdict(list)
    for hc_id, value, n in (
        Rating.objects.filter(health_check_id__in=list(ids))
        .values("health_check_id", "rating")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("health_check_id", "rating", "n")
    ):
        raw[hc_id].extend([value] * n)
    return {hc_id: RagCounts.of(values) for hc_id, values in raw.items()}


def area_ratings(ids) -> dict[int, dict[str, RagCounts]]:
    """Per health check, the counts in each area (keyed by area code), in one query."""
    raw: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for hc_id, code, value, n in (
        Rating.objects.filter(health_check_id__in=list(ids))
        .values("health_check_id", "criterion__area__code", "rating")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("health_check_id", "criterion__area__code", "rating", "n")
    ):
        raw[hc_id][code].extend([value] * n)
    return {hc_id: {code: RagCounts.of(v) for code, v in areas.items()} for hc_id, areas in raw.items()}


def annotate_summaries(health_checks: list[HealthCheck]) -> list[HealthCheck]:
    """Attach `counts` and `overall` to each health check (one query for the whole list)."""
    counts = counts_by_health_check(hc.pk for hc in health_checks)
    for hc in health_checks:
        hc.counts = counts.get(hc.pk, RagCounts())
        hc.overall = overall_rating(hc.counts)
    return health_checks


def filter_health_checks(user, *, partnership: str = "", year: str = "", status: str = ""):
    qs = health_check_queryset(user).annotate(
        open_actions=Count("actions", filter=~Q(actions__status=ActionStatus.DONE), distinct=True)
    )
    if partnership:
        qs = qs.filter(partnership__slug=partnership)
    if year:
        qs = qs.filter(academic_year=year)
    if status in Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("-academic_year", "partnership__name", "organisation__name")


@dataclass
class HeatmapRow:
    label: str
    health_check: HealthCheck | None
    cells: list[str]  # one rating per column ("" = not rated / no health check)
    overall: str = ""


@dataclass
class Heatmap:
    year: str
    columns: list[tuple[str, str]]  # (area code, title)
    rows: list[HeatmapRow]


def _columns(framework_ids) -> list[tuple[str, str]]:
    """The areas, by code, of the frameworks in use; newest framework's order first."""
    columns: dict[str, str] = {}
    for area in (
        Area.objects.filter(framework_id__in=list(framework_ids))
        .select_related("framework")
        .order_by("-framework__version", "position", "code")
    ):
        columns.setdefault(area.code, area.title)
    return list(columns.items())


def _heatmap(year: str, entries: list[tuple[str, HealthCheck | None]]) -> Heatmap:
    checks = [hc for _, hc in entries if hc is not None]
    per_area = area_ratings(hc.pk for hc in checks)
    columns = _columns({hc.framework_id for hc in checks})
    rows = []
    for label, hc in entries:
        if hc is None:
            rows.append(HeatmapRow(label, None, [""] * len(columns)))
            continue
        areas = per_area.get(hc.pk, {})
        cells = [overall_rating(areas[code]) if code in areas else "" for code, _ in columns]
        rows.append(HeatmapRow(label, hc, cells, overall_rating(sum(areas.values(), RagCounts()))))
    return Heatmap(year, columns, rows)


def years_with_health_checks(user) -> list[str]:
    return list(
        HealthCheck.objects.visible_to(user)
        .order_by("-academic_year")
        .values_list("academic_year", flat=True)
        .distinct()
    )


def partnerships_heatmap(year: str) -> Heatmap:
    """Areas against partnerships (whole-partnership health checks) for site administrators."""
    checks = {
        hc.partnership_id: hc
        for hc in HealthCheck.objects.filter(academic_year=year, organisation__isnull=True).select_related(
            "partnership"
        )
    }
    entries = [(p.name, checks.get(p.pk)) for p in Partnership.objects.order_by("name") if p.pk in checks]
    return _heatmap(year, entries)


def partners_heatmap(partnership: Partnership, year: str) -> Heatmap:
    """Areas against the partner organisations of one partnership (their own health checks),
    with the whole-partnership health check as the first row."""
    checks = list(
        HealthCheck.objects.filter(partnership=partnership, academic_year=year).select_related("organisation")
    )
    whole = next((hc for hc in checks if hc.organisation_id is None), None)
    by_org = {hc.organisation_id: hc for hc in checks if hc.organisation_id}
    entries: list[tuple[str, HealthCheck | None]] = [("The whole partnership", whole)]
    for partner in partnership.partners.select_related("organisation").order_by("organisation__name"):
        entries.append((partner.organisation.name, by_org.get(partner.organisation_id)))
    return _heatmap(year, entries)


# --- Actions ------------------------------------------------------------------------------------------


def filter_actions(user, *, owner: str = "", status: str = "", overdue: bool = False, partnership: str = "", today):
    qs = (
        Action.objects.visible_to(user)
        .select_related("owner", "health_check__partnership", "health_check__organisation", "rating__criterion")
        # Only what the list shows: the joined rows otherwise carry every long text field.
        .only(
            "description",
            "due_on",
            "status",
            "health_check_id",
            "owner__full_name",
            "health_check__academic_year",
            "health_check__organisation_id",
            "health_check__partnership__name",
            "health_check__organisation__name",
            "rating__criterion__code",
        )
    )
    if owner == "me":
        qs = qs.filter(owner=user)
    elif owner.isdigit() and len(owner) < 19:  # longer numbers cannot be an id (and overflow SQLite)
        qs = qs.filter(owner_id=int(owner))
    if status == "open":
        qs = qs.exclude(status=ActionStatus.DONE)
    elif status in ActionStatus.values:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.overdue(today)
    if partnership:
        qs = qs.filter(health_check__partnership__slug=partnership)
    return qs.order_by("due_on", "id")


def action_owners(user, partnership: str = "") -> list[tuple[str, str]]:
    """People who own an action the user can see in one partnership, as (id as text, name) for
    the owner filter (plain tuples: a big partnership has a couple of hundred owners)."""
    actions = Action.objects.visible_to(user)
    if partnership:
        actions = actions.filter(health_check__partnership__slug=partnership)
    owners = (
        User.objects.filter(health_check_actions__in=actions)
        .distinct()
        .order_by("full_name")
        .values_list("id", "full_name")
    )
    return [(str(pk), name) for pk, name in owners]


# --- The partnership page's Health checks section ------------------------------------------------

TREND_POINT = {"red": 1, "amber": 2, "green": 3}


def trend_points(checks: list[HealthCheck], width: int = 160, height: int = 40) -> list[dict]:
    """Points for a small SVG line of overall ratings, oldest first (Red low, Green high)."""
    rated = [hc for hc in reversed(checks) if hc.overall in TREND_POINT]
    last = max(len(rated) - 1, 1)
    return [
        {
            "x": round(width / 2 if len(rated) == 1 else 8 + i * (width - 16) / last, 1),
            "y": round(height - 8 - (TREND_POINT[hc.overall] - 1) * (height - 16) / 2, 1),
            "rating": hc.overall,
            "year": hc.academic_year,
        }
        for i, hc in enumerate(rated)
    ]


def partnership_panel(user, partnership: Partnership) -> dict | None:
    if not can_see(user, partnership):
        return None
    checks = annotate_summaries(
        list(
            HealthCheck.objects.filter(partnership=partnership)
            .select_related("organisation")
            .order_by("-academic_year", "organisation__name")
        )
    )
    whole = [hc for hc in checks if hc.organisation_id is None]
    today = timezone.localdate()
    actions = Action.objects.filter(health_check__partnership=partnership).open()
    points = trend_points(whole)
    return {
        "health_checks": checks[:6],
        "more": max(len(checks) - 6, 0),
        "trend": points,
        "trend_path": " ".join(f"{p['x']},{p['y']}" for p in points),
        "open_actions": actions.count(),
        "overdue_actions": actions.filter(due_on__lt=today).count(),
        "can_run": can(user, partnership, HealthCheckPerm.RUN),
        "latest_year": checks[0].academic_year if checks else "",
    }
