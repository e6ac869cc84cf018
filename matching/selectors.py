"""Read queries for the preference round pages, each a constant number of queries."""

from __future__ import annotations

from django.db.models import Count, F, Prefetch, Q, QuerySet

from matching.models import Choice, Pin, PreferenceRound, ProposalLine, RoundStatus, RoundStudent
from placements.models import HOLDS_PLACE, AcademicYear, OfferStage, PlacementOffer, Stage, Student
from placements.selectors.figures import students_without_placement
from placements.selectors.years import next_year_after


def candidates(partnership, year: AcademicYear, stage: str) -> QuerySet[Student]:
    """The partnership's students who need a placement of this stage in the year and have none
    arranged: placements.selectors.figures' `students_without_placement` (the sufficiency page's
    "no placement arranged" list), narrowed to the stage (final: their final placement year is
    this one; first: it is the next)."""
    next_year = next_year_after(year)
    students = students_without_placement(partnership, year, next_year)
    if stage == Stage.FINAL:
        return students.filter(final_year=year)
    if next_year is None:
        return students.none()
    return students.filter(final_year=next_year)


def with_held(offers: QuerySet[PlacementOffer]) -> QuerySet[PlacementOffer]:
    """Offers annotated with `held`: the placements holding one of their places."""
    return offers.annotate(held=Count("placements", filter=Q(placements__status__in=HOLDS_PLACE)))


def round_offers(round_: PreferenceRound) -> QuerySet[PlacementOffer]:
    """Every offer of the round's partnership, year and stage (an "either stage" offer counts),
    with `held`."""
    return with_held(
        PlacementOffer.objects.filter(
            partnership_id=round_.partnership_id,
            academic_year_id=round_.academic_year_id,
            stage__in=[round_.stage, OfferStage.EITHER],
        ).select_related("employer", "practice_educator")
    )


def offers_with_room(round_: PreferenceRound) -> list[PlacementOffer]:
    """The offers students may rank: the round's offers with a place not yet held."""
    return list(round_offers(round_).filter(Q(held__lt=F("places"))))


def entries(round_: PreferenceRound) -> QuerySet[RoundStudent]:
    """The round's students with their ranked offers (three queries whatever the number)."""
    return (
        RoundStudent.objects.filter(round=round_)
        .select_related("student", "student__university", "student__programme")
        .prefetch_related(
            Prefetch("choices", queryset=Choice.objects.select_related("offer", "offer__employer").order_by("rank"))
        )
    )


def unanswered(round_: PreferenceRound) -> QuerySet[RoundStudent]:
    """The round's students who have not answered yet (for reminders: today a dashboard item for
    coordinators; once students sign in (h-people's participants app) an e-mail to each)."""
    return RoundStudent.objects.filter(round=round_, answered_at__isnull=True).select_related("student")


def rounds_for(partnership) -> QuerySet[PreferenceRound]:
    return (
        PreferenceRound.objects.filter(partnership=partnership)
        .select_related("academic_year")
        .annotate(
            n_students=Count("entries", distinct=True),
            n_answered=Count("entries", filter=Q(entries__answered_at__isnull=False), distinct=True),
        )
    )


def open_rounds_unanswered(partnership_ids: list[int]) -> list[tuple[PreferenceRound, int]]:
    """Open rounds in these partnerships with students yet to answer, and how many (one query)."""
    rounds = (
        PreferenceRound.objects.filter(partnership__in=partnership_ids, status=RoundStatus.OPEN)
        .select_related("partnership", "academic_year")
        .annotate(n_unanswered=Count("entries", filter=Q(entries__answered_at__isnull=True)))
        .filter(n_unanswered__gt=0)
        .order_by("closes_on", "pk")
    )
    return [(r, r.n_unanswered) for r in rounds]


def proposal_lines(round_: PreferenceRound) -> list[ProposalLine]:
    return list(
        ProposalLine.objects.filter(round=round_)
        .select_related("student", "offer", "offer__employer")
        .order_by("student__reference")
    )


def pins(round_: PreferenceRound) -> QuerySet[Pin]:
    return Pin.objects.filter(round=round_).select_related("student", "offer", "offer__employer")
