"""Prediction intervals from the method's own multi-step errors on earlier origins of the same series.

The spread of the errors at each step gives the shape (how fast uncertainty grows with the step); the
pooled distribution of the errors divided by that spread gives the quantile for the level asked, so
heavy tails widen the band rather than being assumed away. Errors beyond the history are larger than
those inside it: parameters fitted to the history (Akaike's final prediction error) and a future whose
error scale differs from the past's (a log-normal scale mixture) widen the band accordingly.
"""

from __future__ import annotations

import math

import numpy as np

# Log-normal spread of the ratio between the future's error scale and the past's: measured on the M3
# and M4 development series at levels 50-99% (see the commit that set it), not fitted per series.
SCALE_UNCERTAINTY = 0.4
MAX_OPTIMISM = 2.0
# Fewer errors than this at a step and its spread is extrapolated from the steps before it.
MIN_ERRORS_PER_STEP = 5


def _normal_grid(points: int) -> np.ndarray:
    """Standard normal quantiles at probabilities (k + 0.5) / points."""
    centred = (np.arange(points) + 0.5) / points - 0.5
    return np.sign(centred) * np.array([_normal_quantile(abs(2 * c)) for c in centred])


def path_errors(values: np.ndarray, paths: np.ndarray, first_origin: int) -> np.ndarray:
    """errors[t, j - 1] = values[t + j] - paths[t, j - 1] for origins t >= first_origin, NaN where the
    target lies beyond the history or the path is undefined."""
    n, horizon = paths.shape
    targets = np.arange(n)[:, None] + np.arange(1, horizon + 1)[None, :]
    inside = targets < n
    errors = np.where(inside, values[np.minimum(targets, n - 1)] - paths, np.nan)
    errors[: min(first_origin, n)] = np.nan
    return errors


def step_spreads(errors: np.ndarray) -> np.ndarray | None:
    """Root mean squared error per step, grown like a random walk past the steps with enough errors
    and never shrinking with the step; None when no step has enough."""
    horizon = errors.shape[1]
    known = np.isfinite(errors)
    counts = known.sum(axis=0)
    squares = np.where(known, errors, 0.0) ** 2
    spreads = np.sqrt(squares.sum(axis=0) / np.maximum(counts, 1))
    enough = np.flatnonzero(counts >= MIN_ERRORS_PER_STEP)
    steps = np.arange(1, horizon + 1)
    if enough.size == 0:
        return None
    last = int(enough[-1])
    spreads[last + 1 :] = spreads[last] * np.sqrt(steps[last + 1 :] / steps[last])
    return np.maximum.accumulate(spreads)


def optimism(points: int, parameters: int) -> float:
    """How much wider errors beyond the history are than errors inside it, for a model that fitted
    `parameters` to `points`: the square root of Akaike's final prediction error ratio (n + p) / (n - p),
    at most MAX_OPTIMISM (the ratio explodes as n nears p, where short histories already widen the
    band by their few errors)."""
    if parameters == 0:
        return 1.0
    return min(math.sqrt((points + parameters) / max(points - parameters, 1)), MAX_OPTIMISM)


def random_walk_half_widths(level: float, step_spread: float, changes: int, horizon: int) -> np.ndarray:
    """A random walk's band for a history too short to know a model's errors: Student's t with as many
    degrees of freedom as changes seen, growing with the square root of the step."""
    quantile = student_quantile(level, max(changes, 1))
    return quantile * step_spread * np.sqrt(np.arange(1, horizon + 1))


def half_widths(errors: np.ndarray, level: float, fallback: float, parameters: int = 0) -> np.ndarray:
    """Half-width of the central interval at `level` for each step, from the errors of a model that
    fitted `parameters` to the history; a random walk's band of one-step spread `fallback` when too few
    errors are known."""
    spreads = step_spreads(errors)
    if spreads is None:
        return random_walk_half_widths(level, fallback, errors.shape[0] - 1, errors.shape[1])
    known = np.isfinite(errors) & (spreads[None, :] > 0)
    scaled = np.abs(errors[known] / np.broadcast_to(spreads, errors.shape)[known])
    quantile = mixture_quantile(np.sort(scaled) if scaled.size >= 20 else None, level)
    return optimism(errors.shape[0], parameters) * quantile * spreads


def mixture_quantile(scaled: np.ndarray | None, level: float) -> float:
    """Quantile at `level` of |error| x V, where |error| follows the sorted scaled errors (or a standard
    normal when too few are known) and V, the ratio of the future's error scale to the past's, is
    log-normal: an uncertain scale fattens the tails and thins the centre, as errors beyond the
    history do."""
    ratios = scale_ratios(SCALE_UNCERTAINTY)
    erf = np.vectorize(math.erf)

    def covered(width: float) -> float:
        if scaled is None:
            return float(np.mean(erf(width / ratios / math.sqrt(2))))
        return float(np.mean(np.searchsorted(scaled, width / ratios, side="right")) / scaled.size)

    low, high = 0.0, 1.0
    while covered(high) < level:
        high *= 2
    for _ in range(40):
        middle = (low + high) / 2
        low, high = (middle, high) if covered(middle) < level else (low, middle)
    return high


def scale_ratios(spread: float) -> np.ndarray:
    """Equally likely values of a log-normal ratio of error scales whose logarithm has sd `spread`."""
    return np.exp(spread * _NORMAL_GRID)


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


_NORMAL_GRID = _normal_grid(16)
