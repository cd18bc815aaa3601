"""The forecasting engine on series whose answer is known."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from analytics.engine.forecasting import Forecast, forecast, holdout_accuracy
from analytics.engine.forecasting.intervals import student_quantile
from analytics.engine.forecasting.seasonality import is_seasonal

SEASON = np.array([10.0, 14.0, 9.0, 5.0, 7.0, 12.0, 16.0, 11.0, 8.0, 6.0, 13.0, 15.0])


def noisy_walk(points: int, seed: int) -> np.ndarray:
    return 100 + np.cumsum(np.random.default_rng(seed).normal(0, 1, points))


def assert_well_formed(answer: Forecast, horizon: int) -> None:
    for band in (answer.mean, answer.lower, answer.upper):
        assert band.shape == (horizon,)
        assert np.all(np.isfinite(band))
    assert np.all(answer.lower <= answer.mean)
    assert np.all(answer.mean <= answer.upper)


def test_a_pure_seasonal_series_is_forecast_as_its_season() -> None:
    # Given four years of the same monthly pattern
    history = np.tile(SEASON, 4)

    # When forecasting a year and a half
    answer = forecast(history, 18, season_length=12)

    # Then the pattern goes on, phase for phase, with a tight band
    np.testing.assert_allclose(answer.mean, np.resize(SEASON, 18), rtol=1e-9)
    assert answer.seasonal_strength == pytest.approx(1.0)
    assert np.max(answer.upper - answer.lower) < 1e-6
    assert answer.trend is not None and answer.trend.direction == "stable"


def test_a_seasonal_series_with_noise_keeps_its_phase() -> None:
    history = np.tile(SEASON, 6) + np.random.default_rng(1).normal(0, 0.5, 72)

    answer = forecast(history, 12, season_length=12)

    assert np.max(np.abs(answer.mean - SEASON)) < 2.0
    assert answer.seasonal_strength is not None and answer.seasonal_strength > 0.8
    assert np.all((answer.lower < SEASON) & (answer.upper > SEASON))


def test_a_linear_trend_is_extended() -> None:
    history = 3.0 + 2.0 * np.arange(30)

    answer = forecast(history, 6)

    np.testing.assert_allclose(answer.mean, 3.0 + 2.0 * np.arange(30, 36), rtol=1e-9)
    assert answer.trend is not None and answer.trend.direction == "increasing"
    assert answer.trend.slope_per_period == pytest.approx(2.0)
    assert answer.trend.strength == pytest.approx(1.0)


def test_a_noisy_falling_series_is_forecast_to_fall_inside_its_band() -> None:
    t = np.arange(60)
    history = 500 - 3.0 * t + np.random.default_rng(2).normal(0, 2, 60)

    answer = forecast(history, 5)

    truth = 500 - 3.0 * np.arange(60, 65)
    assert np.all(np.diff(answer.mean) < 0)
    assert np.all((answer.lower <= truth) & (truth <= answer.upper))
    assert answer.trend is not None and answer.trend.direction == "decreasing"


def test_a_constant_series_gives_a_flat_forecast_and_a_tight_interval() -> None:
    answer = forecast(np.full(40, 7.5), 10, season_length=12)

    assert_well_formed(answer, 10)
    np.testing.assert_allclose(answer.mean, 7.5)
    assert np.max(answer.upper - answer.lower) < 1e-9
    assert answer.seasonal_strength is None
    assert answer.trend is not None and answer.trend.direction == "stable"


@pytest.mark.parametrize("points", [1, 2, 3, 5])
def test_a_handful_of_points_answers_with_a_warning_and_a_wide_interval(points: int) -> None:
    history = np.array([4.0, 6.0, 5.0, 7.0, 6.0])[:points]

    answer = forecast(history, 4, season_length=12)

    assert_well_formed(answer, 4)
    assert answer.warnings and "short history" in answer.warnings[0]
    np.testing.assert_allclose(answer.mean, history[-1])
    assert np.all(answer.upper - answer.lower > 0)


def test_a_short_history_band_is_wider_than_a_long_one_of_the_same_noise() -> None:
    history = noisy_walk(80, seed=3)

    short, long = forecast(history[-3:], 3), forecast(history, 3)

    assert (short.upper - short.lower)[0] > (long.upper - long.lower)[0]
    assert not long.warnings


def test_zeros_work() -> None:
    answer = forecast(np.zeros(30), 5, season_length=7)

    assert_well_formed(answer, 5)
    np.testing.assert_allclose(answer.mean, 0.0)


def test_negative_seasonal_values_are_adjusted_additively() -> None:
    # Given a season of negative values (a multiplicative decomposition would flip it)
    history = np.tile(-SEASON, 5)

    answer = forecast(history, 12, season_length=12)

    np.testing.assert_allclose(answer.mean, -SEASON, atol=1e-6)


def test_a_series_crossing_zero_works() -> None:
    history = np.tile(SEASON - 10.0, 5) + np.random.default_rng(4).normal(0, 0.3, 60)

    answer = forecast(history, 24, season_length=12)

    assert_well_formed(answer, 24)
    assert np.max(np.abs(answer.mean - np.resize(SEASON - 10.0, 24))) < 1.5


def test_a_higher_level_widens_the_band() -> None:
    history = noisy_walk(100, seed=5)

    widths = [forecast(history, 8, level=level) for level in (0.5, 0.8, 0.95, 0.99)]

    spans = [answer.upper - answer.lower for answer in widths]
    for narrower, wider in pairwise(spans):
        assert np.all(wider > narrower)
    np.testing.assert_allclose(widths[0].mean, widths[-1].mean)


def test_the_band_widens_with_the_step() -> None:
    answer = forecast(noisy_walk(100, seed=6), 12)

    assert np.all(np.diff(answer.upper - answer.lower) >= 0)
    assert (answer.upper - answer.lower)[-1] > (answer.upper - answer.lower)[0]


def test_a_long_hourly_history_uses_its_weekly_shape() -> None:
    # Given five weeks of hours whose days differ (weekends low) and a little noise
    hours = np.arange(24 * 7 * 5)
    daily = 10 + 5 * np.sin(2 * np.pi * hours / 24)
    weekly = np.where((hours // 24) % 7 >= 5, 0.5, 1.0)
    history = daily * weekly + np.random.default_rng(7).normal(0, 0.1, hours.size)

    answer = forecast(history, 48, season_length=24)

    future = np.arange(hours.size, hours.size + 48)
    truth = (10 + 5 * np.sin(2 * np.pi * future / 24)) * np.where((future // 24) % 7 >= 5, 0.5, 1.0)
    assert "168" in answer.model
    assert np.mean(np.abs(answer.mean - truth)) < 0.3
    assert np.mean((answer.lower <= truth) & (truth <= answer.upper)) > 0.9


def test_seasonality_is_not_claimed_for_noise() -> None:
    noise = np.random.default_rng(8).normal(0, 1, 120)

    assert not is_seasonal(noise, 12)
    assert forecast(noise, 12, season_length=12).seasonal_strength is None


def test_a_season_longer_than_the_history_is_not_tested_and_says_so() -> None:
    answer = forecast(noisy_walk(20, seed=9), 6, season_length=12)

    assert_well_formed(answer, 6)
    assert answer.season_length == 12
    assert any("seasonality not tested" in warning for warning in answer.warnings)


@pytest.mark.parametrize(
    ("values", "horizon", "level", "message"),
    [
        ([1.0, 2.0], 3, 0.4, "level"),
        ([1.0, 2.0], 3, 1.0, "level"),
        ([1.0, 2.0], 0, 0.95, "horizon"),
        ([1.0, 2.0], 2.5, 0.95, "horizon"),
        ([1.0, 2.0], 1001, 0.95, "horizon"),
        ([], 3, 0.95, "at least one point"),
        ([1.0, float("nan")], 3, 0.95, "finite"),
        ([1.0, float("inf")], 3, 0.95, "finite"),
        ([[1.0, 2.0]], 3, 0.95, "one-dimensional"),
    ],
)
def test_invalid_input_raises_a_value_error(
    values: list[float], horizon: int, level: float, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        forecast(values, horizon, level=level)


@pytest.mark.parametrize("season_length", [0, -4, 12.5])
def test_a_season_length_that_is_not_a_positive_integer_is_refused(season_length: int) -> None:
    with pytest.raises(ValueError, match="season_length"):
        forecast([1.0, 2.0, 3.0], 2, season_length=season_length)


def test_the_answer_cannot_be_changed_in_place() -> None:
    answer = forecast(noisy_walk(30, seed=11), 3)

    with pytest.raises(ValueError, match="read-only"):
        answer.mean[0] = 0.0


def test_holdout_accuracy_of_a_pure_season_is_perfect() -> None:
    accuracy = holdout_accuracy(np.tile(SEASON, 5), 12, 12)

    assert accuracy is not None
    assert accuracy.mase == pytest.approx(0.0, abs=1e-9)
    assert accuracy.smape == pytest.approx(0.0, abs=1e-9)
    assert accuracy.coverage == 1.0


def test_holdout_accuracy_of_a_random_walk_is_near_the_naive_forecast() -> None:
    accuracy = holdout_accuracy(noisy_walk(120, seed=10), 12)

    assert accuracy is not None and accuracy.mase is not None
    assert 0.2 < accuracy.mase < 5.0
    assert 0.0 < accuracy.smape < 20.0


def test_holdout_accuracy_needs_history_before_the_horizon() -> None:
    assert holdout_accuracy([1.0, 2.0, 3.0], 2) is None


def test_student_quantiles_match_the_tables() -> None:
    assert student_quantile(0.95, 1) == pytest.approx(12.706, rel=0.01)
    assert student_quantile(0.95, 4) == pytest.approx(2.776, rel=0.01)
    assert student_quantile(0.90, 30) == pytest.approx(1.697, rel=0.01)
