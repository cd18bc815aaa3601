"""Which models forecast a series, and how they are combined.

Every series gets a damped trend and Theta, both on the seasonally adjusted series and weighted by how
well each forecast the history: the kind of combination that the M3 and M4 competitions found hard
to beat at a few dozen to a few hundred points.
A long seasonal history (hourly data above all) also gets seasonal profiles, at the season and at a
week of hours; there the candidates are ranked by their errors over the last horizons of the history
and the best ones are averaged, since which shape holds (day, week, level) differs from one series
to the next and enough recent history says which.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.engine.forecasting.intervals import path_errors
from analytics.engine.forecasting.profiles import profile_paths
from analytics.engine.forecasting.seasonality import Seasonality
from analytics.engine.forecasting.smoothing import damped_trend_paths, theta_paths

HOURS_PER_WEEK = 168
# Smoothing weights, damping and initial states of the damped trend, Theta's weight and drift
# (seasonal indices come on top); seasonal profiles fit none.
CORE_PARAMETERS = 5
# Origins before this one hold too little history for their errors to say anything.
FIRST_ORIGIN = 3
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
    parameters: int  # fitted to the history: what makes its in-sample errors optimistic


def _positions(n: int, horizon: int) -> np.ndarray:
    return np.arange(n)[:, None] + np.arange(1, horizon + 1)[None, :]


def core(values: np.ndarray, horizon: int, seasonality: Seasonality | None) -> Combination:
    """The damped trend and Theta on the seasonally adjusted series, weighted by the inverse of their
    in-sample multi-step root mean squared errors (equal when both fit alike; a series one of them fits
    exactly, such as a straight line, gets that one)."""
    adjusted = values if seasonality is None else seasonality.adjust(values)
    damped, theta = damped_trend_paths(adjusted, horizon), theta_paths(adjusted, horizon)
    paths = _inverse_error_weighted(adjusted, [damped, theta])
    if seasonality is not None:
        paths = seasonality.restore(paths, _positions(len(values), horizon))
    fitted = CORE_PARAMETERS + (0 if seasonality is None else seasonality.length - 1)
    return Combination(names=("damped trend", "theta"), paths=paths, parameters=fitted)


def _inverse_error_weighted(values: np.ndarray, candidates: list[np.ndarray]) -> np.ndarray:
    spreads = []
    for paths in candidates:
        errors = path_errors(values, paths, first_origin=FIRST_ORIGIN)
        known = errors[np.isfinite(errors)]
        spreads.append(float(np.sqrt(np.mean(known**2))) if known.size else 1.0)
    if min(spreads) == 0.0:
        weights = np.array([spread == 0.0 for spread in spreads], dtype=float)
    else:
        weights = 1.0 / np.array(spreads)
    weights /= weights.sum()
    return np.einsum("k,knh->nh", weights, np.array(candidates))


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
    base_name = " + ".join(base.names)
    candidates = {base_name: base.paths} | _profiles(values, horizon, season_length)
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
    parameters = base.parameters if base_name in chosen else 0
    return Combination(
        names=tuple(chosen),
        paths=np.mean([candidates[name] for name in chosen], axis=0),
        parameters=parameters,
    )
