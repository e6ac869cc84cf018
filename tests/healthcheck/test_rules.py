"""The rules behind the summary, as tables of cases."""

import pytest

from healthcheck.rules import RagCounts, compare, overall_rating, suggest, thresholds_in_words

# (red, amber, green, not applicable, not rated) -> overall rating ("" = Not yet rated)
OVERALL_CASES = [
    ((0, 0, 0, 0, 0), ""),  # nothing to rate
    ((0, 0, 9, 0, 1), ""),  # one criterion not rated yet
    ((0, 0, 0, 4, 0), "na"),  # everything not applicable
    ((0, 0, 10, 0, 0), "green"),
    ((0, 2, 8, 0, 0), "green"),  # 2 of 10 Amber is under a quarter
    ((0, 3, 9, 0, 0), "amber"),  # 3 of 12 Amber is exactly a quarter
    ((0, 3, 8, 0, 0), "amber"),  # more than a quarter Amber
    ((1, 0, 9, 0, 0), "amber"),  # any Red makes it at least Amber
    ((1, 0, 3, 0, 0), "red"),  # 1 of 4 Red is a quarter
    ((2, 1, 5, 0, 0), "red"),  # 2 of 8 Red is a quarter
    ((2, 1, 6, 0, 0), "amber"),  # 2 of 9 Red is under a quarter
    ((1, 0, 3, 5, 0), "red"),  # Not applicable is left out: 1 of 4 rated is Red
    ((0, 1, 3, 10, 0), "amber"),  # 1 of 4 applicable is Amber
    ((0, 0, 1, 9, 0), "green"),
]


@pytest.mark.parametrize(("counts", "expected"), OVERALL_CASES, ids=[str(c) for c, _ in OVERALL_CASES])
def test_overall_rating_follows_the_rule_in_words(counts, expected):
    assert overall_rating(RagCounts(*counts)) == expected


def test_counts_are_taken_from_ratings_and_add_up():
    counts = RagCounts.of(["red", "amber", "green", "green", "na", ""])
    assert (counts.red, counts.amber, counts.green, counts.na, counts.unrated) == (1, 1, 2, 1, 1)
    assert counts.rated == 5 and counts.applicable == 4 and counts.total == 6
    assert (counts + counts).green == 4
    assert counts.percent("green") == pytest.approx(33.3)


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        ("green", "amber", "better"),
        ("amber", "red", "better"),
        ("amber", "amber", "same"),
        ("red", "green", "worse"),
        ("green", "", ""),
        ("", "green", ""),
        ("na", "green", ""),
    ],
)
def test_comparison_with_last_time(current, previous, expected):
    assert compare(current, previous) == expected


@pytest.mark.parametrize(
    ("value", "green_at", "amber_at", "higher_is_better", "expected"),
    [
        (100, 100, 90, True, "green"),
        (95, 100, 90, True, "amber"),
        (90, 100, 90, True, "amber"),
        (89.9, 100, 90, True, "red"),
        (1, 1, None, True, "green"),  # yes/no: yes
        (0, 1, None, True, "red"),  # yes/no: no, and no Amber band
        (3, 5, 10, False, "green"),  # lower is better (e.g. days late)
        (7, 5, 10, False, "amber"),
        (11, 5, 10, False, "red"),
        (None, 100, 90, True, ""),  # no figure, no suggestion
        (50, None, None, True, ""),  # no thresholds, no suggestion
    ],
)
def test_a_live_figure_suggests_a_rating_from_its_thresholds(value, green_at, amber_at, higher_is_better, expected):
    assert suggest(value, green_at=green_at, amber_at=amber_at, higher_is_better=higher_is_better) == expected


def test_thresholds_are_stated_in_words():
    assert thresholds_in_words(unit="percent", green_at=95, amber_at=80, higher_is_better=True) == (
        "Green at 95% or more; Amber at 80% or more; otherwise Red"
    )
    assert thresholds_in_words(unit="yes/no", green_at=1, amber_at=None, higher_is_better=True) == (
        "Green when the answer is Yes; otherwise Red"
    )
    assert thresholds_in_words(unit="days", green_at=0, amber_at=14, higher_is_better=False) == (
        "Green at 0 or fewer; Amber at 14 or fewer; otherwise Red"
    )
