"""The demo clock (portal/demo_clock.py): the story written around 23 November 2026 moves by
whole academic years to the day the demo is built, and what has happened stays in the past."""

import datetime as dt

import pytest

from partnerships.demo import MEETINGS
from portal import academic_years, demo_clock
from portal.demo_clock import ANCHOR, ANCHOR_YEAR

D = dt.date


def test_the_anchor_is_in_the_autumn_term_of_2026_27_and_nothing_moves_during_that_year():
    assert (ANCHOR, ANCHOR_YEAR) == (D(2026, 11, 23), "2026/27")
    for today in [D(2026, 9, 1), D(2026, 11, 16), ANCHOR, D(2027, 3, 2), D(2027, 8, 31)]:
        assert demo_clock.years_moved(today) == 0, today
        assert demo_clock.shift(D(2026, 10, 5), today=today) == D(2026, 10, 5)
        assert demo_clock.shift_year_label("2027/28", today=today) == "2027/28"
    # On the anchor day itself the story is exactly as written, past dates included.
    for held_on, _, _ in MEETINGS["Operational group"]:
        assert demo_clock.shift_past(held_on, ANCHOR) == held_on
    assert demo_clock.keep_distance(D(2026, 6, 4), ANCHOR) == D(2026, 6, 4)


@pytest.mark.parametrize(
    ("today", "years", "current"),
    [
        (D(2028, 3, 2), 1, "2027/28"),
        (D(2029, 7, 15), 2, "2028/29"),
        (D(2031, 10, 1), 5, "2031/32"),
        (D(2031, 8, 31), 4, "2030/31"),
        (D(2025, 1, 10), -2, "2024/25"),  # before the anchor too
    ],
)
def test_the_story_moves_by_whole_years_so_its_2026_27_is_the_current_year(today, years, current):
    assert demo_clock.years_moved(today) == years
    assert demo_clock.shift_year_label(ANCHOR_YEAR, today=today) == current == academic_years.label_of(today)
    assert demo_clock.shift_year_label("2025/26", today=today) == academic_years.shifted(current, -1)
    # First placements start on 5 October of the current year; finals on 11 January after it.
    assert demo_clock.shift(D(2026, 10, 5), today=today) == D(2026 + years, 10, 5)
    assert academic_years.label_of(demo_clock.shift(D(2027, 1, 11), today=today)) == current
    # "Two years ago" stays two years ago.
    assert demo_clock.keep_distance(D(2024, 11, 23), today) == today - (ANCHOR - D(2024, 11, 23))


def test_on_1_october_the_autumn_meetings_are_last_years_not_next_months():
    today = D(2031, 10, 1)
    held = {d: demo_clock.shift_past(d, today) for d, _, _ in MEETINGS["Operational group"]}
    assert held == {D(2026, 10, 8): D(2030, 10, 8), D(2026, 11, 12): D(2030, 11, 12)}
    assert demo_clock.shift_past(D(2026, 9, 24), today) == D(2031, 9, 24)
    assert demo_clock.years_moved_past(D(2026, 11, 12), today) == 4


def test_on_every_day_of_a_year_the_meetings_are_within_the_last_year_and_the_labels_current():
    today = D(2030, 9, 1)
    while today <= D(2031, 8, 31):
        assert demo_clock.shift_year_label(ANCHOR_YEAR, today=today) == academic_years.label_of(today)
        for meetings in MEETINGS.values():
            for held_on, _, _ in meetings:
                moved = demo_clock.shift_past(held_on, today)
                assert today - dt.timedelta(days=365) < moved <= today, (today, held_on)
        today += dt.timedelta(days=1)


def test_29_february_becomes_28_february_in_a_year_without_one():
    assert demo_clock.shift(D(2028, 2, 29), 1) == D(2029, 2, 28)
    assert demo_clock.shift(D(2028, 2, 29), 4) == D(2032, 2, 29)


def test_the_command_says_where_the_story_is_set(frozen_clock):
    assert demo_clock.describe() == "Demo built as of 16 November 2026: its story is set in the academic year 2026/27."
    assert demo_clock.describe(D(2029, 7, 15)).endswith("in the academic year 2028/29.")
