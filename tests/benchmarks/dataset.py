"""The query benchmarks' data set: metrics of 50 series over three years, generated once per row count into
its own data folder (`.local/bench-queries-10m`, `-30m`, ...) and kept for later runs.

Every size comes from the same generator: 30 million rows are three times the rows of 10 million, spread
the same way over the same series and days. The hourly and daily rollups are built as the ingest path
keeps them; everything else (quantiles, monthly and dimension rollups, and whatever the daily maintenance
comes to maintain) by the scheduler's daily retention task itself, run until it leaves nothing waiting.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import text

from analytics.db.engine import get_engine
from analytics.db.models import Base
from analytics.db.partitions import ensure_months
from analytics.db.rollup_sql import REBUILD_DAILY, REBUILD_HOURLY
from analytics.enums import MetricType, ServiceName
from analytics.insight_metrics import DONATION_RECEIVED
from analytics.services.scheduled_tasks import run_task
from tests.benchmarks.common import benchmark_database

METRICS = 50
YEARS = 3
DAYS = 365 * YEARS
CHUNK = 1_000_000
ONE_METRIC = "metric_7"
# Series 0 (partners CRM, donations) is named as the partner insights read donations: they are asked too.
DONATIONS = DONATION_RECEIVED.name
ZONES = ("UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata")  # the zones the questions are asked in
# Row g is metric g mod 50, of service and type g mod 5: metric k always comes from service k mod 5.
SERVICES = (
    ServiceName.PARTNERS_CRM,
    ServiceName.PROJECTS,
    ServiceName.SOCIAL_MEDIA,
    ServiceName.NOTIFICATION,
    ServiceName.CONTENT,
)
TYPES = (
    MetricType.DONATION,
    MetricType.BENEFICIARY,
    MetricType.ENGAGEMENT,
    MetricType.NOTIFICATION,
    MetricType.CONVERSION,
)
# The kept data set grows older than the raw rows' retention (three years) and the daily maintenance would
# drop its first months: a window back to 2000 keeps it whole, as the test suites' does.
KEPT_SINCE = dt.date(2000, 1, 1)


def _array(values: tuple[str, ...], sql_type: str) -> str:
    return f"ARRAY[{','.join(repr(str(value)) for value in values)}]::{sql_type}[]"


GENERATE = f"""
INSERT INTO metrics (id, service_name, metric_type, metric_name, metric_value, metric_unit, dimensions,
                     "timestamp", date, meta)
SELECT gen_random_uuid(), ({_array(SERVICES, "service_name_enum")})[mod(g, 5) + 1],
       ({_array(TYPES, "metric_type_enum")})[mod(g, 5) + 1],
       CASE WHEN mod(g, CAST(:metrics AS bigint)) = 0 THEN CAST(:donations AS text)
            ELSE 'metric_' || mod(g, CAST(:metrics AS bigint)) END,
       round((exp(3 + random() * 3))::numeric, 2), 'count',
       jsonb_build_object('country', (ARRAY['US','KE','GB','DE'])[mod(g, 4) + 1],
                          'channel', (ARRAY['email','sms','push'])[mod(g / 5, 3) + 1]), ts,
       (ts AT TIME ZONE 'UTC')::date, '{{}}'
