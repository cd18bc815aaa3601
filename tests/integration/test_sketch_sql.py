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
        exact = float(np.percentile(everything, q))  # interpolated, as percentile_cont does
        assert estimate == pytest.approx(exact, rel=sketch.RELATIVE_ACCURACY)


def test_ten_values_with_one_far_above_interpolate_towards_it() -> None:
    values = [1, 1, 1, 2, 2, 2, 3, 3, 3, 1000]

    answer = sql("sketch_quantiles(CAST(:s AS jsonb), '{0.5,0.9,0.95,0.99}')", s=as_sketch(np.array(values)))

    # The value of rank floor(q * 9) alone would be 2, 3, 3, 3 (within 1 %).
    exact = np.percentile(values, [50, 90, 95, 99])  # 2, 102.7, 551.35, 910.27
    assert answer == pytest.approx(list(exact), rel=sketch.RELATIVE_ACCURACY)


def test_the_definition_is_numpys_percentile_of_the_bucket_values() -> None:
    rng = np.random.default_rng(7)
    values = np.concatenate([rng.lognormal(1, 2, 300), -rng.lognormal(0, 1, 100), np.zeros(20)])
    levels = [0.0, 0.01, 0.5, 0.9, 0.95, 0.99, 1.0]

    buckets, counts = np.unique([sketch.bucket_of(v) for v in values], return_counts=True)
    answer = sketch.quantiles({int(b): int(n) for b, n in zip(buckets, counts, strict=True)}, levels)

    bucket_values = [sketch.value_of(sketch.bucket_of(v)) for v in values]
    assert answer == pytest.approx(list(np.quantile(bucket_values, levels)), rel=1e-12)


def test_quantiles_follow_their_definition_on_many_sketches() -> None:
    rng = np.random.default_rng(5)
    # Levels close together share ranks or neighbouring ranks, whose buckets are walked once.
    levels = [0.0, 0.25, 0.5, 0.5, 0.51, 0.6, 0.9, 0.95, 0.99, 0.999, 1.0]
    for size in (1, 2, 3, 4, 7, 10, 200, 5000):
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
        assert answer == pytest.approx(sketch.quantiles(stored, levels), rel=1e-12)


def test_buckets_left_empty_hold_no_rank() -> None:
    stored = {1990: 2, 1995: 0, 2000: 1, 2005: 0, 2010: 3}
    levels = [0.0, 0.25, 0.3, 0.5, 0.55, 1.0]  # 0.3 and 0.55 start in the bucket before an empty one

    answer = sql(
        "sketch_quantiles(CAST(:s AS jsonb), CAST(:q AS double precision[]))", s=json.dumps(stored), q=levels
    )

    assert answer == pytest.approx(sketch.quantiles(stored, levels), rel=1e-12)
    assert sketch.quantiles(stored, levels) == sketch.quantiles({1990: 2, 2000: 1, 2010: 3}, levels)


def test_an_empty_sketch_has_no_quantiles() -> None:
    assert sql("sketch_quantiles('{}', '{0.5,0.99}')") == [None, None]
    assert sketch.quantiles({}, [0.5, 0.99]) == [None, None]


@pytest.mark.parametrize("levels", [[0.9, 0.5], [-0.1, 0.5], [0.5, 1.5]])
def test_levels_out_of_order_or_outside_zero_to_one_are_refused(levels: list[float]) -> None:
    with pytest.raises(DBAPIError, match="ascending levels within"):
        sql("sketch_quantiles('{\"2001\": 3}', CAST(:q AS double precision[]))", q=levels)


def test_the_definition_refuses_levels_outside_zero_to_one() -> None:
    with pytest.raises(ValueError, match="within"):
        sketch.quantiles({2001: 3}, [0.5, 1.5])


def test_the_one_level_function_reads_as_the_many_level_one() -> None:
    stored = as_sketch(np.array([1, 1, 1, 2, 2, 2, 3, 3, 3, 1000]))
    one_level = sql("sketch_quantile(CAST(:s AS jsonb), 0.9)", s=stored)
    assert one_level == sql("(sketch_quantiles(CAST(:s AS jsonb), '{0.9}'))[1]", s=stored)
    assert one_level == pytest.approx(102.7, rel=sketch.RELATIVE_ACCURACY)
