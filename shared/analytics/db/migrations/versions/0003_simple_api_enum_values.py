"""Service name `external` and metric type `custom`, under which the simple API (spec/004) stores metrics.

`ADD VALUE IF NOT EXISTS` may run inside the migration's transaction (PostgreSQL 12 and newer), but a
value added there cannot be used before that transaction commits: a later migration that writes these
values must not run in the same upgrade as this one.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_VALUES = (("service_name_enum", "external"), ("metric_type_enum", "custom"))


def upgrade() -> None:
    for enum_type, value in NEW_VALUES:
        op.execute(f"ALTER TYPE {enum_type} ADD VALUE IF NOT EXISTS '{value}'")


def downgrade() -> None:
    # PostgreSQL cannot drop a value from an enum type. The labels stay; code at 0002 never writes them.
    pass
