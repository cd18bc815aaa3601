"""The PostgreSQL enum types hold exactly the values of the Python enums the models map onto them.

Alembic's autogenerate (and `alembic check`) does not compare enum values, so a value added in Python
without its `ALTER TYPE ... ADD VALUE` migration would only fail when a row first carries it.
"""

from __future__ import annotations

from sqlalchemy import Enum, text

from analytics.db.engine import get_engine
from analytics.db.models import Base


def test_every_enum_type_has_the_values_of_its_python_enum(migrated: str) -> None:
    # Given every enum column of the models
    expected = {
        column.type.name: list(column.type.enums)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, Enum) and column.type.native_enum
    }

    # When the migrated database's enum types are read
    with get_engine().connect() as connection:
        labels = {
            name: connection.execute(text(f"SELECT enum_range(NULL::{name})::text[]")).scalar_one()
            for name in expected
        }

    # Then each holds exactly the Python enum's values, in its order
    assert labels == expected
    assert "external" in labels["service_name_enum"]
    assert "external" not in labels["data_sync_service_name_enum"]
    assert "custom" in labels["metric_type_enum"]
