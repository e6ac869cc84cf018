"""Quality and the live metrics: statutory coverage, fill rate, educator currency, reviews on
time, overdue reviews, ratings by employer and placements that ended early."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from placements.models import (
    AcademicYear,
    EndReason,
    Placement,
    PlacementStatus,
    QualityReview,
    Rating,
    ReviewRole,
)
from placements.selectors import figures

# --- Metrics ----------------------------------------------------------------------------------
# The figures themselves are worked out once, in placements.selectors.figures; these names stay
# for the callers that knew them here.

statutory_coverage = figures.statutory_coverage
fill_rate = figures.fill_rate
educator_currency = figures.educators_current
reviews_on_time = figures.reviews_on_time
pct = figures.pct
pct_words = figures.pct_words
OverdueReview = figures.ReviewPointLine


def overdue_reviews(
    partnership_ids: list[int], year: AcademicYear, today: dt.date | None = None
) -> list[figures.ReviewPointLine]:
    """Review points more than REVIEW_GRACE_DAYS past their due date with nothing recorded,
    oldest first (figures.review_figures)."""
    return figures.review_figures(partnership_ids, year, today).overdue


# --- Quality ----------------------------------------------------------------------------------


def quality_by_employer(partnership, year: AcademicYear) -> list[dict]:
    """Per employer: students' ratings of support (share good or very good), placements ended
    early by reason, and setting audits done."""
    support = (
        QualityReview.objects.filter(
            placement__partnership=partnership, placement__academic_year=year, role=ReviewRole.STUDENT
        )
        .values("placement__offer__employer_id", "placement__offer__employer__name")
        .annotate(
            responses=Count("id"),
            positive=Count("id", filter=Q(support__in=[Rating.GOOD, Rating.VERY_GOOD])),
        )
    )
    rows: dict[int, dict] = {}
    for row in support:
        rows[row["placement__offer__employer_id"]] = {
            "employer": row["placement__offer__employer__name"],
            "responses": row["responses"],
            "positive": row["positive"],
            "share": pct(row["positive"], row["responses"]),
            "ended": [],
            "placements": 0,
        }
    for row in (
        Placement.objects.filter(partnership=partnership, academic_year=year)
        .values("offer__employer_id", "offer__employer__name")
        .annotate(n=Count("id"))
    ):
        rows.setdefault(
            row["offer__employer_id"],
            {"employer": row["offer__employer__name"], "responses": 0, "positive": 0, "share": None, "ended": []},
        )["placements"] = row["n"]
    for row in (
        Placement.objects.filter(partnership=partnership, academic_year=year, status=PlacementStatus.ENDED_EARLY)
        .values("offer__employer_id", "end_reason")
        .annotate(n=Count("id"))
        .order_by("offer__employer_id", "-n")
    ):
        if row["offer__employer_id"] in rows:
            rows[row["offer__employer_id"]]["ended"].append((EndReason(row["end_reason"]).label, row["n"]))
    result = sorted(rows.values(), key=lambda r: r["employer"])
    for row in result:
        row["ended_total"] = sum(n for _, n in row["ended"])
    return result


def ended_early(partnership, year: AcademicYear):
    return (
        Placement.objects.filter(partnership=partnership, academic_year=year, status=PlacementStatus.ENDED_EARLY)
        .select_related("student", "offer", "offer__employer")
        .order_by("offer__employer__name", "-ends_on")
    )
