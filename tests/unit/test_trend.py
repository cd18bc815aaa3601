"""Trend: direction by the Mann-Kendall test, Theil-Sen slope per period, strength |tau|."""

from __future__ import annotations

import numpy as np
import pytest

from analytics.engine.trend import Direction, trend


def test_a_rising_series_is_increasing_with_its_slope() -> None:
    rng = np.random.default_rng(0)
    result = trend(3.0 + 0.5 * np.arange(60) + rng.normal(0, 0.5, 60))
    assert result.direction is Direction.INCREASING
    assert result.slope_per_period == pytest.approx(0.5, abs=0.03)
    assert result.strength > 0.9
    assert result.p_value < 1e-6


def test_a_falling_series_is_decreasing() -> None:
    result = trend([10, 9, 9.5, 8, 7, 7.2, 6, 5])
    assert result.direction is Direction.DECREASING
    assert result.slope_per_period < 0
    assert result.kendall_tau < -0.8


def test_noise_and_flat_series_are_stable() -> None:
    noise = np.random.default_rng(4).normal(size=80)
    assert trend(noise).direction is Direction.STABLE
    flat = trend([2.0] * 10)
    assert flat.direction is Direction.STABLE
    assert (flat.slope_per_period, flat.strength, flat.p_value) == (0.0, 0.0, 1.0)


def test_the_slope_ignores_an_outlier() -> None:
    values = np.arange(30, dtype=float)
    values[15] = 1000.0
    assert trend(values).slope_per_period == pytest.approx(1.0)


def test_a_weak_tendency_is_stable_at_a_strict_significance() -> None:
    values = [1, 3, 2, 4, 3, 5, 2, 4]
    assert trend(values, significance=0.3).direction is Direction.INCREASING
    assert trend(values, significance=0.05).direction is Direction.STABLE


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([1, 2, 3], "at least 4 points"),
        ([1, 2, float("nan"), 4], "non-finite"),
        ([[1, 2], [3, 4]], "one-dim"),
    ],
)
def test_bad_inputs_are_refused(values: list[float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        trend(values)
