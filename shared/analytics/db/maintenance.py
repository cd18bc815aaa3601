"""Retention and partition upkeep in PostgreSQL (run daily by the scheduler)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from analytics.db.engine import get_engine
from analytics.db.partitions import (
    PARTITIONED_TABLES,
    drop_months_before,
    ensure_month,
    ensure_months,
    month_start,
    months_ahead,
)
from analytics.db.rollup_sql import (
    BUILD_DIMENSIONS,
    BUILD_LOCAL_DAYS,
    CLEAR_STALE_DIMENSIONS,
    QUANTILES_OF_SKETCH,
    REFRESH_MONTHLY,
)
from analytics.db.unit_of_work import sqlstate
from analytics.errors import Unavailable
from analytics.schemas.maintenance import LocalDaysReport, RetentionReport
from analytics.statistics import BREAKDOWN_DIMENSIONS

# Series-days rolled up per transaction, and the time a run spends on them, well inside the scheduler's
# 5-minute timeout: the first run after a deploy may meet three years of raw rows (on the benchmark's
# machine, 48,750 series-days took 65 s), and whatever is left waits for the next day (read raw meanwhile).
DIMENSION_DAYS_PER_STATEMENT = 500
DIMENSION_SECONDS_PER_RUN = 180.0

# Series-days of local rollups built per transaction, and the time an hourly run spends on them (the first
# run after a zone is added meets three years of raw rows; what is left waits for the next run, read raw
# meanwhile).
LOCAL_DAYS_PER_STATEMENT = 2000
LOCAL_DAY_SECONDS_PER_RUN = 180.0

KEY_TABLES = {"metrics": ("metric_keys", "metric_timestamp"), "events": ("event_keys", "event_timestamp")}
PARTITION_LOCK_TIMEOUT = "5s"
LOCK_NOT_AVAILABLE = "55P03"


def _adopt_default_rows(connection: Connection, table: str, kept_from: dt.date) -> list[str]:
    """Gives the months that landed in the default partition their own partitions (rows of dropped months
    go)."""
    connection.execute(
        text(f'DELETE FROM {table}_default WHERE "timestamp" < :kept_from'), {"kept_from": kept_from}
    )
    stray_months = connection.execute(
        text(f"SELECT DISTINCT date_trunc('month', \"timestamp\", 'UTC')::date FROM {table}_default")
    ).scalars()
    return [
        f"{table}_p{month:%Y_%m}" for month in sorted(stray_months) if ensure_month(connection, table, month)
    ]


def apply_retention(
    today: dt.date, retention_days: int, sync_log_days: int, months_to_create: int
) -> RetentionReport:
    """Drops raw data older than the retention window, keeps rollups, prepares the coming months."""
    cutoff = today - dt.timedelta(days=retention_days)
    # Raw rows go a whole month at a time: the month holding the cutoff stays, with the idempotency keys of
    # its rows, until it is entirely older (the ingest paths refuse items older than the cutoff itself).
    kept_from = month_start(cutoff)
    sync_cutoff = today - dt.timedelta(days=sync_log_days)
    report = RetentionReport(cutoff=cutoff)
    engine = get_engine()
    try:
        for table in PARTITIONED_TABLES:
            steps = (
                (report.dropped, partial(drop_months_before, table=table, cutoff=cutoff)),
                (report.created, partial(_adopt_default_rows, table=table, kept_from=kept_from)),
                (
                    report.created,
                    partial(
                        ensure_months,
                        table=table,
                        first=month_start(today),
                        last=months_ahead(today, months_to_create),
                    ),
                ),
            )
            for names, step in steps:
                done = _change_partitions(engine, step)
                if done is None:
                    report.partitions_busy.append(table)
                    break
                names.extend(done)
        with engine.begin() as connection:
            for key_table, time_column in KEY_TABLES.values():
                deleted = connection.execute(
                    text(f"DELETE FROM {key_table} WHERE {time_column} < :kept_from"),
                    {"kept_from": kept_from},
                )
                report.keys_deleted += deleted.rowcount
            report.quantiles_stored = connection.execute(
                text(
                    f"UPDATE metric_rollups_daily SET quantiles = {QUANTILES_OF_SKETCH} "
                    "WHERE quantiles IS NULL AND day < :today"
                ),
                {"today": today},
            ).rowcount
            report.months_rolled_up = connection.execute(text(REFRESH_MONTHLY)).rowcount
            report.sync_logs_deleted = connection.execute(
                text("DELETE FROM data_syncs WHERE created_at < :cutoff"), {"cutoff": sync_cutoff}
            ).rowcount
            report.rejections_deleted = connection.execute(
                text("DELETE FROM ingest_rejections WHERE received_at < :cutoff"), {"cutoff": sync_cutoff}
            ).rowcount
        report.dimension_days_rolled_up, report.dimension_days_waiting = roll_up_dimensions(
            oldest=cutoff, seconds=DIMENSION_SECONDS_PER_RUN
        )
    except (OperationalError, InterfaceError) as exc:
        raise Unavailable("the database is unreachable; retention will run again") from exc
    return report


def _change_partitions(engine: Engine, change: Callable[[Connection], list[str]]) -> list[str] | None:
    """Runs one change of a table's partitions in a transaction of its own: creating or dropping a
    partition locks the whole table against every reader and writer until the transaction ends. It waits
    for running queries PARTITION_LOCK_TIMEOUT at most (all the while queueing the table's new queries
    behind it), then gives up until the next run: None."""
    try:
        with engine.begin() as connection:
            connection.execute(text(f"SET LOCAL lock_timeout = '{PARTITION_LOCK_TIMEOUT}'"))
            return change(connection)
    except DBAPIError as exc:
        if sqlstate(exc) == LOCK_NOT_AVAILABLE:
            return None
        raise


def roll_up_dimensions(oldest: dt.date, seconds: float) -> tuple[int, bool]:
    """Drops the dimension rollups of changed days and rolls those days up again from their raw rows,
    newest first, for up to `seconds`. Answers how many series-days it rolled up and whether any wait."""
    engine = get_engine()
    with engine.begin() as connection:
        connection.execute(text(CLEAR_STALE_DIMENSIONS))
    deadline = time.monotonic() + seconds
    done = 0
    while True:
        with engine.begin() as connection:
            series_days, rows = connection.execute(
                text(BUILD_DIMENSIONS),
                {"keys": list(BREAKDOWN_DIMENSIONS), "oldest": oldest, "limit": DIMENSION_DAYS_PER_STATEMENT},
            ).one()
        done += series_days
        finished = series_days < DIMENSION_DAYS_PER_STATEMENT or rows == 0
        if finished or time.monotonic() > deadline:
            return done, not finished


def roll_up_local_days(
    zones: frozenset[str], now: dt.datetime, oldest: dt.date, seconds: float = LOCAL_DAY_SECONDS_PER_RUN
) -> LocalDaysReport:
    """Builds the local daily rollups of each of `zones` whose day is over and that are missing or were
    built from daily rows changed since, newest first, for up to `seconds`; drops those of other zones."""
    report = LocalDaysReport(zones=sorted(zones))
    try:
        engine = get_engine()
        with engine.begin() as connection:
            connection.execute(
                text("DELETE FROM metric_rollups_local_daily WHERE zone <> ALL(CAST(:zones AS text[]))"),
                {"zones": report.zones},
            )
        deadline = time.monotonic() + seconds
        for zone in report.zones:
            today = now.astimezone(ZoneInfo(zone)).date()
            while True:
                with engine.begin() as connection:
                    built = connection.execute(
                        text(BUILD_LOCAL_DAYS),
                        {"tz": zone, "today": today, "oldest": oldest, "limit": LOCAL_DAYS_PER_STATEMENT},
                    ).scalar_one()
                report.series_days_rolled_up += built
                if built < LOCAL_DAYS_PER_STATEMENT:
                    break
                if time.monotonic() > deadline:
                    report.waiting = True
                    return report
    except (OperationalError, InterfaceError) as exc:
        raise Unavailable("the database is unreachable; the local days will be rolled up next time") from exc
    return report
