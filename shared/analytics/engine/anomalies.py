"""Anomaly scores of a series, strictly causal: the score of point t uses points 0..t only, so scoring a
longer series never changes the scores of its first points, and the detector works on a live stream.

Two detectors, each turned into a tail probability against its own recent history, then combined:
- value surprise: how extreme x[t] is against the trailing `history` values, on either side;
- shape novelty: the distance from the last `shape_length` values to the nearest earlier stretch of the
  same length (no overlap) in that history, against the recent history of such distances, upper side
  only: it catches stretches unlike any before them even when every value is within the usual range.
A tail probability is empirical inside the bulk of the history and, beyond its top TAIL_FRACTION, follows
an exponential tail fitted to the exceedances (peaks over threshold), so a value far beyond anything
seen gets a probability far below 1 / history instead of stopping there. Both are scale-free: no unit,
level or spread of the series is assumed.

The score is -log10 of the smaller tail probability over SCORE_DECADES, clipped to [0, 1]: 0.5 is a one
in a thousand event, the default flag at 0.55 about one in two thousand, 1 one in a million or rarer.
After a flag, the next `cooldown` points are not flagged again and their scores are held below the flag
level (one incident, one alert).
Each point is compared with the points before it only; the first `min_history` points score 0 because
there is nothing yet to compare them with.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from analytics.engine.array_checks import FloatArray, as_series

SCORE_DECADES = 6.0
TAIL_FRACTION = 0.05
MIN_TAIL_POINTS = 5
HELD_BELOW = 0.9  # a score inside a cooldown is at most this fraction of the threshold
_SHAPE_BLOCK = 128
_SMALLEST_PROBABILITY = 1e-300
_LOWEST_EXPONENT = -690.0  # exp of it is about 1e-300

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Anomalies:
    scores: FloatArray  # one per point, in [0, 1]
    flags: BoolArray  # one per point: the score reached the threshold outside a cooldown
    parameters: dict[str, float]


def detect_anomalies(
    values: npt.ArrayLike,
    *,
    timestamps: npt.ArrayLike | None = None,
    threshold: float = 0.55,
    cooldown: int = 50,
    history: int = 3000,
    shape_length: int = 8,
    min_history: int = 20,
) -> Anomalies:
    """Scores, flags and the parameters used, one score and flag per value. `timestamps`, when given, are
    checked to be in time order: the scores are causal in the order of the values."""
    series = as_series(values, name="values", minimum=1)
    if timestamps is not None:
        _check_time_order(np.asarray(timestamps), series.size)
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    if cooldown < 0:
        raise ValueError(f"cooldown must be 0 or more points, got {cooldown}")
    if min_history < 2 * MIN_TAIL_POINTS:
        raise ValueError(f"min_history must be at least {2 * MIN_TAIL_POINTS} points, got {min_history}")
    if history < min_history:
        raise ValueError(f"history ({history}) must be at least min_history ({min_history})")
    if shape_length < 2:
        raise ValueError(f"shape_length must be at least 2 points, got {shape_length}")

    reference = {"history": history, "min_history": min_history}
    surprise = np.maximum(
        _surprise(series, first=0, two_sided=True, recent_half=False, **reference),
        _surprise(
            _shape_distances(series, shape_length, history),
            first=2 * shape_length - 1,
            two_sided=False,
            recent_half=True,
            **reference,
        ),
    )
    scores = np.clip(surprise / SCORE_DECADES, 0.0, 1.0)
    scores, flags = _with_cooldown(scores, threshold, cooldown)
    return Anomalies(
        scores=scores,
        flags=flags,
        parameters={
            "threshold": threshold,
            "cooldown": cooldown,
            "history": history,
            "shape_length": shape_length,
            "min_history": min_history,
            "tail_fraction": TAIL_FRACTION,
            "score_decades": SCORE_DECADES,
        },
    )


def _check_time_order(timestamps: npt.NDArray[Any], size: int) -> None:
    if timestamps.shape != (size,):
        raise ValueError(f"timestamps must hold one time per value ({size}), got shape {timestamps.shape}")
    backwards = np.flatnonzero(timestamps[1:] < timestamps[:-1])
    if backwards.size:
        raise ValueError(f"timestamps must be in time order; index {int(backwards[0]) + 1} goes back in time")


def _surprise(
    statistic: FloatArray, *, history: int, min_history: int, first: int, two_sided: bool, recent_half: bool
) -> FloatArray:
    """-log10 of the tail probability of statistic[t] against statistic[max(first, t - history):t]; 0 while
    that reference holds fewer than `min_history` points. With `recent_half`, only the later half of the
    points seen so far is the reference: for a statistic that is biased early (a distance to the nearest
    of few candidates is larger than to the nearest of many), so the bias fades out instead of lasting
    `history` points."""
    surprise = np.zeros(statistic.size)
    for t in range(first + min_history, statistic.size):
        oldest = max(first, t - history, t // 2 if recent_half else 0)
        if t - oldest >= min_history:
            surprise[t] = _tail_surprise(statistic[oldest:t], float(statistic[t]), two_sided=two_sided)
    return surprise


def _tail_surprise(past: FloatArray, current: float, *, two_sided: bool) -> float:
    """-log10 P(X >= current) (and of P(X <= current) if two-sided, the larger) for X drawn like `past`:
    empirical with one pseudo-count, and beyond the top (bottom) TAIL_FRACTION of `past` an exponential
    tail fitted to the excesses over that level, whichever is smaller."""
    m = past.size
    k = min(max(int(TAIL_FRACTION * m), MIN_TAIL_POINTS), m - 1)
    ordered = np.partition(past, (k, m - k - 1) if two_sided else m - k - 1)
    surprise = _one_tail(past, current, ordered[m - k - 1], ordered[m - k :], k)
    if two_sided:
        surprise = max(surprise, _one_tail(-past, -current, -ordered[k], -ordered[:k], k))
    return surprise


def _one_tail(past: FloatArray, current: float, level: float, top: FloatArray, k: int) -> float:
    m = past.size
    probability = float(np.count_nonzero(past >= current) + 1) / (m + 1.0)
    if current > level:
        # A tail that never varies (a flat or stepped history) makes any excess extremely unlikely.
        mean_excess = max(float(np.mean(top)) - level, 1e-9 * max(1.0, abs(level)))
        # The exponential tail's predictive probability given only k excesses (its rate's uncertainty
        # integrated out): (1 + x / S)^-k, S their sum, which nears exp(-x / mean excess) as k grows.
        tail_exponent = max(-k * math.log1p((current - level) / (k * mean_excess)), _LOWEST_EXPONENT)
        beyond = (k + 1.0) / (m + 1.0) * math.exp(tail_exponent)
        probability = min(probability, beyond)
    return -math.log10(max(probability, _SMALLEST_PROBABILITY))


def _shape_distances(series: FloatArray, length: int, history: int) -> FloatArray:
    """At each t, the Euclidean distance from series[t-length+1 : t+1] to the nearest stretch of the same
    length ending at least `length` points earlier and starting within `history` points; 0 until the
    first comparison (t = 2 * length - 1). Pair by pair, so a distance never depends on later points."""
    distances = np.zeros(series.size)
    if series.size < 2 * length:
        return distances
    starts = series.size - length + 1  # stretch i is series[i : i + length], ending at i + length - 1
    for begin in range(length, starts, _SHAPE_BLOCK):
        queries = np.arange(begin, min(begin + _SHAPE_BLOCK, starts))
        low, high = max(0, begin - history), int(queries[-1]) - length + 1
        squared = np.zeros((queries.size, high - low))
        for lag in range(length):  # the same operations for every pair, whatever the block
            difference = series[queries + lag][:, None] - series[low + lag : high + lag][None, :]
            squared += difference * difference
        candidates = np.arange(low, high)[None, :]
        allowed = (candidates <= queries[:, None] - length) & (candidates >= queries[:, None] - history)
        distances[queries + length - 1] = np.sqrt(np.min(np.where(allowed, squared, np.inf), axis=1))
    return distances


def _with_cooldown(scores: FloatArray, threshold: float, cooldown: int) -> tuple[FloatArray, BoolArray]:
    held = scores.copy()
    flags = np.zeros(scores.size, dtype=np.bool_)
    last = -cooldown - 1
    for t in np.flatnonzero(scores >= threshold):
        if t - last <= cooldown:
            held[t] = min(held[t], HELD_BELOW * threshold)
        else:
            flags[t] = True
            last = int(t)
    return held, flags
