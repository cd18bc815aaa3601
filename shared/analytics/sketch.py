"""A DDSketch-style quantile sketch: counts in logarithmic buckets, mergeable by adding counts.

A quantile is read as PostgreSQL's percentile_cont and numpy's default read it from the values
themselves, interpolating between the values at the two ranks around q * (n - 1) (see `quantiles`).
The sketch reads each of those two values within RELATIVE_ACCURACY (1 %), so a quantile is within
1 % of the interpolated value whenever the two values have the same sign.
Buckets are stored as `{bucket: count}` maps in the rollup tables. PostgreSQL buckets, merges and
reads sketches itself (the SQL functions of migrations 0002, 0007 and 0012); this module is their
definition, and a test holds the two to the same answers.

A bucket number encodes sign and magnitude so that bucket order is value order:
0 holds zero (|v| < MIN_MAGNITUDE), OFFSET + k a positive value with k = ceil(log_gamma(v)),
-(OFFSET + k) a negative one.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Mapping, Sequence

RELATIVE_ACCURACY = 0.01
GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY)
LOG_GAMMA = math.log(GAMMA)
MIN_MAGNITUDE = 1e-9
OFFSET = 2000  # keeps OFFSET + k positive for every |v| >= MIN_MAGNITUDE (k >= -1037)


def bucket_of(value: float) -> int:
    magnitude = abs(value)
    if magnitude < MIN_MAGNITUDE:
        return 0
    index = OFFSET + math.ceil(math.log(magnitude) / LOG_GAMMA)
    return index if value > 0 else -index


def value_of(bucket: int) -> float:
    """The representative value of a bucket: within RELATIVE_ACCURACY of every value in it."""
    if bucket == 0:
        return 0.0
    k = abs(bucket) - OFFSET
    magnitude = 2 * GAMMA**k / (GAMMA + 1)
    return magnitude if bucket > 0 else -magnitude


def quantiles(counts: Mapping[int, int], levels: Sequence[float]) -> list[float | None]:
    """The quantiles at `levels` (each within [0, 1]) of a sketch's `{bucket: count}`; None for an empty
    sketch. For level q over n values, rank r = q * (n - 1) lies between the ranks floor(r) and ceil(r),
    whose values are read as the value of the bucket holding that rank (ranks count from 0 in value
    order), and the answer is interpolated linearly between them: low + (r - floor(r)) * (high - low)."""
    if any(not 0 <= q <= 1 for q in levels):
        raise ValueError(f"quantile levels must be within [0, 1], got {list(levels)}")
    buckets = sorted(counts)
    ends = list(
        itertools.accumulate(counts[bucket] for bucket in buckets)
    )  # one past each bucket's last rank
    total = ends[-1] if ends else 0
    if total == 0:
        return [None] * len(levels)

    def value_at(rank: int) -> float:
        return value_of(buckets[bisect.bisect_right(ends, rank)])

    answers: list[float | None] = []
    for q in levels:
        rank = q * (total - 1)
        low, high = value_at(math.floor(rank)), value_at(math.ceil(rank))
        answers.append(low + (rank - math.floor(rank)) * (high - low))
    return answers
