"""The rules that turn ratings into summaries: the overall rating, comparison between years, and
suggestions from live figures. Pure functions, so each rule is tested as a table of cases and
stated in words on the pages that use it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from healthcheck.models import RAG_RANK, Rag, Rating, SuggestionOutcome, rag_label

# Shown on the summary page and in the PDF, next to the overall rating it explains.
OVERALL_RULE_IN_WORDS = [
    "Criteria rated Not applicable are left out.",
    "Red when a quarter or more of the rated criteria are Red.",
    "Amber when any criterion is Red, or when a quarter or more are Amber.",
    "Green when no criterion is Red and fewer than a quarter are Amber.",
    "Until every criterion is rated, the overall rating is Not yet rated.",
    "Each area is rated by the same rule, over its own criteria.",
]


@dataclass(frozen=True)
class RagCounts:
    red: int = 0
    amber: int = 0
    green: int = 0
    na: int = 0
    unrated: int = 0

    @classmethod
    def of(cls, ratings: Iterable[str]) -> RagCounts:
        values = list(ratings)
        return cls(
            red=values.count(Rag.RED),
            amber=values.count(Rag.AMBER),
            green=values.count(Rag.GREEN),
            na=values.count(Rag.NOT_APPLICABLE),
            unrated=sum(1 for v in values if v not in Rag.values),
        )

    def __add__(self, other: RagCounts) -> RagCounts:
        return RagCounts(
            self.red + other.red,
            self.amber + other.amber,
            self.green + other.green,
            self.na + other.na,
            self.unrated + other.unrated,
        )

    @property
    def total(self) -> int:
        return self.red + self.amber + self.green + self.na + self.unrated

    @property
    def rated(self) -> int:
        """Criteria with a rating, Not applicable included (the progress count)."""
        return self.total - self.unrated

    @property
    def applicable(self) -> int:
        return self.red + self.amber + self.green

    @property
    def in_words(self) -> str:
        """The counts written out ("Red 1, Amber 2, Green 3, Not rated 4"), beside or instead of a
        coloured bar, so that the colours are never the only way to read them."""
        parts = [
            ("Red", self.red),
            ("Amber", self.amber),
            ("Green", self.green),
            ("Not applicable", self.na),
            ("Not rated", self.unrated),
        ]
        return ", ".join(f"{label} {n}" for label, n in parts if n) or "No criteria"

    def percent(self, part: str) -> float:
        """Share of all criteria, for drawing bars."""
        return round(100 * getattr(self, part) / self.total, 1) if self.total else 0.0


def overall_rating(counts: RagCounts) -> str:
    """The rule in OVERALL_RULE_IN_WORDS. Returns a Rag value, or "" for Not yet rated.

    Integer arithmetic (x * 4 >= n) keeps "a quarter or more" exact."""
    if counts.total == 0 or counts.unrated:
        return ""
    if counts.applicable == 0:
        return Rag.NOT_APPLICABLE
    if counts.red * 4 >= counts.applicable:
        return Rag.RED
    if counts.red or counts.amber * 4 >= counts.applicable:
        return Rag.AMBER
    return Rag.GREEN


class Trend:
    BETTER = "better"
    SAME = "same"
    WORSE = "worse"
    NONE = ""  # nothing to compare with


TREND_LABELS = {Trend.BETTER: "Better", Trend.SAME: "Same", Trend.WORSE: "Worse", Trend.NONE: "No comparison"}


def compare(current: str, previous: str) -> str:
    """Better, same or worse than last time; nothing when either is unrated or Not applicable."""
    if current not in RAG_RANK or previous not in RAG_RANK:
        return Trend.NONE
    diff = RAG_RANK[current] - RAG_RANK[previous]
    return Trend.BETTER if diff > 0 else Trend.WORSE if diff < 0 else Trend.SAME


def suggest(value: float | None, *, green_at: float | None, amber_at: float | None, higher_is_better: bool) -> str:
    """The rating a live figure suggests: Green at or beyond `green_at`, Amber at or beyond
    `amber_at`, Red otherwise ("beyond" follows the metric's direction). "" without a figure."""
    if value is None or green_at is None:
        return ""

    def reaches(threshold: float) -> bool:
        return value >= threshold if higher_is_better else value <= threshold

    if reaches(green_at):
        return Rag.GREEN
    if amber_at is not None and reaches(amber_at):
        return Rag.AMBER
    return Rag.RED


def _figure(value: float, unit: str) -> str:
    number = f"{value:g}"
    return f"{number}%" if unit == "percent" else number


def thresholds_in_words(*, unit: str, green_at: float | None, amber_at: float | None, higher_is_better: bool) -> str:
    """The thresholds as a sentence, e.g. "Green at 95% or more; Amber at 80% or more; otherwise Red"."""
    if green_at is None:
        return ""
    if unit == "yes/no":
        yes = green_at >= 1 if higher_is_better else green_at <= 0
        return f"Green when the answer is {'Yes' if yes else 'No'}; otherwise Red"
    more = "or more" if higher_is_better else "or fewer" if unit in ("count", "days") else "or less"
    parts = [f"Green at {_figure(green_at, unit)} {more}"]
    if amber_at is not None:
        parts.append(f"Amber at {_figure(amber_at, unit)} {more}")
    parts.append("otherwise Red")
    return "; ".join(parts)


# --- What became of a live figure's suggestion ------------------------------------------------------

NOT_ENOUGH_DATA = "Not enough data"  # shown instead of a figure that cannot be worked out

NEEDS_CONFIRMATION_RULE_IN_WORDS = (
    "A rating needs confirmation when the live figure's suggestion has changed since it was rated "
    "(after the live figures are worked out again), or when it differs from the suggestion and no "
    "reason was given. Saving the rating again confirms it; a rating that differs from the new "
    "suggestion needs a reason. A health check cannot be submitted while any rating needs confirmation."
)


def why_confirmation_needed(rating: Rating) -> str:
    """Why a rating needs confirmation, in words ("" when it does not)."""
    if not rating.needs_confirmation:
        return ""
    before, now = rating.confirmed_suggestion, rating.suggested_rating
    if before == now:
        return f"it differs from the suggested {rag_label(now)} and no reason was given"
    then = f"the suggestion was {rag_label(before)}" if before else "there was no suggestion"
    figure = rating.confirmed_figure
    figure = "" if not figure else " (not enough data)" if figure == NOT_ENOUGH_DATA else f" (live figure {figure})"
    current = f"it is now {rag_label(now)}" if now else "there is none now"
    return f"{then} when it was rated{figure}; {current}"


def suggestion_in_words(rating: Rating) -> str:
    """The live figure, its suggestion and what became of it, as one sentence: the same words on
    the health check page, the criterion page, the PDF and the CSV. Never an empty reason:
    "overridden" is always followed by the reason given, and a rating without one reads
    "needs confirmation"."""
    parts = []
    if rating.metric_display:
        parts.append(f"Live figure: {rating.metric_display}")
    if rating.suggested_rating:
        parts.append(f"suggested {rag_label(rating.suggested_rating)}")
    outcome = rating.suggestion_outcome
    if outcome == SuggestionOutcome.ACCEPTED:
        parts.append("accepted")
    elif outcome == SuggestionOutcome.OVERRIDDEN:
        parts.append(f"overridden because: {rating.override_reason.strip()}")
    elif outcome == SuggestionOutcome.NEEDS_CONFIRMATION:
        parts.append(f"needs confirmation: {why_confirmation_needed(rating)}")
    if not parts:
        return ""
    text = "; ".join(parts)
    return text[0].upper() + text[1:]
