"""The trend of a series: its direction, slope per period and strength.

Slope: Theil-Sen (the median of the slopes between every pair of points), robust to outliers.
Strength: |Kendall's tau| of the values against time (the Mann-Kendall statistic scaled to [0, 1]):
0 for no monotonic tendency, 1 when every later point is above (or below) every earlier one.
Direction: "stable" unless the Mann-Kendall test rejects "no trend" at `significance` (two-sided, normal
approximation with the correction for ties) and the Theil-Sen slope is not zero; then "increasing" or
"decreasing" by the slope's sign. Series longer than MAX_PAIRWISE_POINTS are thinned to that many evenly
spaced points for the pairwise statistics (the slope stays per period of the original series).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from analytics.engine.array_checks import as_series
from analytics.engine.distributions import normal_two_sided_p

MIN_POINTS = 4
MAX_PAIRWISE_POINTS = 2000


class Direction(StrEnum):
    INCREASING = "increasing"
    DECREASING = "decreasing"
    STABLE = "stable"


@dataclass(frozen=True)
class Trend:
    n: int
    direction: Direction
    slope_per_period: float  # Theil-Sen, in the series' units per step between consecutive points
    strength: float  # |Kendall's tau| in [0, 1]
    kendall_tau: float  # signed, in [-1, 1]
    p_value: float  # of the Mann-Kendall test of "no monotonic trend"
    significance: float  # the level the direction was decided at


def trend(values: npt.ArrayLike, *, significance: float = 0.05) -> Trend:
    series = as_series(values, name="values", minimum=MIN_POINTS)
    if not 0.0 < significance < 1.0:
        raise ValueError(f"significance must be between 0 and 1, got {significance}")
    n = series.size
    positions = np.arange(n, dtype=np.float64)
    if n > MAX_PAIRWISE_POINTS:
        kept = np.linspace(0, n - 1, MAX_PAIRWISE_POINTS).round().astype(np.int64)
        positions, series = positions[kept], series[kept]
    first, second = np.triu_indices(series.size, k=1)
    rises = series[second] - series[first]
    slope = float(np.median(rises / (positions[second] - positions[first])))
    s = float(np.sum(np.sign(rises)))
    pairs = series.size * (series.size - 1) / 2.0
    tau = s / pairs
    p_value = _mann_kendall_p_value(s, series)
    if p_value < significance and slope != 0.0:
        direction = Direction.INCREASING if slope > 0 else Direction.DECREASING
    else:
        direction = Direction.STABLE
    return Trend(
        n=n,
        direction=direction,
        slope_per_period=slope,
        strength=abs(tau),
        kendall_tau=tau,
        p_value=p_value,
        significance=significance,
    )


def _mann_kendall_p_value(s: float, series: npt.NDArray[np.float64]) -> float:
    m = series.size
    _, ties = np.unique(series, return_counts=True)
    variance = (m * (m - 1) * (2 * m + 5) - float(np.sum(ties * (ties - 1) * (2 * ties + 5)))) / 18.0
    if variance <= 0:  # every value equal
        return 1.0
    z = (s - math.copysign(1.0, s)) / math.sqrt(variance) if s != 0 else 0.0  # continuity correction
    return normal_two_sided_p(z)
