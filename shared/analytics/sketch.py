"""A DDSketch-style quantile sketch: counts in logarithmic buckets, mergeable by adding counts.

Any quantile read from it is within RELATIVE_ACCURACY (1 %) of the true value of the same rank.
Buckets are stored as `{bucket: count}` maps in the rollup tables. PostgreSQL buckets, merges and
reads sketches itself (the SQL functions of migrations 0002, 0007 and 0010); this module is their
definition, and a test holds the two to the same answers.

A bucket number encodes sign and magnitude so that bucket order is value order:
0 holds zero (|v| < MIN_MAGNITUDE), OFFSET + k a positive value with k = ceil(log_gamma(v)),
-(OFFSET + k) a negative one.
"""

from __future__ import annotations

import math

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
