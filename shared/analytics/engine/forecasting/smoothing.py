"""Exponential smoothing (simple, damped trend) and the Theta method, fitted by in-sample one-step errors.

Every model answers a matrix of paths: row t holds the forecasts of steps 1..h made after seeing
values[: t + 1], with the parameters fitted once on the whole series. The last row is the forecast;
the rows before it give the multi-step errors the prediction intervals are built from.
"""

from __future__ import annotations

import numpy as np

# A coarse grid on purpose: finer searches fit the one-step errors better and forecast worse. The
# damping phi = 1 (none) is on it, so the trend is damped where that fits the history better.
_ALPHAS = np.array([0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.99])
_DAMPED_GRID = np.array(
    [
        (alpha, alpha * share, phi)
        for alpha in (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9)
        for share in (0.01, 0.05, 0.1, 0.3)
        for phi in (0.8, 0.9, 0.95, 0.98, 1.0)
    ]
).T


def _ses_levels(values: np.ndarray, alpha: float) -> np.ndarray:
    """Level after each value, starting from the first value."""
    levels = np.empty(len(values))
    level = float(values[0])
    for t, value in enumerate(values.tolist()):
        level += alpha * (value - level)
        levels[t] = level
    return levels


def fit_ses(values: np.ndarray) -> float:
    """The smoothing weight with the least in-sample one-step squared error (grid search)."""
    levels = np.full(len(_ALPHAS), values[0])
    sse = np.zeros(len(_ALPHAS))
    for value in values[1:]:
        error = value - levels
        sse += error * error
        levels += _ALPHAS * error
    return float(_ALPHAS[int(np.argmin(sse))])


def _initial_trend(values: np.ndarray) -> tuple[float, float]:
    k = min(len(values), 6)
    slope = float(values[k - 1] - values[0]) / (k - 1) if k > 1 else 0.0
    return float(values[0]) - slope, slope


def damped_trend_paths(values: np.ndarray, horizon: int) -> np.ndarray:
    """Additive damped trend (Gardner & McKenzie), grid-fitted; paths as described in the module."""
    alphas, betas, phis = _DAMPED_GRID
    level0, slope0 = _initial_trend(values)
    levels = np.full(len(alphas), level0)
    slopes = np.full(len(alphas), slope0)
    sse = np.zeros(len(alphas))
    for value in values:
        expected = levels + phis * slopes
        error = value - expected
        sse += error * error
        levels = expected + alphas * error
        slopes = phis * slopes + betas * error
    best = int(np.argmin(sse))
    alpha, beta, phi = float(alphas[best]), float(betas[best]), float(phis[best])
    n = len(values)
    level_path, slope_path = np.empty(n), np.empty(n)
    level, slope = level0, slope0
    for t, value in enumerate(values.tolist()):
        expected = level + phi * slope
        error = value - expected
        level = expected + alpha * error
        slope = phi * slope + beta * error
        level_path[t], slope_path[t] = level, slope
    damping = np.cumsum(phi ** np.arange(1, horizon + 1))
    return level_path[:, None] + slope_path[:, None] * damping[None, :]


def expanding_slopes(values: np.ndarray) -> np.ndarray:
    """Least-squares slope of values[: t + 1] against time, for every t (0 while undefined)."""
    t = np.arange(len(values), dtype=float)
    count = t + 1
    sum_t, sum_y = np.cumsum(t), np.cumsum(values)
    sum_tt, sum_ty = np.cumsum(t * t), np.cumsum(t * values)
    denominator = count * sum_tt - sum_t * sum_t
    numerator = count * sum_ty - sum_t * sum_y
    safe = denominator > 0
    return np.where(safe, numerator / np.where(safe, denominator, 1.0), 0.0)


def theta_paths(values: np.ndarray, horizon: int) -> np.ndarray:
    """The Theta method (theta = 2, the M3 winner) as simple exponential smoothing with half the
    linear trend as drift (Hyndman & Billah, 2003); the drift is the slope of the history so far."""
    alpha = fit_ses(values)
    levels = _ses_levels(values, alpha)
    slopes = expanding_slopes(values)
    seen = np.arange(1, len(values) + 1, dtype=float)[:, None]
    steps = np.arange(1, horizon + 1, dtype=float)[None, :]
    drift = steps - 1 + (1 - (1 - alpha) ** seen) / alpha
    return levels[:, None] + 0.5 * slopes[:, None] * drift
