"""Items older than the retention window are refused wherever they come in: raw data that old is dropped,
and its idempotency keys with it, so storing it would count it in the rollups again on every resend."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from functions.events.handler import lambda_handler as events_api
from functions.metrics.handler import lambda_handler as metrics_api
from tests.conftest import reset_caches
from tests.integration.conftest import Invoke, load_event
from tests.integration.test_ingest_queue import consume, metric, scalar, sqs_event

NOW = dt.datetime.now(dt.UTC)
EXPIRED = (NOW - dt.timedelta(days=1096)).isoformat()  # the default window of 1,095 days
KEPT = (NOW - dt.timedelta(days=1094)).isoformat()


@pytest.fixture(autouse=True)
def default_window(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ANALYTICS_RETENTION_DAYS", "1095")
    reset_caches()
    yield
    monkeypatch.undo()
    reset_caches()


def test_the_queue_rejects_expired_items_and_stores_their_neighbours() -> None:
    envelope = {
        "metrics": [metric("kept", timestamp=KEPT), metric("expired", timestamp=EXPIRED)],
        "events": [{"event_name": "signup", "timestamp": EXPIRED}],
    }
    retry = consume(sqs_event([envelope, metric("alone", timestamp=EXPIRED)]))

    assert retry == []
    assert scalar("SELECT string_agg(metric_name, ',') FROM metrics") == "kept"
    assert scalar("SELECT count(*) FROM events") == 0
    rejected = (
        "SELECT string_agg(kind || ':' || position, ',' ORDER BY message_id, position) FROM ingest_rejections"
    )
    assert scalar(rejected) == "metric:1,event:2,metric:0"
    reasons = scalar("SELECT string_agg(DISTINCT reason->0->>'type', ',') FROM ingest_rejections")
    assert reasons == "timestamp_expired"
    assert "1095 days" in scalar("SELECT reason->0->>'msg' FROM ingest_rejections LIMIT 1")
    assert scalar("SELECT sum(count) FROM metric_rollups_hourly") == 1


def test_the_api_refuses_an_expired_item(invoke: Invoke) -> None:
    one = invoke(metrics_api, load_event("metrics_create", body=metric("expired", timestamp=EXPIRED)))
    assert one.status == 400 and one.body["detail"][0]["type"] == "timestamp_expired"

    event = invoke(events_api, load_event("events_create", body={"event_name": "e", "timestamp": EXPIRED}))
    assert event.status == 400 and event.body["detail"][0]["loc"] == ["timestamp"]

    bulk_body = {"metrics": [metric("kept", timestamp=KEPT), metric("expired", timestamp=EXPIRED)]}
    bulk = invoke(metrics_api, load_event("metrics_bulk", body=bulk_body))
    assert (bulk.body["created"], bulk.body["failed"]) == (1, 1)
    assert bulk.body["errors"][0]["index"] == 1
    assert bulk.body["errors"][0]["detail"][0]["type"] == "timestamp_expired"
    assert scalar("SELECT count(*) FROM metrics") == 1
