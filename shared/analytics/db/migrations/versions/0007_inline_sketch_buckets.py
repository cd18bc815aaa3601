"""`sketch_bucket` and `sketch_bucket_value` without STRICT, so that PostgreSQL inlines them.

A SQL function declared STRICT is only inlined when its body is itself strict, and a CASE is not: every
row paid a function call, 1.9 µs, which made the bucket of each ingested metric cost more than the rest
of its rollup. Inlined, 200,000 buckets take 22 ms instead of 380 ms. A NULL argument still gives NULL
(every branch of the CASE yields NULL for it).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

from analytics.sketch import GAMMA, MIN_MAGNITUDE, OFFSET

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BUCKET_OF = f"""
  SELECT CASE
    WHEN abs(v) < {MIN_MAGNITUDE} THEN 0
    WHEN v > 0 THEN {OFFSET} + ceil(ln(v) / ln({GAMMA!r}))::integer
    ELSE -({OFFSET} + ceil(ln(-v) / ln({GAMMA!r}))::integer)
  END"""
VALUE_OF = f"""
  SELECT CASE
    WHEN bucket = 0 THEN 0
    ELSE sign(bucket) * 2 * power({GAMMA!r}, abs(bucket) - {OFFSET}) / ({GAMMA!r} + 1)
  END"""


def _define(strictness: str) -> None:
    op.execute(f"""
CREATE OR REPLACE FUNCTION sketch_bucket(v double precision) RETURNS integer
LANGUAGE sql IMMUTABLE {strictness} PARALLEL SAFE AS $${BUCKET_OF}
$$;
CREATE OR REPLACE FUNCTION sketch_bucket_value(bucket integer) RETURNS double precision
LANGUAGE sql IMMUTABLE {strictness} PARALLEL SAFE AS $${VALUE_OF}
$$;
""")


def upgrade() -> None:
    _define("CALLED ON NULL INPUT")


def downgrade() -> None:
    _define("STRICT")
