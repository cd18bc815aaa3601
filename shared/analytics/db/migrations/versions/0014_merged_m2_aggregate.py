"""`merged_m2`: the m2 of rollup rows added up, merged in C by PostgreSQL's own `float8_combine`.

Rows added up (a group's rollup rows in an answer, a month's days) have the sum of their m2 and of
count * (row mean - common mean)^2 (Chan et al.). A window over each group gave every row its common
mean: a New York answer merging 26,000 hourly rows took a quarter longer. `float8_combine` is the step
stddev_pop itself merges its (count, sum, m2) states with, so an aggregate over ARRAY[count, sum, m2]
does the same in one pass, without the window.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

M2_OF_STATE = """CREATE FUNCTION m2_of_state(state double precision[]) RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT state[3]'"""

MERGED_M2 = """CREATE AGGREGATE merged_m2(double precision[]) (
  SFUNC = float8_combine, STYPE = double precision[], INITCOND = '{0,0,0}',
  COMBINEFUNC = float8_combine, FINALFUNC = m2_of_state, PARALLEL = SAFE
)"""


def upgrade() -> None:
    op.execute(M2_OF_STATE)
    op.execute(MERGED_M2)


def downgrade() -> None:
    op.execute("DROP AGGREGATE merged_m2(double precision[])")
    op.execute("DROP FUNCTION m2_of_state(double precision[])")
