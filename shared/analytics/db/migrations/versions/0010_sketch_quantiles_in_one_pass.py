"""`sketch_quantiles` reads a sketch's buckets once, in order, and stops at the last level it was asked.

The SQL version of migration 0002 computed running counts with window functions and then scanned them
once per level: 0.5 ms for a sketch of about a hundred buckets. Every answer that merges sketches (any
zone but UTC, hours, weeks, days not yet over) paid that per group: a daily answer over three years in
New York spent 540 ms of its 880 ms in it. In PL/pgSQL it takes 0.1 ms, with the same answers. The levels
must now be ascending (every caller asks for p50, p90, p95, p99), so the buckets are walked once.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SIGNATURE = "CREATE OR REPLACE FUNCTION sketch_quantiles(sketch jsonb, qs double precision[])"

# The value of the first bucket (in value order) whose running count exceeds q * (total - 1), per level q;
# null for an empty sketch.
ONE_PASS = f"""{SIGNATURE} RETURNS double precision[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  levels integer := coalesce(array_length(qs, 1), 0);
  answers double precision[] := array_fill(NULL::double precision, ARRAY[levels]);
  next_level integer := 1;
  total bigint;
  seen bigint := 0;
  entry record;
BEGIN
  FOR i IN 2 .. levels LOOP
    IF qs[i] < qs[i - 1] THEN
      RAISE EXCEPTION 'sketch_quantiles needs ascending levels, got %', qs;
    END IF;
  END LOOP;
  SELECT sum(value::bigint) INTO total FROM jsonb_each_text(sketch);
  FOR entry IN SELECT key::integer AS bucket, value::bigint AS n FROM jsonb_each_text(sketch) ORDER BY 1 LOOP
    seen := seen + entry.n;
    WHILE next_level <= levels AND seen > qs[next_level] * (total - 1) LOOP
      answers[next_level] := sketch_bucket_value(entry.bucket);
      next_level := next_level + 1;
    END LOOP;
    EXIT WHEN next_level > levels;
  END LOOP;
  RETURN answers;
END
$$"""

WINDOWED = f"""{SIGNATURE} RETURNS double precision[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  WITH cumulative AS (
    SELECT key::integer AS bucket,
           sum(value::bigint) OVER (ORDER BY key::integer) AS seen,
           sum(value::bigint) OVER () AS total
    FROM jsonb_each_text(sketch)
  )
  SELECT array_agg(
    (SELECT sketch_bucket_value(bucket) FROM cumulative WHERE seen > q * (total - 1) ORDER BY bucket LIMIT 1)
    ORDER BY n)
  FROM unnest(qs) WITH ORDINALITY AS wanted(q, n)
$$"""


def upgrade() -> None:
    op.execute(ONE_PASS)


def downgrade() -> None:
    op.execute(WINDOWED)
