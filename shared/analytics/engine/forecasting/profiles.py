"""Seasonal profiles: the last few seasons' shape at the last season's level (seasonal naive is one
season's worth). Paths as in `smoothing`: row t holds steps 1..h forecast after values[: t + 1]."""

from __future__ import annotations

import numpy as np


def _window_means(values: np.ndarray, width: int) -> np.ndarray:
    """Mean of values[t - width + 1 : t + 1] for every t (NaN until the window fits)."""
    sums = np.cumsum(np.r_[0.0, values])
    means = np.full(len(values), np.nan)
    if width <= len(values):
        means[width - 1 :] = (sums[width:] - sums[:-width]) / width
    return means


def profile_paths(values: np.ndarray, horizon: int, season_length: int, seasons: int) -> np.ndarray:
    """Each step forecast as the mean of the same phase over the last `seasons` seasons, moved to the
    level of the last season: scaled when every value is positive, shifted otherwise. Rows whose
    history is shorter than the seasons asked for are NaN."""
    n, m, k = len(values), season_length, seasons
    phase_sums = values.astype(float)
    for back in range(1, k):
        shifted = np.full(n, np.nan)
        shifted[back * m :] = values[: n - back * m]
        phase_sums = phase_sums + shifted
    origins = np.arange(n)[:, None]
    steps = np.arange(1, horizon + 1)[None, :]
    latest = origins + steps - m * ((steps + m - 1) // m)  # the same phase, last seen at or before t
    profile = np.where(latest >= 0, phase_sums[np.maximum(latest, 0)] / k, np.nan)
    if k == 1:
        return profile
    recent = _window_means(values, m)[:, None]
    whole = _window_means(values, k * m)[:, None]
    if np.all(values > 0):
        return profile * recent / whole
    return profile + recent - whole
