"""Answers benchmark: the metrics handler in-process over 10 million metrics (three years), beside the
same answer computed by a plain SQL query over the raw table in the same run.

    python -m tests.benchmarks.answers [--rows 10000000] [--runs 20]

Uses the data set of tests.benchmarks.dataset (generated once into its own folder per row count).
Answers are not cached during the run. Target: every handler answer under 100 ms p50.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy import text

from analytics.db.engine import get_engine
from tests.benchmarks.common import median, percentile, timed
from tests.benchmarks.dataset import ONE_METRIC, YEARS, data_set

EVENTS = Path(__file__).resolve().parents[2] / "events"


class Context:
    function_name = "analytics-benchmark"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:analytics-benchmark"
    aws_request_id = "benchmark"

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


def request(path: str, query: dict[str, str]) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / "metrics_statistics.json").read_text())
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["queryStringParameters"] = query
    event["rawQueryString"] = "&".join(f"{key}={value}" for key, value in query.items())
    return event


def questions(end: dt.datetime) -> list[tuple[str, dict[str, Any], str, dict[str, Any]]]:
    """(label, handler request, raw SQL, its parameters)."""
    three_years, year, month = (end - dt.timedelta(days=days) for days in (365 * YEARS, 365, 30))
    day = "%Y-%m-%d"
    series = "/api/v1/metrics/time-series/data"
    return [
        (
            f"daily series of one metric over {YEARS} years",
            request(
                series,
                {
                    "metric_name": ONE_METRIC,
                    "start_date": three_years.strftime(day),
                    "end_date": (end - dt.timedelta(days=1)).strftime(day),
                    "interval": "day",
                },
            ),
            """SELECT date_trunc('day', "timestamp" AT TIME ZONE 'UTC'), sum(metric_value) FROM metrics
               WHERE metric_name = :metric AND "timestamp" >= :start AND "timestamp" < :end GROUP BY 1""",
            {"metric": ONE_METRIC, "start": three_years, "end": end},
        ),
        (
            "hourly series of one metric over 30 days",
            request(
                series,
                {
                    "metric_name": ONE_METRIC,
                    "start_date": month.strftime(day),
                    "end_date": (end - dt.timedelta(days=1)).strftime(day),
                    "interval": "hour",
                },
            ),
            """SELECT date_trunc('hour', "timestamp" AT TIME ZONE 'UTC'), sum(metric_value) FROM metrics
               WHERE metric_name = :metric AND "timestamp" >= :start AND "timestamp" < :end GROUP BY 1""",
            {"metric": ONE_METRIC, "start": month, "end": end},
        ),
        (
            "statistics grouped by service over a year",
            request(
                "/api/v1/metrics/statistics",
                {
                    "start_date": year.strftime(day),
                    "end_date": (end - dt.timedelta(days=1)).strftime(day),
                    "group_by": "service_name",
                },
            ),
            """SELECT service_name, count(*), sum(metric_value), avg(metric_value), min(metric_value),
                      max(metric_value), stddev_pop(metric_value),
                      percentile_cont('{0.5,0.9,0.95,0.99}'::double precision[])
                        WITHIN GROUP (ORDER BY metric_value)
               FROM metrics WHERE "timestamp" >= :start AND "timestamp" < :end GROUP BY 1""",
            {"start": year, "end": end},
        ),
        (
            "p95 of one metric over a year",
            request(
                "/api/v1/metrics/statistics",
                {
                    "metric_name": ONE_METRIC,
                    "start_date": year.strftime(day),
                    "end_date": (end - dt.timedelta(days=1)).strftime(day),
                },
            ),
            """SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY metric_value) FROM metrics
               WHERE metric_name = :metric AND "timestamp" >= :start AND "timestamp" < :end""",
            {"metric": ONE_METRIC, "start": year, "end": end},
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--raw-runs", type=int, default=3)
    args = parser.parse_args()
    with data_set(args.rows) as data:
        from functions.metrics.handler import lambda_handler

        for label, event, raw_sql, params in questions(data.end):
            response = lambda_handler(event, Context())
            assert response["statusCode"] == 200, response
            handler_times = [timed(lambda e=event: lambda_handler(e, Context())) for _ in range(args.runs)]
            with get_engine().connect() as connection:
                raw_times = [
                    timed(lambda sql=raw_sql, p=params: connection.execute(text(sql), p).all())
                    for _ in range(args.raw_runs)
                ]
            handler_p50, raw_p50 = median(handler_times), median(raw_times)
            print(
                f"{label}: handler p50 {handler_p50 * 1000:,.1f} ms, p95 "
                f"{percentile(handler_times, 0.95) * 1000:,.1f} ms; raw SQL p50 {raw_p50 * 1000:,.1f} ms; "
                f"{raw_p50 / handler_p50:,.1f}x faster"
            )
        print("target: every handler answer under 100 ms p50")


if __name__ == "__main__":
    main()
