"""SQL fragments over the rollup tables, shared by the stores and the queries."""

QUANTILE_LEVELS = (0.5, 0.9, 0.95, 0.99)


def quantiles_of(sketch_column: str) -> str:
    """p50, p90, p95 and p99 of a sketch column, as a double precision[]."""
    levels = ",".join(str(q) for q in QUANTILE_LEVELS)
    return f"sketch_quantiles({sketch_column}, '{{{levels}}}'::double precision[])"


QUANTILES_OF_SKETCH = quantiles_of("sketch")
# A daily row's quantiles: stored once the day is over, computed from the sketch until then.
DAILY_QUANTILES = f"coalesce(quantiles, {QUANTILES_OF_SKETCH})"