FROM (
  SELECT g, CAST(:end AS timestamptz)
            - random() * (CAST(:end AS timestamptz) - CAST(:start AS timestamptz)) AS ts
  FROM generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) AS g
) AS source
"""


def service_of(metric_name: str) -> ServiceName:
    return SERVICES[int(metric_name.removeprefix("metric_")) % len(SERVICES)]


@dataclass(frozen=True)
class DataSet:
    rows: int
    start: dt.datetime  # the first day's UTC midnight
    end: dt.datetime  # the UTC midnight after the last day

    @property
    def last_day(self) -> dt.date:
        return (self.end - dt.timedelta(days=1)).date()


def size_label(rows: int) -> str:
    """10m for 10,000,000 rows, 200k for 200,000."""
    for unit, suffix in ((1_000_000, "m"), (1_000, "k")):
        if rows % unit == 0:
            return f"{rows // unit}{suffix}"
    return str(rows)


def data_dir(rows: int) -> Path:
    return Path(".local") / f"bench-queries-{size_label(rows)}"


@contextmanager
def data_set(rows: int) -> Iterator[DataSet]:
    """The data set of `rows` metrics in its own folder's database, loaded and maintained. Answers are never
    served from the answer cache meanwhile: every question is asked of the database."""
    os.environ["CACHE_ENABLED"] = "false"
    os.environ["ANALYTICS_RETENTION_DAYS"] = str((dt.date.today() - KEPT_SINCE).days)
    os.environ["ROLLUP_ZONES"] = ",".join(ZONES)
    folder = data_dir(rows)
    folder.mkdir(parents=True, exist_ok=True)
    with benchmark_database(folder):
        print(f"data: {rows:,} metrics of {METRICS} series over {YEARS} years in {folder}")
        loaded = stored(rows) or generate(rows)
        maintain()
        yield loaded


def stored(rows: int) -> DataSet | None:
    """The data set already loaded, if it holds `rows` metrics (its days read from the daily rollups)."""
    with get_engine().connect() as connection:
        if connection.execute(text("SELECT count(*) FROM metrics")).scalar_one() != rows:
            return None
        first, last = connection.execute(text("SELECT min(day), max(day) FROM metric_rollups_daily")).one()
    if first is None:  # a generation stopped before the rollups were built
        build_rollups()
        return stored(rows)
    print(f"reusing the {rows:,} metrics already loaded ({first} to {last})")
    return DataSet(rows, midnight(first), midnight(last + dt.timedelta(days=1)))


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC)


def generate(rows: int) -> DataSet:
    """`rows` metrics over the DAYS whole UTC days up to today, in place of whatever the database held."""
    end = midnight(dt.datetime.now(dt.UTC).date())
    start = end - dt.timedelta(days=DAYS)
    engine = get_engine()
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(t.name for t in Base.metadata.sorted_tables)}"))
        ensure_months(connection, "metrics", start.date(), end.date())
    began = time.perf_counter()
    for first in range(1, rows + 1, CHUNK):
        last = min(first + CHUNK - 1, rows)
        with engine.begin() as connection:
            params = {"first": first, "last": last, "metrics": METRICS, "donations": DONATIONS}
            params |= {"start": start, "end": end}
            connection.execute(text(GENERATE), params)
        print(f"  raw metrics {last:,}/{rows:,} ({time.perf_counter() - began:.0f}s)")
    build_rollups()
    print(f"loaded in {time.perf_counter() - began:.0f}s")
    return DataSet(rows, start, end)


def build_rollups() -> None:
    with get_engine().begin() as connection:
        print("  building the hourly and daily rollups as ingest keeps them...", flush=True)
        connection.execute(text(REBUILD_HOURLY))
        connection.execute(text(REBUILD_DAILY))


def maintain() -> None:
    """The scheduler's maintenance tasks (the daily retention, the hourly local days), each run again as long
    as it leaves work for its next run."""
    for task in ("retention", "local_days"):
        began = time.perf_counter()
        runs = 1
        report = run_task(task)
        while work_waiting(report):
            runs += 1
            report = run_task(task)
        print(
            f"{task}: {runs} run(s) in {time.perf_counter() - began:.0f}s, the last reporting "
            + report.model_dump_json(exclude_defaults=True),
            flush=True,
        )
    with get_engine().begin() as connection:
        connection.execute(text("ANALYZE"))


def work_waiting(report: BaseModel) -> bool:
    """Whether a maintenance report says work waits for the next run (its `waiting` flags)."""
    return any(value is True for name, value in report if name == "waiting" or name.endswith("_waiting"))
