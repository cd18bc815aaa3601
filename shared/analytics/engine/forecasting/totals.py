"""The forecast of a total: the sum of the next `horizon` values, with central intervals and the
probability that it reaches a target (or stays at most at one), as a goal on a sum needs.

A total's spread is neither the sum of its steps' spreads nor their root sum of squares: a level or a
trend the forecast misses pushes every step the same way, so the steps' errors are correlated. The
spread is measured rather than assumed: the combination `forecast` uses, run from every earlier origin
of the history, gives the error of its cumulative total after 1, 2, ..., horizon steps. As for the
engine's intervals (see intervals.py), the root mean square of those errors at each number of steps
gives the spread, the pooled errors divided by it give the shape (made symmetric: a bias inside the
history says little about the future's), and the same widening applies: Akaike's final prediction error
for the fitted parameters, and a log-normal ratio between the future's error scale and the past's. That
ratio is the more uncertain the fewer independent totals the history holds (windows of `horizon` steps
overlap): a scale measured on k of them is off by about 1 / sqrt(2k) in logarithm, on top of the
engine's SCALE_UNCERTAINTY.

A history too short to know the forecast's errors gets a random walk's total (Student's t on the changes
seen) and a warning; past the steps the history knows, the spread grows like a random walk's total. A
constant history's total is its value times the horizon, with no spread.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from analytics.engine.distributions import normal_upper_tail, student_t_two_sided_p
from analytics.engine.forecasting.forecaster import (
    MAX_HISTORY,
    MIN_MODEL_POINTS,
    check_level,
    check_season_length,
    fit,
    history_warnings,
    step_scale,
    validate_history,
)
from analytics.engine.forecasting.intervals import (
    MIN_ERRORS_PER_STEP,
    SCALE_UNCERTAINTY,
    optimism,
    scale_ratios,
)

# Fewer scaled errors than this and their shape is taken as normal, as for the engine's intervals.
MIN_SHAPE_ERRORS = 20
# Targets this close to a certain total (relative to their size) count as equal to it.
_TIE = 1e-12


def random_walk_total_growth(steps: np.ndarray) -> np.ndarray:
    """Spread of a random walk's total over `steps` steps, in units of its step: the k-th value ahead
    carries k of the shocks, so the total carries the last shock once, the one before twice, ..."""
    k = np.asarray(steps, dtype=float)
    return np.sqrt(k * (k + 1) * (2 * k + 1) / 6)


class Spread:
    """The distribution of (total - mean): `scale` times a standardized, symmetric shape; all of it at
    zero when `scale` is 0."""

    def __init__(self, scale: float) -> None:
        self.scale = scale

    def at_least(self, excess: float) -> float:
        """P(total - mean >= excess)."""
        if self.scale == 0.0:
            return 1.0 if excess <= 0.0 else 0.0
        return min(max(self._above(excess / self.scale), 0.0), 1.0)

    def at_most(self, excess: float) -> float:
        """P(total - mean <= excess)."""
        if self.scale == 0.0:
            return 1.0 if excess >= 0.0 else 0.0
        return min(max(self._below(excess / self.scale), 0.0), 1.0)

    def half_width(self, level: float) -> float:
        """Half-width of the central interval at `level` (the shape is symmetric)."""
        if self.scale == 0.0:
            return 0.0
        tail = (1.0 - level) / 2.0
        low, high = 0.0, 1.0
        while self._above(high) > tail:
            high *= 2.0
        for _ in range(50):
            middle = (low + high) / 2.0
            low, high = (middle, high) if self._above(middle) > tail else (low, middle)
        return self.scale * high

    def _above(self, z: float) -> float:
        """P(Z >= z) for the standardized shape: here a certain total's, all of it at zero."""
        return 1.0 if z <= 0.0 else 0.0

    def _below(self, z: float) -> float:
        """P(Z <= z): by symmetry P(Z >= -z), for a shape without atoms."""
        return self._above(-z)


