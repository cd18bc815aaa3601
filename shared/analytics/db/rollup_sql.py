"""SQL fragments over the rollup tables, shared by the stores and the queries."""

QUANTILE_LEVELS = (0.5, 0.9, 0.95, 0.99)
QUANTILES_OF_SKETCH = "sketch_quantiles(sketch, '{0.5,0.9,0.95,0.99}'::double precision[])"
# A daily row's quantiles: stored once the day is over, computed from the sketch until then.
DAILY_QUANTILES = f"coalesce(quantiles, {QUANTILES_OF_SKETCH})"
