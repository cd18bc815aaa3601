"""Anomaly detection: spikes are flagged, quiet series are not, scores stay in [0, 1], and it is causal."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from analytics.engine.anomalies import detect_anomalies


def noise(n: int = 600, seed: int = 1) -> np.ndarray:
    return 50.0 + np.random.default_rng(seed).normal(0.0, 2.0, n)


def test_a_spike_in_noise_is_flagged() -> None:
    # Given noise with one spike of 15 standard deviations at point 400
    values = noise()
    values[400] += 30.0

    # When scored
    result = detect_anomalies(values)

    # Then the spike is flagged, with a top score, and nothing else near it is
    assert result.flags[400]
    assert result.scores[400] == 1.0
    assert not result.flags[350:400].any()
    assert not result.flags[401:].any()


def test_a_dip_is_flagged_too() -> None:
    values = noise(seed=2)
    values[300] -= 30.0
    result = detect_anomalies(values)
    assert result.flags[300]
    assert result.scores[300] == 1.0 > np.delete(result.scores, 300).max()


def test_a_flat_series_flags_nothing() -> None:
    result = detect_anomalies(np.full(500, 7.0))
    assert not result.flags.any()
    assert not result.scores.any()


def test_a_step_out_of_a_flat_series_is_flagged() -> None:
    values = np.r_[np.full(200, 7.0), np.full(50, 7.5)]
    assert np.flatnonzero(detect_anomalies(values).flags).tolist() == [200]


def test_a_stretch_unlike_any_before_is_flagged_though_its_values_are_usual() -> None:
    # Given a noisy wave, and the same wave with a zigzag inside its usual range at points 900-915
    t = np.arange(1200)
    wave = 10.0 * np.sin(2 * np.pi * t / 50) + np.random.default_rng(0).normal(0.0, 0.3, t.size)
    odd = wave.copy()
    odd[900:916] = np.tile([8.0, -8.0], 8)

    # When both are scored
    plain, broken = detect_anomalies(wave), detect_anomalies(odd)

    # Then the zigzag gets a top score and a flag, where the plain wave had neither
    assert broken.flags[900:916].any()
    assert broken.scores[900:916].max() == 1.0
    assert not plain.flags[900:916].any()
    assert plain.scores[900:916].max() < 0.5


def test_scores_are_in_the_unit_interval_and_parameters_are_reported() -> None:
    values = np.cumsum(np.random.default_rng(3).standard_t(2, size=2000))
    result = detect_anomalies(values, threshold=0.6, cooldown=10)
    assert result.scores.shape == result.flags.shape == values.shape
    assert np.all((result.scores >= 0.0) & (result.scores <= 1.0))
    assert result.parameters["threshold"] == 0.6
    assert result.parameters["cooldown"] == 10
    assert np.all(result.flags <= (result.scores >= 0.6))


def test_a_cooldown_keeps_one_alert_per_incident() -> None:
    values = noise()
    values[400:405] += 30.0
    result = detect_anomalies(values, cooldown=20)
    assert np.flatnonzero(result.flags[390:430]).tolist() == [10]
    assert np.all(result.scores[401:405] < result.parameters["threshold"])


def test_appending_points_never_changes_earlier_scores() -> None:
    # Given a series with spikes and a level shift, scored whole
    values = noise(1500, seed=4)
    values[[300, 700, 1100]] += 25.0
    values[900:] += 8.0
    whole = detect_anomalies(values)

    # Then every prefix gets exactly the scores and flags the whole series had over it
    for end in (1, 25, 137, 301, 702, 901, 1234):
        prefix = detect_anomalies(values[:end])
        np.testing.assert_array_equal(prefix.scores, whole.scores[:end])
        np.testing.assert_array_equal(prefix.flags, whole.flags[:end])


def test_a_short_series_scores_zero_until_it_has_history() -> None:
    result = detect_anomalies([1.0, 2.0, 100.0])
    assert result.scores.tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    ("values", "options", "message"),
    [
        ([], {}, "at least 1 point"),
        ([1.0, float("inf")], {}, "non-finite"),
        ([1.0, 2.0], {"threshold": 0.0}, "threshold"),
        ([1.0, 2.0], {"cooldown": -1}, "cooldown"),
        ([1.0, 2.0], {"history": 5}, "history"),
        ([1.0, 2.0], {"shape_length": 1}, "shape_length"),
    ],
)
def test_bad_inputs_are_refused(values: list[float], options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        detect_anomalies(values, **options)


def test_timestamps_must_follow_the_values_in_time_order() -> None:
    start = np.datetime64("2024-01-01T00:00")
    ordered = start + np.arange(30) * np.timedelta64(5, "m")
    assert detect_anomalies(np.arange(30.0), timestamps=ordered).scores.size == 30
    with pytest.raises(ValueError, match="index 10 goes back in time"):
        detect_anomalies(np.arange(30.0), timestamps=np.r_[ordered[:10], ordered[:20]])
    with pytest.raises(ValueError, match="one time per value"):
        detect_anomalies(np.arange(30.0), timestamps=ordered[:29])
