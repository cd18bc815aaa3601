"""Sync statuses `cancelled` (stopped on request, between two pages) and `timed_out` (its time budget,
SYNC_TIMEOUT_SECONDS, was spent before the last page): both keep what was stored before they ended.

As in 0003, a value added here cannot be used before this migration's transaction commits.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_VALUES = ("cancelled", "timed_out")


def upgrade() -> None:
    for value in NEW_VALUES:
        op.execute(f"ALTER TYPE sync_status_enum ADD VALUE IF NOT EXISTS '{value}'")


def downgrade() -> None:
    # PostgreSQL cannot drop a value from an enum type. The labels stay; code at 0005 never writes them.
    pass
