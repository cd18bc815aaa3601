"""Alembic environment: runs against the connection it is handed, else the service's engine."""

import re

from alembic import context

from analytics.db.models import Base

config = context.config
target_metadata = Base.metadata
PARTITION = re.compile(r"^(metrics|events)_(p\d{4}_\d{2}|default)$")


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Monthly partitions are made at run time (analytics.db.partitions), not by the models."""
    return not (type_ == "table" and name is not None and PARTITION.match(name))


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, include_name=include_name)
        with context.begin_transaction():
            context.run_migrations()
        return

    from analytics.db.engine import get_engine

    with get_engine().connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, include_name=include_name)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
