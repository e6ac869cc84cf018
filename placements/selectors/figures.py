"""Every figure placements reports, each worked out by one function here and used by every
surface that shows it: the sufficiency and quality pages, the partnership page's Placements tab,
the dashboard's "Needs your attention" items, the CSV and Excel downloads, and the live metrics
health checks suggest ratings from (registrations.py). tests/placements/test_cross_checks.py
computes each through every surface and asserts they agree.

`DEFINITIONS` names each figure and says how it is worked out, in the words the pages show (the
"How each figure is worked out" details) and docs/placements.md repeats.

Figures that sound alike but measure different things have names that say which:
* places still to fill against expected demand (`PlaceLine.still_to_fill`: the students the
  programmes expect to need a place, less the places filled) and registered students with no
  placement arranged (`student_figures(...).unplaced`: students recorded here, counted one by one);
* statutory places still to fill against expected demand, and final-year students with no
  statutory placement confirmed (`student_figures(...).without_statutory`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, IntegerField, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from placements.models import (
    FILLED,
    HOLDS_PLACE,
    AcademicYear,
    Placement,
    PlacementOffer,
    PlacementStatus,
    PracticeEducator,
    QualityReview,
    ReviewPoint,
    SkillsDays,
    Student,
    StudentCheck,
)
from placements.rules import CHECK_EXPIRY_WARNING_DAYS, review_state
from placements.selectors.educators import educator_counts


@dataclass(frozen=True)
class FigureDefinition:
    key: str
    name: str
    how: str
    function: str


DEFINITIONS: dict[str, FigureDefinition] = {
    d.key: d
    for d in [
        FigureDefinition(
            "places_needed",
            "Places needed (expected demand)",
            "The students each programme expects to need a first or final placement in the year, as entered for "
            "the programme. It is a forecast, not a count of students recorded here.",
            "placements.selectors.figures.place_lines",
        ),
        FigureDefinition(
            "places_offered",
            "Places offered",
            "The places in employers' offers for the year. Places offered for either stage cover a shortfall at "
            "whichever stage has one.",
            "placements.selectors.figures.place_counts",
        ),
        FigureDefinition(
            "places_filled",
            "Places filled",
            "Placements on the year's offers that are confirmed, in progress or completed, counting no more on an "
            "offer than it has places. A proposed placement holds a place but does not fill it; one that ended "
            "early frees it.",
            "placements.selectors.figures.place_counts",
        ),
        FigureDefinition(
            "places_still_to_fill",
            "Places still to fill against expected demand",
            "Places needed less places filled (never below 0). It shrinks as students are placed; the shortfall "
            "(places needed less places offered) shrinks as employers offer places.",
            "placements.selectors.figures.PlaceLine.still_to_fill",
        ),
        FigureDefinition(
            "statutory_still_to_fill",
            "Statutory places still to fill against expected demand",
            "One statutory place is needed for each student expected on a final placement (one at each stage "
            "where the programme requires two, none where it requires none), less the statutory places filled.",
            "placements.selectors.figures.place_lines",
        ),
        FigureDefinition(
            "students_unplaced",
            "Registered students with no placement arranged",
            "Students recorded here who need a placement in the year (a final placement if it is their final "
            "year, a first placement if their final year is the next) and have none proposed, confirmed, in "
            "progress or completed in it. Students whose records were removed are left out.",
            "placements.selectors.figures.student_figures",
        ),
        FigureDefinition(
            "students_without_statutory",
            "Final-year students with no statutory placement confirmed",
            "Students recorded here whose final placement is in the year and who have had, or are confirmed for, "
            "no statutory placement in any year.",
            "placements.selectors.figures.student_figures",
        ),
        FigureDefinition(
            "statutory_coverage",
            "Final-year students with a statutory placement (statutory coverage)",
            "Of the students recorded here whose final placement is in the year, the share who have had, or are "
            "confirmed for, a statutory placement.",
            "placements.selectors.figures.statutory_coverage",
        ),
        FigureDefinition(
            "skills_days_done",
            "Final-year students with all their skills days done",
            "Of the students recorded here whose final placement is in the year, those whose recorded skills "
            "days reach their programme's requirement (30 unless the programme says otherwise).",
            "placements.selectors.figures.student_figures",
        ),
        FigureDefinition(
            "fill_rate",
            "Places offered that are filled (fill rate)",
            "Places filled as a share of places offered in the year.",
            "placements.selectors.figures.fill_rate",
        ),
        FigureDefinition(
            "reviews_due",
            "Quality reviews due so far",
            "Review points (four weeks in, midway, end) whose due date has come, on placements of the year that "
            "are confirmed, in progress, completed or ended early. Four weeks: 28 days after the start. Midway: "
            "halfway to the planned last day, never before the four-week review. End: the last day. A "
            "placement that ended early keeps its planned dates, drops the points after its last day and has its "
            "end review on that day.",
            "placements.selectors.figures.review_figures",
        ),
        FigureDefinition(
            "reviews_on_time",
            "Quality reviews recorded on time",
            "Review points due so far with a review dated no later than a week after the due date.",
            "placements.selectors.figures.review_figures",
        ),
        FigureDefinition(
            "reviews_overdue",
            "Quality reviews overdue",
            "Review points more than a week past their due date with no review recorded. Within that week a "
            "point is awaiting, not overdue; the placement page, the quality page and the dashboard use this "
            "one rule.",
            "placements.selectors.figures.review_figures",
        ),
        FigureDefinition(
            "placements_falling_short",
            "Placements at risk of falling short",
            "Placements of the year in progress whose days done are more than 5 days behind where they should be by today: "
            "the planned days shared out evenly over the placement's working days (Monday to Friday, from its first "
            "day to its planned last day), counted up to today. The 5 days' tolerance allows for days recorded a "
            "week late.",
            "placements.selectors.figures.placements_falling_short",
        ),
        FigureDefinition(
            "skills_days_behind",
            "Final-year students behind on skills days",
            "Students recorded here whose final placement is in the year and whose recorded skills days are fewer "
            "than their programme requires (30 unless the programme says otherwise): by their final year they "
            "should have done them all. The same students as those not counted in 'Final-year students with all "
            "their skills days done'. Students whose records were removed are left out.",
            "placements.selectors.figures.students_behind_on_skills_days",
        ),
        FigureDefinition(
            "checks_expiring",
            "Pre-placement checks expiring in the next 30 days",
            "Checks recorded for students whose expiry date falls after today and no more than 30 days from "
            "today, for students still on their programme (their final placement year has not ended) whose "
            "records are kept. A check counts until its expiry date; on that day it has expired.",
            "placements.selectors.figures.checks_expiring_soon",
        ),
        FigureDefinition(
            "educators_current",
            "Practice educators current",
            "Practice educators on the partnership's register who supported a student within the last two years "
            "and did CPD within the last year (those lapsing within 90 days are still current).",
            "placements.selectors.figures.educators_current",
        ),
    ]
}


def pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100 * part / whole, 1)


def pct_words(part: int, whole: int, noun: str) -> str:
    if whole == 0:
        return f"No {noun} recorded"
    return f"{round(100 * part / whole)}% ({part} of {whole} {noun})"


# --- Places -------------------------------------------------------------------------------------


@dataclass
class PlaceCounts:
    """Places offered and filled in a year, by offer stage, statutory or not, and employer."""

    offered: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    filled: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    statutory_offered: int = 0
    statutory_filled: int = 0
    offered_by_employer: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    filled_by_employer: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    employer_names: dict[int, str] = field(default_factory=dict)

    @property
    def total_offered(self) -> int:
        return sum(self.offered.values())

    @property
    def total_filled(self) -> int:
        return sum(self.filled.values())


def place_counts(partnership, year: AcademicYear, organisation=None) -> PlaceCounts:
    """Places offered and filled, in one grouped query over the year's offers. Filled counts the
    confirmed, in-progress and completed placements on each offer, at most its places."""
    offers = PlacementOffer.objects.filter(partnership=partnership, academic_year=year)
    if organisation is not None:
        offers = offers.filter(employer=organisation)
    counts = PlaceCounts()
    # One row per offer (grouped by its id), so each offer's filled places are capped at its own.
    for row in offers.values("id", "employer_id", "employer__name", "stage", "statutory", "places").annotate(
        n=Count("placements", filter=Q(placements__status__in=FILLED))
    ):
        places, filled = row["places"], min(row["n"], row["places"])
        counts.offered[row["stage"]] += places
        counts.filled[row["stage"]] += filled
        counts.offered_by_employer[row["employer_id"]] += places
        counts.filled_by_employer[row["employer_id"]] += filled
        counts.employer_names[row["employer_id"]] = row["employer__name"]
        if row["statutory"]:
            counts.statutory_offered += places
            counts.statutory_filled += filled
    return counts


def fill_rate(partnership, organisation=None, year: AcademicYear | None = None) -> tuple[int, int]:
    """(places filled, places offered) in `year`: the totals of `place_counts`."""
    if year is None:
        return 0, 0
    counts = place_counts(partnership, year, organisation)
    return counts.total_filled, counts.total_offered


def with_filled_places(offers):
    """Offers annotated with `filled`: their confirmed, in-progress and completed placements."""
    return offers.annotate(filled=Count("placements", filter=Q(placements__status__in=FILLED)))


# An offer with places unfilled (on offers annotated by `with_filled_places`).
UNFILLED = Q(filled__lt=F("places"))


def offers_with_unfilled_places(partnership_ids: list[int], year: AcademicYear) -> list[tuple[int, int, int]]:
    """(partnership id, employer id, number of offers) whose places are not all filled (the
    offers list's "unfilled" filter is the same rule)."""
    return list(
        with_filled_places(PlacementOffer.objects.filter(partnership__in=partnership_ids, academic_year=year))
        .filter(UNFILLED)
        .values_list("partnership_id", "employer_id")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )


# --- Students -----------------------------------------------------------------------------------


@dataclass
class StudentFigures:
    unplaced: int = 0  # registered students needing a placement in the year with none arranged
    final_year: int = 0  # registered students whose final placement is in the year
    statutory_covered: int = 0  # of those, with a statutory placement had or confirmed
    skills_done: int = 0  # of those, with all their skills days recorded
    # Of the final-year students whose records are kept, those with fewer skills days than required.
    skills_behind: int = 0

    @property
    def without_statutory(self) -> int:
        return self.final_year - self.statutory_covered


def statutory_placement_exists():
    return Exists(Placement.objects.filter(student=OuterRef("pk"), offer__statutory=True, status__in=FILLED))


def placement_in_year_exists(year: AcademicYear):
    return Exists(Placement.objects.filter(student=OuterRef("pk"), academic_year=year, status__in=HOLDS_PLACE))


def needs_placement_in(year: AcademicYear, next_year: AcademicYear | None) -> Q:
    """Students who need a placement in `year`: a final placement if their final placement year
    is `year`, a first placement if it is the year after."""
    condition = Q(final_year=year)
    if next_year is not None:
        condition |= Q(final_year=next_year)
    return condition


def skills_days_total():
    """A student's recorded skills days, as a subquery."""
    return Coalesce(
        Subquery(
            SkillsDays.objects.filter(student=OuterRef("pk"))
            .values("student")
            .annotate(total=Sum("days"))
            .values("total")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _students_of(students, organisation):
    if organisation is None:
        return students
    if organisation.is_university:
        return students.filter(university=organisation)
    return students.filter(Exists(Placement.objects.filter(student=OuterRef("pk"), offer__employer=organisation)))


def student_figures(
    partnership_ids: Iterable[int],
    year: AcademicYear,
    next_year: AcademicYear | None,
    organisation=None,
) -> dict[int, StudentFigures]:
    """Per partnership, the figures about students recorded here, in one grouped query:
    registered students with no placement arranged, final-year students, those with a statutory
    placement confirmed and those with all their skills days done."""
    ids = list(partnership_ids)
    needs = needs_placement_in(year, next_year) & Q(purged_on__isnull=True)
    students = _students_of(Student.objects.filter(partnership__in=ids), organisation)
    result = {pk: StudentFigures() for pk in ids}
    behind = Q(final_year=year, purged_on__isnull=True, skills_total__lt=F("programme__skills_days"))
    for pk, unplaced, final_year, covered, skills, skills_behind in (
        students.filter(needs | Q(final_year=year))
        .annotate(
            placed=placement_in_year_exists(year),
            has_statutory=statutory_placement_exists(),
            skills_total=skills_days_total(),
        )
        .values_list("partnership_id")
        .annotate(
            n_unplaced=Count("id", filter=needs & Q(placed=False)),
            n_final_year=Count("id", filter=Q(final_year=year)),
            n_covered=Count("id", filter=Q(final_year=year, has_statutory=True)),
            n_skills=Count("id", filter=Q(final_year=year, skills_total__gte=F("programme__skills_days"))),
            n_behind=Count("id", filter=behind),
        )
        .order_by()
    ):
        result[pk] = StudentFigures(unplaced, final_year, covered, skills, skills_behind)
    return result


def one_partnership(partnership, year: AcademicYear, next_year: AcademicYear | None, organisation=None):
    return student_figures([partnership.pk], year, next_year, organisation)[partnership.pk]


def statutory_coverage(partnership, organisation=None, year: AcademicYear | None = None) -> tuple[int, int]:
    """(final-year students with a statutory placement, final-year students) in `year`."""
    if year is None:
        return 0, 0
    figures = one_partnership(partnership, year, None, organisation)
    return figures.statutory_covered, figures.final_year


def students_without_placement(partnership, year: AcademicYear, next_year: AcademicYear | None = None):
    """The registered students with no placement arranged, as a queryset (the list behind the
    `unplaced` count of `student_figures`)."""
    return (
        Student.objects.filter(needs_placement_in(year, next_year), partnership=partnership, purged_on__isnull=True)
        .annotate(placed=placement_in_year_exists(year))
        .filter(placed=False)
    )


def students_without_statutory(partnership, year: AcademicYear):
    """Final-year students with no statutory placement confirmed, as a queryset (the list behind
    `without_statutory`)."""
    return (
        Student.objects.filter(partnership=partnership, final_year=year)
        .annotate(has_statutory=statutory_placement_exists())
        .filter(has_statutory=False)
        .select_related("university", "programme")
    )


def students_behind_on_skills_days(students, year: AcademicYear):
    """Of `students` (a Student queryset), the final-year ones (final placement in `year`,
    records kept) with fewer skills days recorded than their programme requires: the list behind
    `StudentFigures.skills_behind`."""
    return (
        students.filter(final_year=year, purged_on__isnull=True)
        .annotate(skills_total=skills_days_total())
        .filter(skills_total__lt=F("programme__skills_days"))
    )


# --- Days done: placements at risk of falling short ----------------------------------------------

# Days done may lag by this many days before a placement counts as at risk (a week's days recorded late).
FALLING_SHORT_TOLERANCE = 5


def working_days(first: dt.date, last: dt.date) -> int:
    """Monday-to-Friday days from `first` to `last`, both counted (0 when `last` is before)."""
    if last < first:
        return 0
    weeks, rest = divmod((last - first).days + 1, 7)
    return weeks * 5 + sum(1 for k in range(rest) if (first.weekday() + k) % 7 < 5)


def days_expected_by(starts_on: dt.date, ends_on: dt.date, planned_days: int, today: dt.date) -> int:
    """The days a placement should have done by `today`: its planned days shared out evenly
    over its working days, counted to today (rounded down)."""
    total = working_days(starts_on, ends_on)
    if total == 0:
        return planned_days if today >= starts_on else 0
    return planned_days * working_days(starts_on, min(today, ends_on)) // total


def falls_short(
    *, status: str, starts_on: dt.date, ends_on: dt.date, planned_days: int, completed_days: int, today: dt.date
) -> bool:
    """Whether a placement is at risk of falling short: in progress, and its days done more than
    FALLING_SHORT_TOLERANCE behind the days expected by today."""
    if status != PlacementStatus.IN_PROGRESS:
        return False
    return completed_days < days_expected_by(starts_on, ends_on, planned_days, today) - FALLING_SHORT_TOLERANCE


def _falling_short_rows(placements, today: dt.date) -> list[tuple[int, int]]:
    """(id, partnership id) of the placements at risk of falling short among `placements`."""
    rows = (
        placements.filter(status=PlacementStatus.IN_PROGRESS)
        .values_list("id", "partnership_id", "starts_on", "ends_on", "planned_days", "completed_days")
        .order_by()
    )
    return [
        (pk, partnership_id)
        for pk, partnership_id, starts_on, ends_on, planned, done in rows.iterator(chunk_size=5000)
        if falls_short(
            status=PlacementStatus.IN_PROGRESS,
            starts_on=starts_on,
            ends_on=ends_on,
            planned_days=planned,
            completed_days=done,
            today=today,
        )
    ]


def placements_falling_short(placements, today: dt.date) -> list[int]:
    """The ids of the placements at risk of falling short among `placements` (a queryset): one
    query reading a few columns of those in progress. Working days are counted here rather than
    in SQL; the placements in progress at one time are a small share of them all."""
    return [pk for pk, _ in _falling_short_rows(placements, today)]


def falling_short_counts(
    partnership_ids: Iterable[int], today: dt.date, year: AcademicYear | None = None, organisation=None
) -> dict[int, int]:
    """Per partnership, the placements (of `year`, if given) at risk of falling short
    (placements_falling_short), in one query across them all."""
    chosen = Placement.objects.filter(partnership_id__in=list(partnership_ids))
    if year is not None:
        chosen = chosen.filter(academic_year=year)
    if organisation is not None:
        chosen = chosen.filter(offer__employer=organisation)
    counts: dict[int, int] = defaultdict(int)
    for _, partnership_id in _falling_short_rows(chosen, today):
        counts[partnership_id] += 1
    return dict(counts)


# --- Reviews ------------------------------------------------------------------------------------

# Placements with reviews due: agreed (not proposed) ones. Ended early ones keep the points up to
# their last day (placements.rules.review_schedule).
REVIEWED = [*FILLED, PlacementStatus.ENDED_EARLY]


@dataclass
class ReviewPointLine:
    placement: Placement
    point: str
    due_on: dt.date
    recorded_on: dt.date | None
    state: str  # placements.rules.review_state

    @property
    def point_label(self) -> str:
        return ReviewPoint(self.point).label


def review_lines(placements: list[Placement], today: dt.date) -> list[ReviewPointLine]:
    """Every review point of these placements with its state, the reviews loaded in one query.
    A point's recorded date is the first review for it."""
    first: dict[tuple[int, str], dt.date] = {}
    for placement_id, point, completed in QualityReview.objects.filter(
        placement_id__in=[p.id for p in placements]
    ).values_list("placement_id", "point", "completed_on"):
        key = (placement_id, point)
        if key not in first or completed < first[key]:
            first[key] = completed
    lines = []
    for placement in placements:
        for point, due_on in placement.review_due_dates().items():
            recorded = first.get((placement.id, point))
            lines.append(ReviewPointLine(placement, point, due_on, recorded, review_state(due_on, recorded, today)))
    return lines


@dataclass
class ReviewFigures:
    due: int = 0
    on_time: int = 0
    late: int = 0
    awaiting: int = 0
    overdue: list[ReviewPointLine] = field(default_factory=list)

    @property
    def overdue_count(self) -> int:
        return len(self.overdue)


def review_figures(
    partnership_ids: Iterable[int],
    year: AcademicYear,
    today: dt.date | None = None,
    organisation=None,
) -> ReviewFigures:
    """Reviews due so far, on time, late, awaiting (within the week's grace) and overdue, over the
    year's agreed placements in these partnerships (of one employer's offers if `organisation`)."""
    today = today or timezone.localdate()
    chosen = Placement.objects.filter(
        partnership_id__in=list(partnership_ids), academic_year=year, status__in=REVIEWED, starts_on__lte=today
    )
    if organisation is not None:
        chosen = chosen.filter(offer__employer=organisation)
    placements = list(
        chosen.select_related("student", "offer").only(
            "id",
            "partnership_id",
            "starts_on",
            "ends_on",
            "planned_ends_on",
            "completed_days",
            "status",
            "student__reference",
            "offer__team",
            "offer__employer_id",
        )
    )
    figures = ReviewFigures()
    for line in review_lines(placements, today):
        if line.due_on > today:  # not due yet (even if recorded ahead of its date)
            continue
        figures.due += 1
        if line.state == "on-time":
            figures.on_time += 1
        elif line.state == "late":
            figures.late += 1
        elif line.state == "awaiting":
            figures.awaiting += 1
        else:
            figures.overdue.append(line)
    figures.overdue.sort(key=lambda o: (o.due_on, o.placement.student.reference))
    return figures


def reviews_on_time(
    partnership, organisation=None, year: AcademicYear | None = None, today: dt.date | None = None
) -> tuple[int, int]:
    """(reviews recorded on time, reviews due so far) in `year`."""
    if year is None:
        return 0, 0
    figures = review_figures([partnership.pk], year, today, organisation)
    return figures.on_time, figures.due


# --- Practice educators -------------------------------------------------------------------------


def educators_current(partnership, organisation=None, today: dt.date | None = None) -> tuple[int, int]:
    """(practice educators current, practice educators on the register); lapsing ones are still
    current."""
    qs = PracticeEducator.objects.on_register_of(partnership)
    if organisation is not None:
        qs = qs.filter(employer=organisation)
    counts = educator_counts(qs, today)
    return counts["current"] + counts["lapsing"], counts["total"]


# --- Pre-placement checks -------------------------------------------------------------------------


def checks_expiring_soon(partnership_ids: Iterable[int], today: dt.date):
    """Students' checks that run out in the next CHECK_EXPIRY_WARNING_DAYS days (after today, on
    or before today + 30), for students still on their programme whose records are kept: the rows
    of the checks page, and counted by `checks_expiring_counts` for the dashboard."""
    return StudentCheck.objects.filter(
        student__partnership_id__in=list(partnership_ids),
        student__purged_on__isnull=True,
        student__final_year__ends_on__gte=today,
        expires_on__gt=today,
        expires_on__lte=today + dt.timedelta(days=CHECK_EXPIRY_WARNING_DAYS),
    )


def checks_expiring_counts(partnership_ids: Iterable[int], today: dt.date) -> dict[int, tuple[int, dt.date]]:
    """Per partnership, (checks expiring soon, the first expiry date), in one grouped query."""
    return {
        pk: (n, first)
        for pk, n, first in checks_expiring_soon(partnership_ids, today)
        .values_list("student__partnership_id")
        .annotate(n=Count("id"), first=Min("expires_on"))
        .values_list("student__partnership_id", "n", "first")
        .order_by()
    }
