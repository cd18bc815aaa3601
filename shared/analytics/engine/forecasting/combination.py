"""Which models forecast a series, and how they are combined.

Every series gets the mean of a damped trend and Theta, both on the seasonally adjusted series: the
combination that the M3 and M4 competitions found hard to beat at a few dozen to a few hundred points.
A long seasonal history (hourly data above all) also gets seasonal profiles, at the season and at a
week of hours; there the candidates are ranked by their errors over the last horizons of the history
and the best ones are averaged, since which shape holds (day, week, level) differs from one series
to the next and enough recent history says which.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.engine.forecasting.profiles import profile_paths
from analytics.engine.forecasting.seasonality import Seasonality
from analytics.engine.forecasting.smoothing import damped_trend_paths, theta_paths

HOURS_PER_WEEK = 168
# Seasons averaged into a profile: a week of days for the daily cycle, three weeks for the weekly one.
PROFILE_SEASONS = 7
WEEKLY_PROFILE_SEASONS = 3
# Horizons of recent origins the candidates are ranked on, and how many are averaged.
RANKING_HORIZONS = 2
COMBINED = 2
# Seasons of history before seasonal profiles join: as many as hourly or daily data hold, more than
# monthly or quarterly data ever do, whose noisy seasons are better averaged by decomposition.
PROFILE_MIN_SEASONS = 20


@dataclass(frozen=True)
class Combination:
    names: tuple[str, ...]
    paths: np.ndarray  # row t: steps 1..h forecast after values[: t + 1]


def _positions(n: int, horizon: int) -> np.ndarray:
    return np.arange(n)[:, None] + np.arange(1, horizon + 1)[None, :]


def core(values: np.ndarray, horizon: int, seasonality: Seasonality | None) -> Combination:
    """Mean of the damped trend and Theta on the seasonally adjusted series."""
    adjusted = values if seasonality is None else seasonality.adjust(values)
    paths = (damped_trend_paths(adjusted, horizon) + theta_paths(adjusted, horizon)) / 2
    if seasonality is not None:
        paths = seasonality.restore(paths, _positions(len(values), horizon))
    return Combination(names=("damped trend", "theta"), paths=paths)


def _profiles(values: np.ndarray, horizon: int, season_length: int) -> dict[str, np.ndarray]:
    n = len(values)
    found: dict[str, np.ndarray] = {}
    lengths = [(season_length, PROFILE_SEASONS)]
    if season_length == 24:
        lengths.append((HOURS_PER_WEEK, WEEKLY_PROFILE_SEASONS))
    for length, seasons in lengths:
        if n >= length + ranking_span(horizon):
            found[f"seasonal naive ({length})"] = profile_paths(values, horizon, length, 1)
        if n >= seasons * length + ranking_span(horizon):
            found[f"profile of {seasons} seasons ({length})"] = profile_paths(
                values, horizon, length, seasons
            )
    return found


def ranking_span(horizon: int) -> int:
    """Points at the end of the history whose forecasts rank the candidates."""
    return (RANKING_HORIZONS + 1) * horizon


def combine(
    values: np.ndarray, horizon: int, season_length: int, seasonality: Seasonality | None
) -> Combination:
    base = core(values, horizon, seasonality)
    if seasonality is None or len(values) < PROFILE_MIN_SEASONS * season_length:
        return base
    candidates = {" + ".join(base.names): base.paths} | _profiles(values, horizon, season_length)
    if len(candidates) == 1:
        return base
    n = len(values)
    first, last = n - 1 - ranking_span(horizon) + horizon, n - 1 - horizon
    targets = _positions(n, horizon)[first : last + 1]
    actual = values[targets]
    scores = {
        name: float(np.mean(np.abs(actual - paths[first : last + 1]))) for name, paths in candidates.items()
    }
    best = sorted(candidates, key=lambda name: scores[name])[:COMBINED]
    chosen = [name for name in candidates if name in best]
    return Combination(names=tuple(chosen), paths=np.mean([candidates[name] for name in chosen], axis=0))
