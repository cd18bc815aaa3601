"""Job runs: one row per run of a scheduled job (start, end, status, error), for its history and
statistics. A job's counters on `scheduled_jobs` stay the quick answer; the runs say what happened.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE TYPE job_run_trigger_enum AS ENUM ('schedule', 'manual')")
    op.execute("""
        CREATE TABLE job_runs (
          id uuid NOT NULL DEFAULT gen_random_uuid(),
          job_id uuid NOT NULL,
          trigger job_run_trigger_enum NOT NULL,
          status job_status_enum NOT NULL DEFAULT 'pending',
          config jsonb NOT NULL DEFAULT '{}'::jsonb,
          started_at timestamptz,
          finished_at timestamptz,
          error text,
          result jsonb,
          created_at timestamptz NOT NULL DEFAULT now(),
          CONSTRAINT pk_job_runs PRIMARY KEY (id),
          CONSTRAINT fk_job_runs_job_id_scheduled_jobs FOREIGN KEY (job_id)
            REFERENCES scheduled_jobs (id) ON DELETE CASCADE
        )
    """)
    op.execute("CREATE INDEX ix_job_runs_job_id_created_at ON job_runs (job_id, created_at)")


def downgrade() -> None:
    op.execute("DROP TABLE job_runs")
    op.execute("DROP TYPE job_run_trigger_enum")
