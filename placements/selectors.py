"""Read queries for the placement pages, the metrics and the dashboard. Every page-level query
is scoped with `.visible_to(user)` and loads related rows in the same query, so the number of
queries per page does not grow with the data."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum, Window
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from partnerships.models import EMPLOYER_KINDS, Organisation
from placements.models import (
    FILLED,
    HOLDS_PLACE,
    LAPSING_WINDOW_DAYS,
    REVIEW_GRACE_DAYS,
    AcademicYear,
    EmployerCommitment,
    Placement,
    PlacementOffer,
    PlacementStatus,
    PracticeEducator,
    ProgrammeDemand,
    QualityReview,
    Rating,
    ReviewPoint,
    ReviewRole,
    Student,
)

# --- Academic years ---------------------------------------------------------------------------


def current_year(today: dt.date | None = None) -> AcademicYear | None:
    """The year containing today, else the latest that has started, else the earliest."""
    today = today or timezone.localdate()
    return (
        AcademicYear.objects.current(today)
        or AcademicYear.objects.filter(starts_on__lte=today).order_by("-starts_on").first()
        or AcademicYear.objects.order_by("starts_on").first()
    )


def current_year_from(years: list[AcademicYear], today: dt.date | None = None) -> AcademicYear | None:
    """current_year() over an already loaded list of years (no query)."""
    today = today or timezone.localdate()
    containing = [y for y in years if y.starts_on <= today <= y.ends_on]
    started = [y for y in years if y.starts_on <= today]
    if containing:
        return max(containing, key=lambda y: y.starts_on)
    if started:
        return max(started, key=lambda y: y.starts_on)
    return min(years, key=lambda y: y.starts_on) if years else None


def resolve_year(label: str | None) -> AcademicYear | None:
    if label:
        return AcademicYear.objects.filter(label=label).first()
    return current_year()


# --- Memorandum commitments -------------------------------------------------------------------


def memorandum_commitments(partnership, year_label: str) -> dict[int, int] | None:
    """Places each employer committed in the memorandum, or None when the memoranda app cannot
    tell us (not installed yet, or it records no numbers for this partnership and year)."""
    try:
        from memoranda.selectors import committed_places
    except ImportError:
        return None
    result = committed_places(partnership, year_label)
    return dict(result) if result else None


# --- Sufficiency ------------------------------------------------------------------------------


def rag_for(needed: int, offered: int) -> str:
    """Green when offers meet need; amber within 10% short; red beyond. No need: not applicable."""
    if needed <= 0:
        return "na"
    if offered >= needed:
        return "green"
    if offered >= needed * 0.9:
        return "amber"
    return "red"


@dataclass
class StageLine:
    key: str
    label: str
    needed: int | None
    offered: int
    filled: int

    @property
    def shortfall(self) -> int:
        return max(0, (self.needed or 0) - self.offered)

    @property
    def to_place(self) -> int:
        """Students still without a filled place at this stage."""
        return max(0, (self.needed or 0) - self.filled)

    @property
    def unfilled(self) -> int:
        return max(0, self.offered - self.filled)

    @property
    def rag(self) -> str:
        return rag_for(self.needed or 0, self.offered) if self.needed is not None else "na"

    @property
    def scale(self) -> int:
        return max(self.needed or 0, self.offered, self.filled, 1)

    def pct(self, value: int | None) -> int:
        return round(100 * (value or 0) / self.scale)

    @property
    def needed_pct(self) -> int:
        return self.pct(self.needed)

    @property
    def offered_pct(self) -> int:
        return self.pct(self.offered)

    @property
    def filled_pct(self) -> int:
        return self.pct(self.filled)

    @property
    def words(self) -> str:
        noun = self.label.lower()
        if self.needed is None:
            return f"{self.offered} {noun} offered, {self.filled} filled."
        if self.needed == 0:
            return f"No students need {noun}; {self.offered} offered."
        still = f" {self.to_place} still to place." if self.to_place else " Every place needed is filled."
        if self.shortfall:
            return (
                f"Short of {self.shortfall} {noun}: {self.needed} needed, {self.offered} offered, "
                f"{self.filled} filled.{still}"
            )
        spare = self.offered - self.needed
        extra = f", {spare} spare" if spare else ""
        return f"Enough {noun}: {self.needed} needed, {self.offered} offered{extra}; {self.filled} filled.{still}"


@dataclass
class EmployerLine:
    employer_id: int
    name: str
    committed: int | None
    committed_source: str  # "memorandum", "entered" or ""
    offered: int
    filled: int

    @property
    def met(self) -> bool | None:
        if self.committed is None:
            return None
        return self.offered >= self.committed


@dataclass
class Sufficiency:
    year: AcademicYear
    stages: list[StageLine]
    statutory: StageLine
    non_statutory: StageLine
    total: StageLine
    flexible_offered: int
    overall_shortfall: int
    employers: list[EmployerLine] = field(default_factory=list)
    commitment_source: str = ""

    @property
    def summary(self) -> str:
        if self.total.needed == 0:
            return f"No demand is recorded for {self.year}: add students needing placements to each programme."
        if self.overall_shortfall:
            parts = [f"{s.shortfall} {s.label.lower()}" for s in self.stages if s.shortfall]
            if self.statutory.shortfall:
                parts.append(f"{self.statutory.shortfall} statutory places")
            text = f"Not enough places for {self.year}: short of " + " and ".join(parts)
            if self.flexible_offered:
                text += f" (after counting {self.flexible_offered} places offered for either stage)"
            return text + "."
        if self.statutory.shortfall:
            return f"Enough places in total for {self.year}, but short of {self.statutory.shortfall} statutory places."
        return f"Enough places offered for {self.year}: {self.total.offered} offered for {self.total.needed} students."


def sufficiency(partnership, year: AcademicYear) -> Sufficiency:
    """Demand against places offered against places filled, by stage and statutory status.

    Rules (stated on the page): each student on a final placement this year needs a statutory
    place, since every student must have one by the end of their final placement (a programme
    requiring two statutory placements needs one at each stage, one requiring none needs none);
    places offered for either stage cover a shortfall at whichever stage has one."""
    required = "programme__statutory_placements_required"
    demand = ProgrammeDemand.objects.filter(programme__partnership=partnership, academic_year=year).aggregate(
        first=Coalesce(Sum("first_placements"), 0),
        final=Coalesce(Sum("final_placements"), 0),
        # One statutory place per final placement where the programme requires a statutory
        # placement at all, and one per first placement too where it requires two.
        statutory=Coalesce(Sum("final_placements", filter=Q(**{f"{required}__gte": 1})), 0)
        + Coalesce(Sum("first_placements", filter=Q(**{f"{required}__gte": 2})), 0),
    )
    # One grouped query each for places offered and filled gives both the stage and the
    # employer figures, so the page costs the same number of queries whatever the data.
    offered = defaultdict(int)
    statutory_offered = 0
    offered_by_employer: dict[int, int] = defaultdict(int)
    employer_names: dict[int, str] = {}
    for row in (
        PlacementOffer.objects.filter(partnership=partnership, academic_year=year)
        .values("employer_id", "employer__name", "stage", "statutory")
        .annotate(places=Sum("places"))
        .order_by()
    ):
        offered[row["stage"]] += row["places"]
        offered_by_employer[row["employer_id"]] += row["places"]
        employer_names[row["employer_id"]] = row["employer__name"]
        if row["statutory"]:
            statutory_offered += row["places"]
    filled = defaultdict(int)
    statutory_filled = 0
    filled_by_employer: dict[int, int] = defaultdict(int)
    for row in (
        Placement.objects.filter(partnership=partnership, academic_year=year, status__in=FILLED)
        .values("offer__employer_id", "offer__stage", "offer__statutory")
        .annotate(n=Count("id"))
        .order_by()
    ):
        filled[row["offer__stage"]] += row["n"]
        filled_by_employer[row["offer__employer_id"]] += row["n"]
        if row["offer__statutory"]:
            statutory_filled += row["n"]
    first = StageLine("first", "First placements", demand["first"], offered["first"], filled["first"])
    final = StageLine("final", "Final placements", demand["final"], offered["final"], filled["final"])
    either = StageLine("either", "Places for either stage", None, offered["either"], filled["either"])
    total = StageLine(
        "total",
        "Places in total",
        demand["first"] + demand["final"],
        sum(offered.values()),
        sum(filled.values()),
    )
    statutory = StageLine("statutory", "Statutory places", demand["statutory"], statutory_offered, statutory_filled)
    non_statutory = StageLine(
        "non-statutory",
        "Non-statutory places",
        None,
        total.offered - statutory_offered,
        total.filled - statutory_filled,
    )
    overall = max(0, first.shortfall + final.shortfall - either.offered)
    result = Sufficiency(
        year=year,
        stages=[first, final, either],
        statutory=statutory,
        non_statutory=non_statutory,
        total=total,
        flexible_offered=either.offered,
        overall_shortfall=overall,
    )
    result.employers, result.commitment_source = employer_lines(
        partnership, year, offered_by_employer, filled_by_employer, employer_names
    )
    return result


def employer_lines(partnership, year: AcademicYear, offered: dict, filled: dict, names: dict):
    """Per employer: places committed (memorandum first, else entered here), offered, filled.
    Employers that are partners are listed even with nothing offered; an employer that offered
    places but has since left the partnership is still listed."""
    entered_places = EmployerCommitment.objects.filter(
        partnership=partnership, academic_year=year, employer=OuterRef("pk")
    ).values("places")[:1]
    employers = (
        Organisation.objects.filter(partner_roles__partnership=partnership, kind__in=EMPLOYER_KINDS)
        .annotate(entered=Subquery(entered_places))
        .values_list("pk", "name", "entered")
        .order_by("name")
    )
    rows = {pk: (name, entered) for pk, name, entered in employers}
    for pk, name in names.items():
        rows.setdefault(pk, (name, None))
    from_memorandum = memorandum_commitments(partnership, year.label) or {}
    lines = []
    for pk, (name, entered) in sorted(rows.items(), key=lambda item: item[1][0].lower()):
        if pk in from_memorandum:
            committed, source = from_memorandum[pk], "memorandum"
        elif entered is not None:
            committed, source = entered, "entered"
        else:
            committed, source = None, ""
        lines.append(EmployerLine(pk, name, committed, source, offered.get(pk, 0), filled.get(pk, 0)))
    return lines, ("memorandum" if from_memorandum else "entered")


# --- Flags ------------------------------------------------------------------------------------


def statutory_placement_exists():
    return Exists(Placement.objects.filter(student=OuterRef("pk"), offer__statutory=True, status__in=FILLED))


def students_without_statutory_page(partnership, year: AcademicYear, limit: int = 20) -> tuple[list, int]:
    """The first `limit` students without a statutory placement and how many there are, in one
    query (the count rides along on each row as a window)."""
    rows = list(
        students_without_statutory(partnership, year).annotate(total=Window(Count("id"))).order_by("reference")[:limit]
    )
    return rows, (rows[0].total if rows else 0)


def students_without_statutory(partnership, year: AcademicYear):
    """Students whose final placement falls in `year` and who neither have had nor are
    confirmed for a statutory placement."""
    return (
        Student.objects.filter(partnership=partnership, final_year=year)
        .annotate(has_statutory=statutory_placement_exists())
        .filter(has_statutory=False)
        .select_related("university", "programme")
    )


def needs_placement_in(year: AcademicYear, next_year: AcademicYear | None) -> Q:
    """Students who need a placement in `year`: a final placement if their final placement year
    is `year`, a first placement if it is the year after."""
    condition = Q(final_year=year)
    if next_year is not None:
        condition |= Q(final_year=next_year)
    return condition


def placement_in_year_exists(year: AcademicYear):
    return Exists(Placement.objects.filter(student=OuterRef("pk"), academic_year=year, status__in=HOLDS_PLACE))


def students_without_placement(partnership, year: AcademicYear, next_year: AcademicYear | None = None):
    """Students who need a first or final placement in `year` and have none arranged (proposed
    counts as arranged: someone is working on it)."""
    return (
        Student.objects.filter(needs_placement_in(year, next_year), partnership=partnership, purged_on__isnull=True)
        .annotate(placed=placement_in_year_exists(year))
        .filter(placed=False)
    )


def next_year_after(year: AcademicYear, years: list[AcademicYear] | None = None) -> AcademicYear | None:
    candidates = years if years is not None else AcademicYear.objects.filter(starts_on__gt=year.starts_on)
    later = [y for y in candidates if y.starts_on > year.starts_on]
    return min(later, key=lambda y: y.starts_on) if later else None


@dataclass
class BlockClash:
    employer: str
    team: str
    universities: list[str]
    starts_on: dt.date
    ends_on: dt.date


def block_clashes(partnership, year: AcademicYear) -> list[BlockClash]:
    """Teams hosting students of two or more universities whose placement dates overlap (their
    teaching days and assessment points rarely line up).

    The database returns only the placements that overlap another university's in the same
    team (one query, the same SQL on PostgreSQL and SQLite), so a partnership with thousands of
    placements loads just the few that clash; Python then pairs them up for the page."""
    held = Placement.objects.filter(partnership=partnership, academic_year=year, status__in=HOLDS_PLACE).annotate(
        team_key=Lower("offer__team")
    )
    clashing = held.filter(
        offer__employer_id=OuterRef("offer__employer_id"),
        team_key=OuterRef("team_key"),
        starts_on__lte=OuterRef("ends_on"),
        ends_on__gte=OuterRef("starts_on"),
    ).exclude(student__university_id=OuterRef("student__university_id"))
    rows = (
        held.filter(Exists(clashing))
        .values_list(
            "offer__employer__name", "offer__team", "team_key", "student__university__name", "starts_on", "ends_on"
        )
        .order_by("offer__employer__name", "team_key", "starts_on")
    )
    by_team: dict[tuple[str, str], list] = defaultdict(list)
    for employer, team, team_key, university, starts, ends in rows:
        by_team[(employer, team_key)].append((team, university, starts, ends))
    clashes = []
    for (employer, _), items in by_team.items():
        found: dict[tuple, BlockClash] = {}
        for i, (team, uni_a, s_a, e_a) in enumerate(items):
            for _team, uni_b, s_b, e_b in items[i + 1 :]:
                if uni_a != uni_b and s_b <= e_a and s_a <= e_b:
                    key = tuple(sorted([uni_a, uni_b]))
                    start, end = max(s_a, s_b), min(e_a, e_b)
                    if key in found:
                        found[key].starts_on = min(found[key].starts_on, start)
                        found[key].ends_on = max(found[key].ends_on, end)
                    else:
                        found[key] = BlockClash(employer, team, list(key), start, end)
        clashes.extend(found.values())
    return clashes


# --- Practice educator currency in SQL --------------------------------------------------------


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return dt.date(day.year - years, 2, 28)


def currency_q(today: dt.date) -> dict[str, Q]:
    """Q objects matching PracticeEducator.currency() in SQL (on annotated student_since and
    cpd_since), so the register filters and counts without loading every educator."""
    lapsed = Q(student_since__lte=_years_before(today, 2)) | Q(cpd_since__lte=_years_before(today, 1))
    soon = today + dt.timedelta(days=LAPSING_WINDOW_DAYS)
    lapsing_or_lapsed = Q(student_since__lte=_years_before(soon, 2)) | Q(cpd_since__lte=_years_before(soon, 1))
    return {"lapsed": lapsed, "lapsing": lapsing_or_lapsed & ~lapsed, "current": ~lapsing_or_lapsed}


def with_currency_dates(qs):
    return qs.annotate(
        student_since=Coalesce("last_student_on", "qualified_on"), cpd_since=Coalesce("last_cpd_on", "qualified_on")
    )


def educator_counts(qs, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    qs = with_currency_dates(qs)
    return qs.aggregate(total=Count("id"), **{name: Count("id", filter=q) for name, q in currency_q(today).items()})


# --- Metrics ----------------------------------------------------------------------------------


def _pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100 * part / whole, 1)


def _pct_words(part: int, whole: int, noun: str) -> str:
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
    placements = Placement.objects.filter(partnership=partnership, academic_year=year, starts_on__lte=today).exclude(
        status=PlacementStatus.PROPOSED
    )
    if organisation is not None:
        placements = placements.filter(offer__employer=organisation)
    placements = list(placements.only("id", "starts_on", "ends_on", "status"))
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
            "share": _pct(row["positive"], row["responses"]),
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
    from placements.models import EndReason

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
