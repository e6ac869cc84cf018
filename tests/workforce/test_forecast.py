"""The forecast model against hand-worked cases, and its properties (hypothesis)."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workforce.forecast import (
    BASELINE_RETENTION,
    Forecast,
    NotForecast,
    Parameters,
    YearFigures,
    basis_of,
    forecast,
    total,
)

ONE_YEAR = [YearFigures("2024/25", 100, vacancies=10, leavers=15, starters=12, agency=10, newly_qualified=6)]


def test_hand_worked_first_two_years():
    result = forecast(ONE_YEAR, Parameters())
    assert isinstance(result, Forecast)
    assert result.rates.turnover == pytest.approx(0.15)
    assert result.rates.experienced_hire == pytest.approx(0.06)  # (12 starters - 6 newly qualified) / 100
    assert result.rates.graduates_available == pytest.approx(6 / BASELINE_RETENTION)
    first, second = result.years[:2]
    assert first.year == "2025/26"
    # 100 - 15 leavers + 6 experienced + 1 converting from agency + 6 newly qualified
    assert first.in_post == pytest.approx(98)
    assert first.demand == pytest.approx(112.2)  # (100 + 10 vacancies) x 1.02
    assert first.gap == pytest.approx(14.2)
    assert first.newly_qualified_needed == pytest.approx(20.2)  # 112.2 - 92
    assert first.students_needed == pytest.approx(20.2 / 0.6 / 0.9)
    assert first.agency == pytest.approx(9)
    assert first.agency_cost == pytest.approx(14.2 * 20_000)
    assert second.year == "2026/27"
    assert second.in_post == pytest.approx(98 - 14.7 + 5.88 + 0.9 + 6)
    assert second.demand == pytest.approx(110 * 1.02**2)


def test_stated_rates_override_the_basis():
    result = forecast(ONE_YEAR, Parameters(turnover_rate=0.0, experienced_hire_rate=0.0, local_retention=0.0))
    assert isinstance(result, Forecast)
    # No leavers, no hires, no newly qualified: only the agency conversions join.
    assert result.years[0].in_post == pytest.approx(101)


def test_no_in_post_figure_is_not_forecast():
    result = forecast([YearFigures("2024/25", None, vacancies=3)], Parameters())
    assert isinstance(result, NotForecast)
    assert "in post" in result.reason


def test_bad_parameters_are_refused_in_words():
    result = forecast(ONE_YEAR, Parameters(years=11))
    assert isinstance(result, NotForecast)
    assert "between 1 and 10" in result.reason


def test_totals_add_employers_year_by_year():
    a = forecast(ONE_YEAR, Parameters())
    b = forecast(ONE_YEAR, Parameters())
    assert isinstance(a, Forecast) and isinstance(b, Forecast)
    summed = total([a, b])
    assert summed.counted == 2
    assert summed.years[0].gap == pytest.approx(2 * a.years[0].gap)


def test_forecast_timing():
    """Measured: one employer's ten-year forecast, a thousand times."""
    history = ONE_YEAR * 1
    started = time.perf_counter()
    for _ in range(1000):
        forecast(history, Parameters(years=10, basis_years=1))
    each_ms = time.perf_counter() - started  # seconds for 1000 = ms each
    print(f"forecast of one employer over 10 years: {each_ms:.3f} ms")
    assert each_ms < 5  # far inside the 50 ms budget for a whole partnership


amount = st.floats(min_value=0, max_value=5000, allow_nan=False, allow_infinity=False)
rate = st.floats(min_value=0, max_value=1, allow_nan=False)
years_st = st.lists(
    st.builds(
        YearFigures,
        year=st.just(""),
        in_post=amount,
        vacancies=amount,
        leavers=amount,
        starters=amount,
        agency=amount,
        newly_qualified=amount,
    ),
    min_size=1,
    max_size=5,
).map(lambda ys: [YearFigures(**{**y.__dict__, "year": f"{2018 + i}/{19 + i}"}) for i, y in enumerate(ys)])
params_st = st.builds(
    Parameters,
    years=st.integers(1, 10),
    basis_years=st.integers(1, 4),
    demand_growth=st.floats(-0.5, 1),
    turnover_rate=st.none() | rate,
    experienced_hire_rate=st.none() | rate,
    agency_conversion_rate=rate,
    local_retention=st.floats(0.01, 1),
    intake_multiplier=st.floats(0, 10),
)


@settings(max_examples=200, deadline=None)
@given(years_st, params_st)
def test_no_negative_fte(history, params):
    result = forecast(history, params)
    assert isinstance(result, Forecast)
    for y in result.years:
        for value in (y.in_post, y.agency, y.gap, y.demand, y.newly_qualified_needed, y.leavers):
            assert value >= 0


@settings(max_examples=100, deadline=None)
@given(amount, st.integers(1, 10), st.floats(-0.5, 1))
def test_no_leavers_and_no_joiners_stays_flat(in_post, years, growth):
    history = [YearFigures("2024/25", in_post, vacancies=0, leavers=0, starters=0, agency=0, newly_qualified=0)]
    result = forecast(history, Parameters(years=years, demand_growth=growth))
    assert isinstance(result, Forecast)
    assert all(y.in_post == pytest.approx(in_post) for y in result.years)


@settings(max_examples=100, deadline=None)
@given(years_st, st.integers(1, 4))
def test_multi_year_basis_is_the_mean_of_its_years(history, n):
    basis = basis_of(history, n)
    assert not isinstance(basis, NotForecast)
    used = history[-n:]
    assert basis.years == tuple(y.year for y in used)
    assert basis.in_post == pytest.approx(sum(y.in_post for y in used) / len(used))
    assert basis.leavers == pytest.approx(sum(y.leavers for y in used) / len(used))
