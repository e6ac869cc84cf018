"""Sufficiency: the places needed (programmes' demand) against those offered, committed (by the
memorandum or recorded here) and filled, per stage and per employer."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from memoranda.selectors import committed_places
from partnerships.models import EMPLOYER_KINDS, Organisation
from placements.models import AcademicYear, EmployerCommitment, ProgrammeDemand
from placements.selectors import figures
from placements.selectors.figures import place_counts

# --- Memorandum commitments -------------------------------------------------------------------


def memorandum_commitments(partnership, year_label: str) -> dict[int, int] | None:
    """Places each employer committed in the active memorandum, or None when it records no
    numbers for this partnership and year."""
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
    def still_to_fill(self) -> int:
        """Places still to fill against expected demand: places needed less places filled."""
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
        still = (
            f" {self.still_to_fill} still to fill against expected demand."
            if self.still_to_fill
            else " Every place needed is filled."
        )
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
    # One grouped query gives both the stage and the employer figures, so the page costs the
    # same number of queries whatever the data (figures.place_counts: the one definition).
    counts = place_counts(partnership, year)
    offered, filled = counts.offered, counts.filled
    statutory_offered, statutory_filled = counts.statutory_offered, counts.statutory_filled
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
        partnership, year, counts.offered_by_employer, counts.filled_by_employer, counts.employer_names
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


# --- The figures to report ----------------------------------------------------------------------


@dataclass
class ReportedFigure:
    key: str
    name: str
    value: int | float | None
    display: str
    how: str
    function: str


def reported_figures(
    partnership,
    year: AcademicYear,
    next_year: AcademicYear | None,
    report: Sufficiency | None = None,
    reviews: figures.ReviewFigures | None = None,
) -> list[ReportedFigure]:
    """Every placements figure for the partnership and year, each from its one function
    (placements.selectors.figures), with its name and how it is worked out: the sufficiency
    page's "Figures to report", the quality page's and the `?table=figures` download."""
    report = report or sufficiency(partnership, year)
    students = figures.one_partnership(partnership, year, next_year)
    reviews = reviews or figures.review_figures([partnership.pk], year)
    current, educators = figures.educators_current(partnership)
    today = timezone.localdate()
    falling_short = figures.falling_short_counts([partnership.pk], today, year).get(partnership.pk, 0)
    expiring = figures.checks_expiring_counts([partnership.pk], today).get(partnership.pk, (0, None))[0]
    filled, offered = report.total.filled, report.total.offered
    values: dict[str, tuple[int | float | None, str]] = {
        "places_needed": (report.total.needed, str(report.total.needed)),
        "places_offered": (offered, str(offered)),
        "places_filled": (filled, str(filled)),
        "places_still_to_fill": (report.total.still_to_fill, str(report.total.still_to_fill)),
        "statutory_still_to_fill": (report.statutory.still_to_fill, str(report.statutory.still_to_fill)),
        "students_unplaced": (students.unplaced, str(students.unplaced)),
        "students_without_statutory": (students.without_statutory, str(students.without_statutory)),
        "statutory_coverage": (
            figures.pct(students.statutory_covered, students.final_year),
            figures.pct_words(students.statutory_covered, students.final_year, "students"),
        ),
        "skills_days_done": (
            students.skills_done,
            f"{students.skills_done} of {students.final_year}",
        ),
        "fill_rate": (figures.pct(filled, offered), figures.pct_words(filled, offered, "places")),
        "reviews_due": (reviews.due, str(reviews.due)),
        "reviews_on_time": (reviews.on_time, f"{reviews.on_time} of {reviews.due}"),
        "reviews_overdue": (reviews.overdue_count, str(reviews.overdue_count)),
        "educators_current": (
            figures.pct(current, educators),
            figures.pct_words(current, educators, "practice educators"),
        ),
        "placements_falling_short": (falling_short, str(falling_short)),
        "skills_days_behind": (students.skills_behind, str(students.skills_behind)),
        # Checks run out on a day, not in a year: those expiring in the 30 days from today.
        "checks_expiring": (expiring, str(expiring)),
    }
    return [
        ReportedFigure(key, d.name, values[key][0], values[key][1], d.how, d.function)
        for key, d in figures.DEFINITIONS.items()
    ]
