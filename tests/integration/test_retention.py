"""The daily retention task: old partitions go, rollups stay, coming months are prepared."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text

from analytics.db import maintenance
from analytics.db.engine import get_engine
from analytics.db.maintenance import apply_retention
from analytics.db.partitions import ensure_month, existing_partitions, months_ahead
from analytics.settings import get_settings
from functions.scheduler.handler import lambda_handler as scheduler
from tests.integration.conftest import EVENTS_DIR, LambdaContext
from tests.integration.test_ingest_queue import consume, metric, sqs_event

TODAY = dt.date(2026, 11, 22)


def count(sql: str) -> int:
    with get_engine().connect() as connection:
        return connection.execute(text(sql)).scalar_one()


@contextmanager
def retention_of(days: int) -> Iterator[None]:
    """Items arrive while raw data is kept for `days` (the ingest paths refuse older ones)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ANALYTICS_RETENTION_DAYS", str(days))
        get_settings.cache_clear()
        try:
            yield
        finally:
            get_settings.cache_clear()


def test_old_partitions_are_dropped_and_rollups_kept() -> None:
    with get_engine().begin() as connection:
        ensure_month(connection, "metrics", dt.date(2019, 1, 1))
    with retention_of(days=10_000):
        consume(sqs_event([metric(value=5.0, timestamp="2019-01-15T12:00:00Z")], prefix="old"))
    consume(sqs_event([metric(value=7.0, timestamp="2026-11-01T12:00:00Z")], prefix="new"))

    report = apply_retention(TODAY, retention_days=1095, sync_log_days=365, months_to_create=3)

    assert "metrics_p2019_01" in report.dropped
    assert report.cutoff == dt.date(2023, 11, 23)
    assert count("SELECT count(*) FROM metrics") == 1
    assert count("SELECT count(*) FROM metric_keys") == 1
    assert count("SELECT count FROM metric_rollups_daily WHERE day = '2019-01-15'") == 1
    assert count("SELECT count FROM metric_rollups_hourly WHERE bucket_start = '2019-01-15T12:00:00Z'") == 1


def test_the_month_holding_the_cutoff_keeps_its_rows_and_their_keys() -> None:
    with get_engine().begin() as connection:
        ensure_month(connection, "metrics", dt.date(2023, 11, 1))
    kept = metric(value=5.0, timestamp="2023-11-10T12:00:00Z", idempotency_key="sync:projects:42:kept")
    with retention_of(days=10_000):
        consume(sqs_event([kept], prefix="first"))

    report = apply_retention(TODAY, retention_days=1095, sync_log_days=365, months_to_create=3)

    assert report.cutoff == dt.date(2023, 11, 23) and "metrics_p2023_11" not in report.dropped
    assert count("SELECT count(*) FROM metric_keys") == 1
    with retention_of(days=10_000):  # sent again, by a full pull-sync for example
        consume(sqs_event([kept], prefix="again"))
    assert count("SELECT count(*) FROM metrics") == 1
    assert count("SELECT count FROM metric_rollups_daily WHERE day = '2023-11-10'") == 1


def test_rows_without_a_partition_land_and_later_get_their_own() -> None:
    consume(sqs_event([metric(value=1.0, timestamp="2031-06-01T00:30:00Z")], prefix="future"))
    assert count("SELECT count(*) FROM metrics_default") == 1

    report = apply_retention(TODAY, retention_days=1095, sync_log_days=365, months_to_create=3)

    assert "metrics_p2031_06" in report.created
    assert count("SELECT count(*) FROM metrics_default") == 0
    assert count("SELECT count(*) FROM metrics_p2031_06") == 1
    with get_engine().connect() as connection:
        assert "metrics_p" + f"{months_ahead(TODAY, 3):%Y_%m}" in existing_partitions(connection, "metrics")


def test_a_long_query_keeps_partitions_for_the_next_run_and_holds_up_nothing_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with get_engine().begin() as connection:
        ensure_month(connection, "metrics", dt.date(2019, 1, 1))
    with retention_of(days=10_000):
        consume(sqs_event([metric(value=5.0, timestamp="2019-01-15T12:00:00Z")], prefix="old"))
    monkeypatch.setattr(maintenance, "PARTITION_LOCK_TIMEOUT", "200ms")

    with get_engine().connect() as reader:  # a report's query, still reading the metrics
        reader.execute(text("SELECT count(*) FROM metrics")).scalar_one()
        report = apply_retention(TODAY, retention_days=1095, sync_log_days=365, months_to_create=3)
        with get_engine().connect() as writer:  # nothing of this run holds the table meanwhile
            writer.execute(text("SET lock_timeout = '1s'"))
            assert writer.execute(text("SELECT count(*) FROM metrics")).scalar_one() == 1
        reader.rollback()

    assert report.partitions_busy == ["metrics"] and report.dropped == []  # events went ahead
    assert count("SELECT count(*) FROM metric_keys") == 0  # the rest of the run was done
    later = apply_retention(TODAY, retention_days=1095, sync_log_days=365, months_to_create=3)
    assert "metrics_p2019_01" in later.dropped and later.partitions_busy == []


def test_old_sync_logs_go_after_a_year() -> None:
    with get_engine().begin() as connection:
        connection.execute(
            text(
                "INSERT INTO data_syncs (service_name, sync_type, created_at) VALUES "
                "('partners_crm', 'full', now() - interval '400 days'), ('projects', 'full', now())"
            )
        )
    today = dt.datetime.now(dt.UTC).date()
    report = apply_retention(today, retention_days=1095, sync_log_days=365, months_to_create=3)
    assert report.sync_logs_deleted == 1
    assert count("SELECT count(*) FROM data_syncs") == 1


def test_scheduler_runs_retention_from_the_rule_input() -> None:
    import json

    event = json.loads((EVENTS_DIR / "scheduler_retention.json").read_text())
    result = scheduler(event, LambdaContext())
    assert result["task"] == "retention"
    assert "cutoff" in result["result"]
