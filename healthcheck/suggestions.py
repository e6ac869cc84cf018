"""Suggested ratings from live figures. Figures come only from portal.registry (memoranda and
placements register them); this app never imports those apps."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction

from healthcheck.models import Criterion, HealthCheck
from healthcheck.rules import NOT_ENOUGH_DATA, suggest, thresholds_in_words
from portal.registry import Metric, MetricValue, get_metric

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Suggestion:
    label: str  # what the figure is, e.g. "Students with a statutory placement"
    value: float | None
    display: str  # the figure in words, or "Not enough data"
    detail: str
    suggested: str  # a Rag value, or "" when there is no figure
    thresholds: str


def metric_for(criterion: Criterion) -> Metric | None:
    return get_metric(criterion.metric_key) if criterion.metric_key else None


def thresholds_for(criterion: Criterion) -> str:
    metric = metric_for(criterion)
    if metric is None:
        return ""
    return thresholds_in_words(
        unit=metric.unit,
        green_at=criterion.green_at,
        amber_at=criterion.amber_at,
        higher_is_better=metric.higher_is_better,
    )


def live_suggestion(criterion: Criterion, health_check: HealthCheck) -> Suggestion | None:
    """The live figure for this criterion and the rating it suggests; None when the criterion
    has no live figure. A figure that cannot be worked out says "Not enough data", never fails."""
    if not criterion.metric_key:
        return None
    metric = metric_for(criterion)
    if metric is None:
        return Suggestion(
            criterion.metric_key, None, NOT_ENOUGH_DATA, "This live figure is not available in this portal.", "", ""
        )
    try:
        # A savepoint: a failing query inside a metric must not break the caller's transaction.
        with transaction.atomic():
            value = metric.compute(
                health_check.partnership,
                organisation=health_check.organisation,
                academic_year=health_check.academic_year,
            )
    except Exception:  # a contributed metric must never break the health check page
        logger.exception("Live figure %s failed for health check %s", metric.key, health_check.pk)
        value = MetricValue(None, NOT_ENOUGH_DATA, "The figure could not be worked out.")
    if not isinstance(value, MetricValue) or value.value is None:
        detail = value.display if isinstance(value, MetricValue) and value.display != NOT_ENOUGH_DATA else ""
        return Suggestion(metric.label, None, NOT_ENOUGH_DATA, detail, "", thresholds_for(criterion))
    suggested = suggest(
        value.value, green_at=criterion.green_at, amber_at=criterion.amber_at, higher_is_better=metric.higher_is_better
    )
    return Suggestion(metric.label, value.value, value.display, value.detail, suggested, thresholds_for(criterion))
