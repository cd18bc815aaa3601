"""Monthly range partitions of the raw tables (metrics, events), created ahead and dropped by age.

Each partitioned table has a DEFAULT partition, so an item whose month has no partition yet still
lands; creating that month's partition later moves such rows out of the default partition first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy import Connection, text

PARTITIONED_TABLES = ("metrics", "events")
PARTITION_MONTHS_AHEAD = 3


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def months_ahead(day: dt.date, count: int) -> dt.date:
    month = month_start(day)
    for _ in range(count):
        month = next_month(month)
    return month


def months(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    month = month_start(first)
    while month <= last:
        yield month
        month = next_month(month)


def partition_name(table: str, month: dt.date) -> str:
    return f"{table}_p{month:%Y_%m}"


def _bounds(month: dt.date) -> tuple[str, str]:
    return f"{month:%Y-%m-%d} 00:00:00+00", f"{next_month(month):%Y-%m-%d} 00:00:00+00"


def existing_partitions(connection: Connection, table: str) -> set[str]:
    rows = connection.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = :table"
        ),
        {"table": table},
    )
    return {name for (name,) in rows}


def create_default_partition(connection: Connection, table: str) -> None:
    connection.execute(text(f"CREATE TABLE IF NOT EXISTS {table}_default PARTITION OF {table} DEFAULT"))


def ensure_month(connection: Connection, table: str, month: dt.date) -> bool:
    """Creates the month's partition unless it exists; returns whether it was created."""
    name = partition_name(table, month)
    if name in existing_partitions(connection, table):
        return False
    low, high = _bounds(month)
    in_default = f'FROM {table}_default WHERE "timestamp" >= :low AND "timestamp" < :high'
    stray = connection.execute(text(f"SELECT 1 {in_default} LIMIT 1"), {"low": low, "high": high}).first()
    if stray is None:
        connection.execute(
            text(f"CREATE TABLE {name} PARTITION OF {table} FOR VALUES FROM ('{low}') TO ('{high}')")
        )
        return True
    # Rows that arrived before their month's partition existed: move them into it, then attach it.
    connection.execute(text(f"CREATE TABLE {name} (LIKE {table} INCLUDING DEFAULTS)"))
    connection.execute(
        text(f"WITH moved AS (DELETE {in_default} RETURNING *) INSERT INTO {name} SELECT * FROM moved"),
        {"low": low, "high": high},
    )
    connection.execute(
        text(f"ALTER TABLE {table} ATTACH PARTITION {name} FOR VALUES FROM ('{low}') TO ('{high}')")
    )
    return True


def ensure_months(connection: Connection, table: str, first: dt.date, last: dt.date) -> list[str]:
    return [partition_name(table, m) for m in months(first, last) if ensure_month(connection, table, m)]


def drop_months_before(connection: Connection, table: str, cutoff: dt.date) -> list[str]:
    """Drops the partitions whose whole month ends on or before `cutoff`."""
    dropped = []
    for name in sorted(existing_partitions(connection, table)):
        if name.endswith("_default"):
            continue
        year, month = (int(part) for part in name.removeprefix(f"{table}_p").split("_"))
        if next_month(dt.date(year, month, 1)) <= cutoff:
            connection.execute(text(f"DROP TABLE {name}"))
            dropped.append(name)
    return dropped
