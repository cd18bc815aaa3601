"""`merged_moments` replaces `merged_m2`: the same `float8_combine` merge of (count, sum, m2) states,
without a final function. Callers read the m2 as `(merged_moments(...))[3]`.

`merged_m2`'s final function was SQL, which PostgreSQL runs through its SQL-function executor once per
group (it never inlines an aggregate's final function): over a three-year daily answer of one metric
(1,095 groups) that was about 1.5 ms of a 10 ms statement. Subscripting the state is an expression.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MERGED_MOMENTS = """CREATE AGGREGATE merged_moments(double precision[]) (
  SFUNC = float8_combine, STYPE = double precision[], INITCOND = '{0,0,0}',
  COMBINEFUNC = float8_combine, PARALLEL = SAFE
)"""

# As migration 0014 created them.
M2_OF_STATE = """CREATE FUNCTION m2_of_state(state double precision[]) RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT state[3]'"""
MERGED_M2 = """CREATE AGGREGATE merged_m2(double precision[]) (
  SFUNC = float8_combine, STYPE = double precision[], INITCOND = '{0,0,0}',
  COMBINEFUNC = float8_combine, FINALFUNC = m2_of_state, PARALLEL = SAFE
)"""


def upgrade() -> None:
    op.execute(MERGED_MOMENTS)
    op.execute("DROP AGGREGATE merged_m2(double precision[])")
    op.execute("DROP FUNCTION m2_of_state(double precision[])")


def downgrade() -> None:
    op.execute(M2_OF_STATE)
    op.execute(MERGED_M2)
    op.execute("DROP AGGREGATE merged_moments(double precision[])")
