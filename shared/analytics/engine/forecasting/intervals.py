"""Prediction intervals from the method's own multi-step errors on earlier origins of the same series.

The spread of the errors at each step gives the shape (how fast uncertainty grows with the step); the
pooled distribution of the errors divided by that spread gives the quantile for the level asked, so
heavy tails widen the band rather than being assumed away. Errors made inside the history are smaller
than those made beyond it (the parameters saw the data), which one inflation factor corrects.
"""

from __future__ import annotations

import math

import numpy as np

# Out-of-sample errors are larger than in-sample ones; the factor was measured on the M3 and M4
# development series (see the commit that set it), not fitted per series.
OUT_OF_SAMPLE_INFLATION = 1.3
# Fewer errors than this at a step and its spread is extrapolated from the steps before it.
_MIN_ERRORS_PER_STEP = 5


def path_errors(values: np.ndarray, paths: np.ndarray, first_origin: int) -> np.ndarray:
    """errors[t, j - 1] = values[t + j] - paths[t, j - 1] for origins t >= first_origin, NaN where the
    target lies beyond the history or the path is undefined."""
    n, horizon = paths.shape
    targets = np.arange(n)[:, None] + np.arange(1, horizon + 1)[None, :]
    inside = targets < n
    errors = np.where(inside, values[np.minimum(targets, n - 1)] - paths, np.nan)
    errors[: min(first_origin, n)] = np.nan
    return errors


def step_spreads(errors: np.ndarray, fallback: float) -> np.ndarray:
    """Root mean squared error per step, grown like a random walk past the steps with enough errors
    and never shrinking with the step."""
    horizon = errors.shape[1]
    known = np.isfinite(errors)
    counts = known.sum(axis=0)
    squares = np.where(known, errors, 0.0) ** 2
    spreads = np.sqrt(squares.sum(axis=0) / np.maximum(counts, 1))
    enough = np.flatnonzero(counts >= _MIN_ERRORS_PER_STEP)
    steps = np.arange(1, horizon + 1)
    if enough.size == 0:
        return fallback * np.sqrt(steps)
    last = int(enough[-1])
    spreads[last + 1 :] = spreads[last] * np.sqrt(steps[last + 1 :] / steps[last])
    return np.maximum.accumulate(spreads)


def half_widths(errors: np.ndarray, level: float, fallback: float) -> np.ndarray:
    """Half-width of the central interval at `level` for each step."""
    spreads = step_spreads(errors, fallback)
    known = np.isfinite(errors) & (spreads[None, :] > 0)
    scaled = np.abs(errors[known] / np.broadcast_to(spreads, errors.shape)[known])
    if scaled.size >= 20:
        # The conformal rank: the k-th smallest of N with k = ceil((N + 1) * level).
        rank = min(scaled.size, int(np.ceil((scaled.size + 1) * level)))
        quantile = float(np.partition(scaled, rank - 1)[rank - 1])
    else:
        quantile = _normal_quantile(level)
    return OUT_OF_SAMPLE_INFLATION * quantile * spreads


def _normal_quantile(level: float) -> float:
    """Two-sided standard normal quantile of a central interval, by bisection on the error function."""
    low, high = 0.0, 10.0
    for _ in range(60):
        middle = (low + high) / 2
        if math.erf(middle / math.sqrt(2)) < level:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def student_quantile(level: float, degrees: int) -> float:
    """Two-sided Student's t quantile of a central interval: the density integrated over the angle
    whose tangent is t, which keeps the heavy tails of few degrees of freedom on a finite grid."""
    angles = (np.arange(20_000) + 0.5) * (math.pi / 2 / 20_000)
    slopes = np.tan(angles)
    density = (1 + slopes * slopes / degrees) ** (-(degrees + 1) / 2) / np.cos(angles) ** 2
    cumulative = np.cumsum(density) / density.sum()
    return float(slopes[min(int(np.searchsorted(cumulative, level)), slopes.size - 1)])