class _EmpiricalSpread(Spread):
    """Scaled errors of the history (sorted, symmetric) times a log-normal ratio of error scales."""

    def __init__(self, scale: float, scaled_errors: np.ndarray, ratios: np.ndarray) -> None:
        super().__init__(scale)
        self.errors = scaled_errors
        self.ratios = ratios

    def _above(self, z: float) -> float:
        below = np.searchsorted(self.errors, z / self.ratios, side="left")
        return float(1.0 - np.mean(below) / self.errors.size)

    def _below(self, z: float) -> float:
        at_or_below = np.searchsorted(self.errors, z / self.ratios, side="right")
        return float(np.mean(at_or_below) / self.errors.size)


class _NormalSpread(Spread):
    """Too few errors for their own shape: a standard normal times a log-normal ratio of error scales."""

    def __init__(self, scale: float, ratios: np.ndarray) -> None:
        super().__init__(scale)
        self.ratios = ratios

    def _above(self, z: float) -> float:
        return float(np.mean(normal_upper_tail(z / self.ratios)))


class _StudentSpread(Spread):
    """A random walk's total whose step spread was estimated from `degrees` changes (Student's t), times a
    log-normal ratio of error scales: a handful of changes says nothing of a season or a trend to come."""

    def __init__(self, scale: float, degrees: int, ratios: np.ndarray) -> None:
        super().__init__(scale)
        self.degrees = degrees
        self.ratios = ratios

    def _above(self, z: float) -> float:
        tails = [student_t_two_sided_p(z / ratio, self.degrees) / 2.0 for ratio in self.ratios.tolist()]
        tail = float(np.mean(tails))
        return tail if z >= 0.0 else 1.0 - tail


@dataclass(frozen=True)
class TotalInterval:
    level: float
    lower: float
    upper: float


@dataclass(frozen=True)
class TotalOutlook:
    """The forecast `mean` of the total of the next `horizon` values, its central `intervals` (one per
    level asked, in that order), and through `probability_at_least` / `probability_at_most` the chance
    that the total reaches or stays at most at a target. `model` names what was combined, as
    `forecast` does; `warnings` say when the answer rests on too little history."""

    horizon: int
    mean: float
    intervals: tuple[TotalInterval, ...]
    model: str
    season_length: int
    warnings: list[str]
    spread: Spread = field(repr=False)

    def interval(self, level: float) -> TotalInterval:
        """The central interval at any `level` (0.5-0.99), not only those computed up front."""
        check_level(level)
        width = self.spread.half_width(level)
        return TotalInterval(level=level, lower=self.mean - width, upper=self.mean + width)

    def probability_at_least(self, target: float) -> float:
        """P(total >= target): the chance that a goal on the total is reached."""
        return self.spread.at_least(self._excess(target))

    def probability_at_most(self, target: float) -> float:
        """P(total <= target): the chance that a ceiling on the total is kept (1 - probability_at_least
        but for a total that is certain and equal to the target)."""
        return self.spread.at_most(self._excess(target))

    def _excess(self, target: float) -> float:
        if isinstance(target, bool) or not isinstance(target, int | float | np.number):
            raise ValueError(f"target must be a number, got {target!r}")
        if not math.isfinite(target):
            raise ValueError(f"target must be finite, got {target!r}")
        excess = float(target) - self.mean
        return 0.0 if abs(excess) <= _TIE * max(abs(self.mean), abs(float(target))) else excess


