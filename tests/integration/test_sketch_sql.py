"""The SQL sketch functions give the answers of their Python definition (analytics.sketch)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sqlalchemy import text

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
