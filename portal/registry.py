"""Small registries that let apps contribute to the core without the core importing them.

* Live metrics: memoranda and placements register figures (statutory coverage, fill rate,
  memorandum signed...) that the health check reads to suggest ratings.
* Dashboard attention items: every app contributes "needs your attention" entries.
* Dashboard panels: blocks shown on the dashboard (for example "your partnerships").

Apps register from their AppConfig.ready() so the registries are full before any request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class MetricValue:
    """A live figure. `value` is a number (a percentage 0-100 for unit "percent") or None when
    there is no data; `display` is the figure in words ("82% (41 of 50 students)"); `detail`
    explains how it was worked out."""

    value: float | None
    display: str
    detail: str = ""


@dataclass(frozen=True)
class Metric:
    """A live figure the health check can use to suggest a rating.

    `compute(partnership, organisation=None, academic_year=None)` returns a MetricValue.
    `organisation` narrows it to one partner organisation; `academic_year` is a label such as
    "2026/27". `higher_is_better` tells the health check which way thresholds run.
    """

    key: str
    label: str
    description: str
    unit: str  # "percent", "count", "days" or "yes/no" (1 = yes, 0 = no)
    compute: Callable[..., MetricValue]
    higher_is_better: bool = True


_metrics: dict[str, Metric] = {}


def register_metric(metric: Metric) -> Metric:
    _metrics[metric.key] = metric
    return metric


def get_metric(key: str) -> Metric | None:
    return _metrics.get(key)


def all_metrics() -> list[Metric]:
    return sorted(_metrics.values(), key=lambda m: m.key)


@dataclass(frozen=True)
class AttentionItem:
    """Something the signed-in user should do now."""

    title: str
    url: str
    kind: str  # short tag shown beside it, e.g. "Signature", "Review due", "Overdue action"
    partnership: str = ""
    due: date | None = None
    overdue: bool = False


AttentionProvider = Callable[[Any], Iterable[AttentionItem]]
_attention: list[AttentionProvider] = []


def register_attention(provider: AttentionProvider) -> AttentionProvider:
    if provider not in _attention:
        _attention.append(provider)
    return provider


def attention_for(user) -> list[AttentionItem]:
    items: list[AttentionItem] = []
    for provider in _attention:
        items.extend(provider(user))
    return sorted(items, key=lambda i: (not i.overdue, i.due or date.max, i.title))


@dataclass(frozen=True)
class DashboardPanel:
    """A block on the dashboard: `context(user)` returns the template context, or None to hide."""

    template: str
    context: Callable[[Any], dict | None]
    order: int = 100
    extra: dict = field(default_factory=dict)


_panels: list[DashboardPanel] = []


def register_panel(panel: DashboardPanel) -> DashboardPanel:
    if all(p.template != panel.template for p in _panels):
        _panels.append(panel)
    return panel


def panels_for(user) -> list[tuple[str, dict]]:
    rendered = []
    for panel in sorted(_panels, key=lambda p: p.order):
        ctx = panel.context(user)
        if ctx is not None:
            rendered.append((panel.template, ctx))
    return rendered


@dataclass(frozen=True)
class PartnershipPanel:
    """A section on the partnership page contributed by another app (memoranda, health checks,
    placements). `context(user, partnership)` returns the template context, or None when there
    is nothing to show this user. The template receives it as `panel`, plus `partnership`.

    The partnership page lists the sections as tabs and loads each one when it is first shown
    (partnerships.views.details.partnership_section), so opening the page costs none of their queries."""

    key: str  # used as the section's id / tab anchor, e.g. "memoranda"
    title: str
    template: str
    context: Callable[[Any, Any], dict | None]
    order: int = 100


_partnership_panels: list[PartnershipPanel] = []


def register_partnership_panel(panel: PartnershipPanel) -> PartnershipPanel:
    if all(p.key != panel.key for p in _partnership_panels):
        _partnership_panels.append(panel)
    return panel


def partnership_sections() -> list[PartnershipPanel]:
    """The registered sections in page order (their contexts are not computed)."""
    return sorted(_partnership_panels, key=lambda p: p.order)


def find_partnership_section(key: str) -> PartnershipPanel | None:
    return next((p for p in _partnership_panels if p.key == key), None)


def partnership_panels_for(user, partnership) -> list[tuple[PartnershipPanel, dict]]:
    """Every section with its context computed (for tests and whole-page renderings)."""
    rendered = []
    for panel in sorted(_partnership_panels, key=lambda p: p.order):
        ctx = panel.context(user, partnership)
        if ctx is not None:
            rendered.append((panel, ctx))
    return rendered


# --- Scheduled reminders ----------------------------------------------------------------------
# `manage.py send_reminders` (run daily by cron) calls every registered sender with today's date.
# Each sender must be idempotent (never sends the same reminder twice) and returns how many it sent.
_reminder_senders: dict[str, Callable[[date], int]] = {}


def register_reminder_sender(name: str, sender: Callable[[date], int]) -> None:
    _reminder_senders[name] = sender


def reminder_senders() -> dict[str, Callable[[date], int]]:
    return dict(_reminder_senders)


# --- Facts for the privacy notice --------------------------------------------------------------
# The privacy notice (templates/public/privacy.html) states how long each kind of record is kept.
# The app that keeps and purges the record registers the figures its rules use, so the notice
# reads them instead of repeating them: `register_privacy_facts(lambda: {"student_years": 6})`.
_privacy_facts: list[Callable[[], dict]] = []


def register_privacy_facts(provider: Callable[[], dict]) -> None:
    _privacy_facts.append(provider)


def privacy_facts() -> dict:
    facts: dict = {}
    for provider in _privacy_facts:
        facts.update(provider())
    return facts


# --- Health checks (/healthz) -----------------------------------------------------------------
# Each check answers whether one thing the portal needs works now: the core registers the
# database, the private file store and the audit chain (portal/health.py); the job queue
# registers its own ("a worker seen recently, the oldest waiting job's age") from its app's ready().
@dataclass(frozen=True)
class HealthResult:
    """`ok` False makes /healthz answer 503. `detail` is a few plain facts (numbers, ages in
    seconds, short words) shown in its JSON: the probe is public, so never names or data."""

    ok: bool
    detail: dict = field(default_factory=dict)
    reason: str = ""  # why it failed, in a few words


@dataclass(frozen=True)
class HealthCheck:
    """`check()` returns a HealthResult; an exception it raises counts as a failure (the
    exception's class is the reason). Checks run in `order`; keep each well under a second."""

    name: str
    check: Callable[[], HealthResult]
    order: int = 100


_health_checks: dict[str, HealthCheck] = {}


def register_health_check(check: HealthCheck) -> HealthCheck:
    _health_checks[check.name] = check
    return check


def health_checks() -> list[HealthCheck]:
    return sorted(_health_checks.values(), key=lambda c: (c.order, c.name))


# --- Service navigation -----------------------------------------------------------------------
# The menu under the header. Each app adds its own items from its registrations; the core adds
# the dashboard and, for site administrators, the Django admin.


def _signed_in(user) -> bool:
    return True  # the menu is only drawn for signed-in people (base.html)


@dataclass(frozen=True)
class NavItem:
    """`current(namespace, url_name)` says whether the page being shown belongs to this item (one
    item at most should claim a page); `visible(user)` whether this person sees it."""

    label: str
    url_name: str
    order: int
    current: Callable[[str, str], bool]
    visible: Callable[[Any], bool] = _signed_in
    # Shown to people whose home is a narrow page (below); the staff sections are not.
    narrow: bool = False


_nav_items: list[NavItem] = []


def register_nav_item(item: NavItem) -> NavItem:
    if all(i.url_name != item.url_name for i in _nav_items):
        _nav_items.append(item)
    return item


def nav_items_for(user) -> list[NavItem]:
    narrow = narrow_home_for(user) is not None
    return [
        item for item in sorted(_nav_items, key=lambda i: i.order) if item.visible(user) and (item.narrow or not narrow)
    ]


# --- Narrow homes -------------------------------------------------------------------------------
# Someone who signs in only to see their own part (a student, a practice educator: participants/)
# has a narrow home page instead of the dashboard: `provider(user)` returns its URL, or None for
# people who use the portal's staff sections. The dashboard sends them there and their menu shows
# only the items registered with `narrow=True`.

_home_providers: list[Callable[[Any], str | None]] = []


def register_narrow_home(provider: Callable[[Any], str | None]) -> Callable[[Any], str | None]:
    if provider not in _home_providers:
        _home_providers.append(provider)
    return provider


def narrow_home_for(user) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    for provider in _home_providers:
        url = provider(user)
        if url:
            return url
    return None


# --- The national-scale dataset (manage.py seed_scale, for bench/) ------------------------------


@dataclass(frozen=True)
class ScaleBuilder:
    """An app's part of the scale dataset. `build` is the dotted path of `build(ctx, params, stdout)`,
    imported only when seed_scale runs (bench code stays out of the served site); builders run in
    the order they register (INSTALLED_APPS order), sharing `ctx` so later apps attach to what
    earlier ones made. `counts` are the national numbers, multiplied by --scale except those in
    `unscaled` (numbers per thing, such as versions per memorandum). --depth multiplies them too,
    except those in `breadth` (how many partnerships and organisations there are): more placements,
    members and memoranda in each partnership, not more partnerships. `has_data()` is true when
    the database already holds this app's data: seed_scale then refuses, as it fills empty
    databases."""

    app: str
    build: str
    counts: dict[str, int] = field(default_factory=dict)
    unscaled: frozenset[str] = frozenset()
    breadth: frozenset[str] = frozenset()
    has_data: Callable[[], bool] | None = None


_scale_builders: list[ScaleBuilder] = []


def register_scale_builder(builder: ScaleBuilder) -> ScaleBuilder:
    if all(b.app != builder.app for b in _scale_builders):
        _scale_builders.append(builder)
    return builder


def scale_builders() -> list[ScaleBuilder]:
    return list(_scale_builders)


@dataclass(frozen=True)
class HistoryKind:
    """What a year of a partnership's work looks like in the scale dataset's audit trail
    (portal.scale_history): `weight` shares of the events target rows of `model` ("app.Model"),
    each with one of `actions` (the app's recorded action names). `partnership_field` is the
    row's partnership id ("id" for the partnership itself)."""

    weight: int
    model: str
    actions: tuple[str, ...]
    partnership_field: str = "partnership_id"


_history_kinds: list[HistoryKind] = []


def register_history_kind(kind: HistoryKind) -> HistoryKind:
    if all(k.model != kind.model for k in _history_kinds):
        _history_kinds.append(kind)
    return kind


def history_kinds() -> list[HistoryKind]:
    return list(_history_kinds)


# --- Audit listeners ----------------------------------------------------------------------------
# Code that reacts to changes (webhooks) without the apps that make them knowing it: a listener
# registers the actions it cares about and `portal.audit.record` hands it each such event. It runs
# in the recording transaction, inside a savepoint: what it writes (a queued delivery) commits or
# rolls back with the change, and an error in it is logged and rolled back alone, never stopping
# the change itself. Keep listeners quick (a query or two): they run in the request.
@dataclass(frozen=True)
class AuditListener:
    name: str
    actions: frozenset[str]
    listener: Callable[[Any], None]


_audit_listeners: dict[str, AuditListener] = {}


def register_audit_listener(name: str, actions: Iterable[str], listener: Callable[[Any], None]) -> None:
    _audit_listeners[name] = AuditListener(name, frozenset(str(a) for a in actions), listener)


def notify_audit_listeners(event) -> None:
    """Called by portal.audit.record with each AuditEvent it wrote."""
    import logging

    from django.db import transaction

    for entry in _audit_listeners.values():
        if event.action not in entry.actions:
            continue
        try:
            with transaction.atomic():
                entry.listener(event)
        except Exception:
            logging.getLogger(__name__).exception("Audit listener %s failed on event %s", entry.name, event.pk)
