"""PostgreSQL stops mid-stream: the consumer hands batches back to SQS and loses nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from analytics.db.embedded import start_embedded_server, stop_embedded_server
from analytics.db.engine import get_engine
from analytics.db.migrate import upgrade_to_head
from tests.conftest import reset_caches
from tests.integration.test_ingest_queue import consume, metric, sqs_event


@pytest.fixture
def own_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A server of this test's own, so stopping it disturbs no other test."""
    monkeypatch.setenv("DATABASE_URL", start_embedded_server(tmp_path, throwaway=True))
    reset_caches()
    upgrade_to_head(get_engine())
    try:
        yield tmp_path
    finally:
        get_engine().dispose()
        stop_embedded_server(tmp_path, throwaway=True)
        monkeypatch.undo()
        reset_caches()


def stored() -> int:
    with get_engine().connect() as connection:
        return connection.execute(text("SELECT count(*) FROM metrics")).scalar_one()


def test_batches_during_an_outage_are_retried_and_stored_once(
    own_server: Path, caplog: pytest.LogCaptureFixture
) -> None:
    before = sqs_event([{"metrics": [metric(value=i) for i in range(10)]}], prefix="before")
    during = sqs_event([metric(value=1), {"metrics": [metric(value=2), metric(value=3)]}], prefix="during")

    assert consume(before) == []
    stop_embedded_server(own_server)
    retry = consume(during)
    start_embedded_server(own_server)
    assert consume(during) == []  # SQS delivers the failed messages again
    assert consume(before) == []  # and maybe the earlier batch too: nothing is stored twice

    assert retry == ["during-0", "during-1"]
    assert stored() == 13
    (retried,) = [r for r in caplog.records if r.getMessage() == "ingest batch handed back to SQS to retry"]
    assert "Error" in retried.__dict__["cause"]  # the database's error, for the dead-letter alarm
