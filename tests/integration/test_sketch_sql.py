"""The SQL sketch functions give the answers of their Python definition (analytics.sketch)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from analytics import sketch
from analytics.db.engine import get_engine

VALUES = [0.0, 1e-12, 1e-9, 0.004, 1.0, 7.3, 99.99, 1234.5, 1e100, -0.5, -42.0, -1e30]


def sql(expression: str, **params: object) -> object:
    with get_engine().connect() as connection:
        return connection.execute(text(f"SELECT {expression}"), params).scalar_one()


@pytest.mark.parametrize("value", VALUES)
def test_bucket_and_value_agree_with_python(value: float) -> None:
    bucket = sketch.bucket_of(value)
    assert sql("sketch_bucket(CAST(:v AS double precision))", v=value) == bucket
    assert sql("sketch_bucket_value(:b)", b=bucket) == pytest.approx(sketch.value_of(bucket), rel=1e-9)


@pytest.mark.parametrize("value", [v for v in VALUES if abs(v) >= sketch.MIN_MAGNITUDE])
def test_bucket_value_is_within_the_relative_accuracy(value: float) -> None:
    assert sketch.value_of(sketch.bucket_of(value)) == pytest.approx(value, rel=sketch.RELATIVE_ACCURACY)


def as_sketch(values: np.ndarray) -> str:
    buckets, counts = np.unique([sketch.bucket_of(v) for v in values], return_counts=True)
    return json.dumps({str(b): int(n) for b, n in zip(buckets, counts, strict=True)})


def test_merged_sketch_quantiles_match_numpy_within_the_error() -> None:
    rng = np.random.default_rng(11)
    first, second = rng.lognormal(2, 1.5, 3000), -rng.lognormal(1, 1, 500)
    merged = sql(
        "sketch_quantiles(sketch_merge(CAST(:a AS jsonb), CAST(:b AS jsonb)), '{0.05,0.5,0.95}')",
        a=as_sketch(first),
        b=as_sketch(second),
    )
    everything = np.concatenate([first, second])
    for estimate, q in zip(merged, (5, 50, 95), strict=True):  # type: ignore[call-overload]
        exact = float(np.percentile(everything, q, method="lower"))
        assert estimate == pytest.approx(exact, rel=sketch.RELATIVE_ACCURACY)


def read_quantiles(counts: dict[int, int], levels: list[float]) -> list[float | None]:
    """The definition: the value of the first bucket, in value order, whose running count exceeds
    q * (total - 1)."""
    total, seen, answers = sum(counts.values()), 0, {}
    for bucket in sorted(counts):
        seen += counts[bucket]
        for q in levels:
            if q not in answers and seen > q * (total - 1):
                answers[q] = sketch.value_of(bucket)
    return [answers.get(q) for q in levels]


def test_quantiles_follow_their_definition_on_many_sketches() -> None:
    rng = np.random.default_rng(5)
    levels = [0.0, 0.25, 0.5, 0.9, 0.95, 0.99, 1.0]
    for size in (1, 2, 3, 10, 200, 5000):
        values = np.concatenate(
            [rng.lognormal(1, 2, size), -rng.lognormal(0, 1, size // 3), np.zeros(size // 5)]
        )
        buckets, counts = np.unique([sketch.bucket_of(v) for v in values], return_counts=True)
        stored = {int(b): int(n) for b, n in zip(buckets, counts, strict=True)}
        answer = sql(
            "sketch_quantiles(CAST(:s AS jsonb), CAST(:q AS double precision[]))",
            s=json.dumps(stored),
            q=levels,
        )
        assert answer == pytest.approx(read_quantiles(stored, levels), rel=1e-12)


def test_an_empty_sketch_has_no_quantiles() -> None:
    assert sql("sketch_quantiles('{}', '{0.5,0.99}')") == [None, None]


def test_levels_out_of_order_are_refused() -> None:
    with pytest.raises(DBAPIError, match="ascending levels"):
        sql("sketch_quantiles('{\"2001\": 3}', '{0.9,0.5}')")
