"""Quality and the live metrics: statutory coverage, fill rate, educator currency, reviews on
time, overdue reviews, ratings by employer and placements that ended early."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from placements.models import (
    FILLED,
    REVIEW_GRACE_DAYS,
    AcademicYear,
    EndReason,
    Placement,
    PlacementOffer,
    PlacementStatus,
    PracticeEducator,
    QualityReview,
    Rating,
    ReviewPoint,
    ReviewRole,
    Student,
)
from placements.selectors.educators import educator_counts
from placements.selectors.flags import statutory_placement_exists

# --- Metrics ----------------------------------------------------------------------------------


def pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100 * part / whole, 1)


def pct_words(part: int, whole: int, noun: str) -> str:
    if whole == 0:
        return f"No {noun} recorded"
    return f"{round(100 * part / whole)}% ({part} of {whole} {noun})"


def statutory_coverage(partnership, organisation=None, year: AcademicYear | None = None) -> tuple[int, int]:
    """(students covered, students) for students whose final placement is in `year`."""
    students = Student.objects.filter(partnership=partnership, final_year=year)
    if organisation is not None:
        if organisation.is_university:
            students = students.filter(university=organisation)
        else:
            students = students.filter(placements__offer__employer=organisation).distinct()
    counts = students.annotate(has_statutory=statutory_placement_exists()).aggregate(
        total=Count("id"), covered=Count("id", filter=Q(has_statutory=True))
    )
    return counts["covered"], counts["total"]


def fill_rate(partnership, organisation=None, year: AcademicYear | None = None) -> tuple[int, int]:
    """(places filled, places offered) in `year`."""
    offers = PlacementOffer.objects.filter(partnership=partnership, academic_year=year)
    placements = Placement.objects.filter(partnership=partnership, academic_year=year, status__in=FILLED)
    if organisation is not None:
        offers = offers.filter(employer=organisation)
        placements = placements.filter(offer__employer=organisation)
    offered = offers.aggregate(n=Coalesce(Sum("places"), 0))["n"]
    return min(placements.count(), offered), offered


def educator_currency(partnership, organisation=None, today: dt.date | None = None) -> tuple[int, int]:
    qs = PracticeEducator.objects.on_register_of(partnership)
    if organisation is not None:
        qs = qs.filter(employer=organisation)
    counts = educator_counts(qs, today)
    return counts["current"] + counts["lapsing"], counts["total"]


def _review_points(placements: list[Placement], today: dt.date):
    """Yield (placement, point, due date, first review date or None) for every review point due
    by `today`, with the reviews for all the placements loaded in one query."""
    first_review: dict[tuple[int, str], dt.date] = {}
    for placement_id, point, completed in QualityReview.objects.filter(
        placement_id__in=[p.id for p in placements]
    ).values_list("placement_id", "point", "completed_on"):
        key = (placement_id, point)
        if key not in first_review or completed < first_review[key]:
            first_review[key] = completed
    for placement in placements:
        for point, due_on in placement.review_due_dates().items():
            if due_on <= today:
                yield placement, point, due_on, first_review.get((placement.id, point))


def reviews_on_time(
    partnership, organisation=None, year: AcademicYear | None = None, today: dt.date | None = None
) -> tuple[int, int]:
    """(review points completed on time, review points due so far) over placements in `year`.

    A point (four weeks, midway, end) is due on its date; it counts as on time when any review
    for it is dated no later than REVIEW_GRACE_DAYS after. Proposed placements have no reviews
    due; a placement that ended early has no points due after its last day."""
    today = today or timezone.localdate()
    chosen = Placement.objects.filter(partnership=partnership, academic_year=year, starts_on__lte=today).exclude(
        status=PlacementStatus.PROPOSED
    )
    if organisation is not None:
        chosen = chosen.filter(offer__employer=organisation)
    placements = list(chosen.only("id", "starts_on", "ends_on", "status"))
    due = on_time = 0
    for _placement, _point, due_on, done in _review_points(placements, today):
        due += 1
        if done is not None and done <= due_on + dt.timedelta(days=REVIEW_GRACE_DAYS):
            on_time += 1
    return on_time, due


@dataclass
class OverdueReview:
    placement: Placement
    point: str
    due_on: dt.date

    @property
    def point_label(self) -> str:
        return ReviewPoint(self.point).label


def overdue_reviews(
    partnership_ids: list[int], year: AcademicYear, today: dt.date | None = None
) -> list[OverdueReview]:
    """Review points of live or finished placements in `year` that are more than
    REVIEW_GRACE_DAYS past their due date with no review recorded at all, oldest first.
    Placements that ended early are left out: there is nothing left to review."""
    today = today or timezone.localdate()
    placements = list(
        Placement.objects.filter(
            partnership_id__in=partnership_ids,
            academic_year=year,
            status__in=FILLED,
            starts_on__lte=today - dt.timedelta(days=REVIEW_GRACE_DAYS),
        )
        .select_related("student", "offer")
        .only(
            "id",
            "partnership_id",
            "starts_on",
            "ends_on",
            "status",
            "student__reference",
            "offer__team",
            "offer__employer_id",
        )
    )
    # Due on or before this day and still missing: past the grace period.
    late = today - dt.timedelta(days=REVIEW_GRACE_DAYS + 1)
    found = [
        OverdueReview(placement, point, due_on)
        for placement, point, due_on, done in _review_points(placements, late)
        if done is None
    ]
    return sorted(found, key=lambda o: (o.due_on, o.placement.student.reference))


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
