"""The forecast of a total over the horizon and the probability that it reaches a target."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from analytics.engine.forecasting import TotalOutlook, forecast, total_outlook


def noisy_walk(points: int, seed: int) -> np.ndarray:
    return 100 + np.cumsum(np.random.default_rng(seed).normal(0, 1, points))


def interval_90(outlook: TotalOutlook) -> tuple[float, float]:
    (interval,) = [interval for interval in outlook.intervals if interval.level == 0.9]
    return interval.lower, interval.upper


def test_a_constant_series_reaches_a_target_below_its_total_and_not_one_above() -> None:
    # Given forty days of exactly 7.5
    outlook = total_outlook(np.full(40, 7.5), 10, season_length=7)

    # Then the next ten days total 75, for certain
    assert outlook.mean == pytest.approx(75.0)
    assert outlook.probability_at_least(70.0) > 0.99
    assert outlook.probability_at_least(80.0) < 0.01
    assert outlook.probability_at_most(80.0) > 0.99
    assert not outlook.warnings


def test_the_probability_falls_as_the_target_rises() -> None:
    outlook = total_outlook(noisy_walk(120, seed=1), 12)

    targets = outlook.mean + np.linspace(-60, 60, 13)
    chances = [outlook.probability_at_least(float(target)) for target in targets]

    assert all(later <= earlier for earlier, later in pairwise(chances))
    assert chances[0] > 0.95
    assert chances[-1] < 0.05
    assert outlook.probability_at_least(outlook.mean) == pytest.approx(0.5, abs=0.05)


def test_at_most_is_the_complement_of_at_least() -> None:
    outlook = total_outlook(noisy_walk(80, seed=2), 6)

    for target in outlook.mean + np.array([-25.0, -7.3, 0.4, 11.9, 30.0]):
        reached = outlook.probability_at_least(float(target))
        assert outlook.probability_at_most(float(target)) == pytest.approx(1.0 - reached, abs=1e-9)


@pytest.mark.parametrize("points", [1, 3, 7])
def test_a_short_history_answers_with_a_warning(points: int) -> None:
    outlook = total_outlook(noisy_walk(points, seed=3), 6)

    assert any("short history" in warning for warning in outlook.warnings)
    assert any("random walk" in warning for warning in outlook.warnings)
    low, high = interval_90(outlook)
    assert np.isfinite([low, high]).all()
    assert low < outlook.mean < high


def test_a_few_points_give_a_wider_interval_than_a_long_history_of_the_same_walk() -> None:
    ratios = []
    for seed in range(20):
        history = noisy_walk(200, seed=seed)
        short, long = interval_90(total_outlook(history[-3:], 6)), interval_90(total_outlook(history, 6))
        ratios.append((short[1] - short[0]) / (long[1] - long[0]))

    assert np.median(ratios) > 1.2
    assert not total_outlook(noisy_walk(200, seed=0), 6).warnings


def test_the_intervals_contain_the_mean_and_widen_with_the_level() -> None:
    outlook = total_outlook(noisy_walk(100, seed=4), 8, levels=(0.5, 0.9, 0.99))

    widths = []
    for interval in outlook.intervals:
        assert interval.lower < outlook.mean < interval.upper
        widths.append(interval.upper - interval.lower)
    assert widths == sorted(widths)
    assert [interval.level for interval in outlook.intervals] == [0.5, 0.9, 0.99]
    assert outlook.interval(0.9) == outlook.intervals[1]


def test_the_mean_is_the_total_of_the_forecast() -> None:
    history = np.tile([10.0, 14.0, 9.0, 5.0], 8) + np.random.default_rng(5).normal(0, 0.5, 32)

    outlook = total_outlook(history, 6, season_length=4)

    assert outlook.mean == pytest.approx(float(forecast(history, 6, season_length=4).mean.sum()))
    assert outlook.model == forecast(history, 6, season_length=4).model


def test_a_random_walks_total_is_wider_than_independent_steps_would_make_it() -> None:
    # Given a random walk, whose errors at successive steps move together
    history = noisy_walk(300, seed=6)

    outlook = total_outlook(history, 12, levels=(0.95,))
    steps = forecast(history, 12, level=0.95)

    # Then the total's band is wider than the root sum of squares of the steps' bands
    low, high = outlook.intervals[0].lower, outlook.intervals[0].upper
    independent = float(np.sqrt(np.sum(((steps.upper - steps.lower) / 2) ** 2)))
    assert (high - low) / 2 > 2 * independent


def test_white_noise_totals_are_narrower_than_adding_the_steps_bands() -> None:
    # Given noise around a fixed level, whose errors at successive steps are nearly independent
    history = 50 + np.random.default_rng(7).normal(0, 2, 300)

    outlook = total_outlook(history, 12, levels=(0.95,))
    steps = forecast(history, 12, level=0.95)

    # Then the total's band is well inside the sum of the steps' bands (perfectly correlated errors)
    half_width = (outlook.intervals[0].upper - outlook.intervals[0].lower) / 2
    assert half_width < 0.6 * float(np.sum((steps.upper - steps.lower) / 2))


def test_totals_of_random_walks_fall_inside_their_90_percent_interval_about_90_percent_of_the_time() -> None:
    rng = np.random.default_rng(8)
    inside, reached = [], []
    for _ in range(200):
        path = 100 + np.cumsum(rng.normal(0, 1, 66))
        history, future = path[:60], path[60:]
        outlook = total_outlook(history, 6)
        low, high = interval_90(outlook)
        inside.append(low <= future.sum() <= high)
        reached.append(outlook.probability_at_least(float(future.sum())))

    assert 0.84 <= np.mean(inside) <= 0.96
    assert 0.35 <= np.mean(reached) <= 0.65


@pytest.mark.parametrize(
    ("values", "horizon", "keywords", "message"),
    [
        ([], 3, {}, "at least one point"),
        ([1.0, float("nan")], 3, {}, "finite"),
        ([[1.0, 2.0]], 3, {}, "one-dimensional"),
        ([1.0, 2.0], 0, {}, "horizon"),
        ([1.0, 2.0], 2.5, {}, "horizon"),
        ([1.0, 2.0], 3, {"levels": (0.3,)}, "level"),
        ([1.0, 2.0], 3, {"levels": ()}, "levels"),
        ([1.0, 2.0], 3, {"levels": 0.9}, "levels"),
        ([1.0, 2.0], 3, {"season_length": 0}, "season_length"),
    ],
)
def test_invalid_input_raises_a_value_error(
    values: list[float], horizon: int, keywords: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        total_outlook(values, horizon, **keywords)  # type: ignore[arg-type]


@pytest.mark.parametrize("target", [float("nan"), float("inf"), "100", None])
def test_a_target_that_is_not_a_finite_number_is_refused(target: object) -> None:
    outlook = total_outlook(noisy_walk(30, seed=9), 3)

    with pytest.raises(ValueError, match="target"):
        outlook.probability_at_least(target)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="target"):
        outlook.probability_at_most(target)  # type: ignore[arg-type]