def total_outlook(
    values: np.ndarray | list[float],
    horizon: int,
    *,
    season_length: int | None = None,
    levels: Iterable[float] = (0.9,),
) -> TotalOutlook:
    """Forecast the total of the `horizon` values after `values` (equally spaced, oldest first), with a
    central interval at each of `levels`. `season_length` as for `forecast`. Only the last MAX_HISTORY
    points are used."""
    series = validate_history(values, horizon)[-MAX_HISTORY:]
    if isinstance(levels, str | bytes) or not isinstance(levels, Iterable):
        raise ValueError(f"levels must be a non-empty sequence of levels, got {levels!r}")
    levels = tuple(float(level) if isinstance(level, np.floating) else level for level in levels)
    if not levels:
        raise ValueError("levels must be a non-empty sequence of levels, got none")
    for level in levels:
        check_level(level)
    m = check_season_length(season_length)
    warnings = history_warnings(series.size, m)
    model, mean, spread = _outlook(series, horizon, m, warnings)
    intervals = []
    for level in levels:
        width = spread.half_width(level)
        intervals.append(TotalInterval(level=level, lower=mean - width, upper=mean + width))
    return TotalOutlook(
        horizon=horizon,
        mean=mean,
        intervals=tuple(intervals),
        model=model,
        season_length=m,
        warnings=warnings,
        spread=spread,
    )


def _outlook(series: np.ndarray, horizon: int, m: int, warnings: list[str]) -> tuple[str, float, Spread]:
    n = series.size
    if n < MIN_MODEL_POINTS:
        return "naive", float(series[-1]) * horizon, _random_walk_spread(series, horizon, warnings)
    fitted = fit(series, horizon, m)
    combination = fitted.combination
    model, mean = " + ".join(combination.names), float(combination.paths[-1].sum())
    cumulative = np.cumsum(fitted.errors, axis=1)  # NaN from the first step beyond the history on
    spreads = cumulative_spreads(cumulative)
    if spreads is None:
        return model, mean, _random_walk_spread(series, horizon, warnings)
    scale = float(spreads[-1]) * optimism(n, combination.parameters)
    if scale == 0.0:
        return model, mean, Spread(0.0)
    known = np.isfinite(cumulative) & (spreads[None, :] > 0)
    scaled = cumulative[known] / np.broadcast_to(spreads, cumulative.shape)[known]
    ratios = scale_ratios(math.hypot(SCALE_UNCERTAINTY, 1.0 / math.sqrt(2.0 * _windows(fitted.errors))))
    if scaled.size < MIN_SHAPE_ERRORS:
        return model, mean, _NormalSpread(scale, ratios)
    return model, mean, _EmpiricalSpread(scale, np.sort(np.r_[scaled, -scaled]), ratios)


def cumulative_spreads(cumulative: np.ndarray) -> np.ndarray | None:
    """Root mean squared error of the total after each number of steps, grown like a random walk's total
    past the steps with enough errors and never shrinking; None when no step has enough."""
    known = np.isfinite(cumulative)
    counts = known.sum(axis=0)
    squares = np.where(known, cumulative, 0.0) ** 2
    spreads = np.sqrt(squares.sum(axis=0) / np.maximum(counts, 1))
    enough = np.flatnonzero(counts >= MIN_ERRORS_PER_STEP)
    if enough.size == 0:
        return None
    last = int(enough[-1])
    steps = np.arange(1, cumulative.shape[1] + 1)
    growth = random_walk_total_growth(steps)
    spreads[last + 1 :] = spreads[last] * growth[last + 1 :] / growth[last]
    return np.maximum.accumulate(spreads)


def _windows(errors: np.ndarray) -> float:
    """How many non-overlapping windows of the horizon the origins with known errors span, at least 1."""
    origins = int(np.isfinite(errors[:, 0]).sum())
    return max(origins / errors.shape[1], 1.0)


def _random_walk_spread(series: np.ndarray, horizon: int, warnings: list[str]) -> Spread:
    warnings.append(
        f"too few points ({series.size}) to measure the forecast's errors: the total's spread is a "
        "random walk's, wide"
    )
    growth = float(random_walk_total_growth(np.array([horizon]))[0])
    degrees = max(series.size - 1, 1)
    return _StudentSpread(step_scale(series) * growth, degrees, scale_ratios(SCALE_UNCERTAINTY))
