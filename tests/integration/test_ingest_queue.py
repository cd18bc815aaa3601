"""The ingest queue's consumer against a real PostgreSQL: exactly-once effect, rejections, rollups."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from sqlalchemy import text

from analytics.db.engine import get_engine
from analytics.db.rollup_sql import DAILY_QUANTILES
from functions.ingest.handler import lambda_handler
from functions.ingest_api.handler import lambda_handler as ingest_api
from tests.integration.conftest import EVENTS_DIR, Invoke, LambdaContext, load_event

SAMPLE = json.loads((EVENTS_DIR / "ingest_batch.json").read_text())


def sqs_event(bodies: list[Any], prefix: str = "msg") -> dict[str, Any]:
    template = SAMPLE["Records"][0]
    records = []
    for index, body in enumerate(bodies):
        record = copy.deepcopy(template)
        record["messageId"] = f"{prefix}-{index}"
        record["body"] = body if isinstance(body, str) else json.dumps(body)
        records.append(record)
    return {"Records": records}


def metric(name: str = "donation_received", value: float = 10.0, **extra: Any) -> dict[str, Any]:
    return {
        "service_name": "partners_crm",
        "metric_type": "donation",
        "metric_name": name,
        "value": value,
        "unit": "USD",
        "timestamp": "2025-12-24T10:15:00Z",
        **extra,
    }


def scalar(sql: str, **params: Any) -> Any:
    with get_engine().connect() as connection:
        return connection.execute(text(sql), params).scalar()


def consume(event: dict[str, Any]) -> list[str]:
    result = lambda_handler(event, LambdaContext())
    return [failure["itemIdentifier"] for failure in result["batchItemFailures"]]


def test_sample_batch_stores_valid_items_and_rejects_the_rest(invoke: Invoke) -> None:
    retry = consume(SAMPLE)

    assert retry == []
    assert scalar("SELECT count(*) FROM metrics") == 2
    assert scalar("SELECT count(*) FROM events") == 1
    rejections = invoke(
        ingest_api, load_event("metrics_list", path="/api/v1/ingest/rejections", query={}, role="admin")
    )
    assert rejections.status == 200
    reasons = {(r["kind"], r["position"]): r for r in rejections.body["items"]}
    assert set(reasons) == {("metric", 1), ("message", -1)}
    assert reasons[("metric", 1)]["reason"][0]["loc"] == ["value"]
    assert reasons[("message", -1)]["raw"] == "not json at all"


def test_rejections_are_for_admins_only(invoke: Invoke) -> None:
    event = load_event("metrics_list", path="/api/v1/ingest/rejections", query={}, role="analyst")
    assert invoke(ingest_api, event).status == 403


def test_redelivery_and_repeated_keys_store_nothing_twice() -> None:
    bodies: list[Any] = [{"metrics": [metric(value=i) for i in range(5)]} for _ in range(4)]
    bodies.append(metric(idempotency_key="dup"))
    bodies.append(metric(idempotency_key="dup"))
    bodies.append({"metrics": [metric(value=1, metric_type="bogus")]})

    first = consume(sqs_event(bodies))
    again = consume(sqs_event(bodies))  # the same batch delivered again (or to a second consumer)

    assert first == again == []
    assert scalar("SELECT count(*) FROM metrics") == 21  # 4 messages x 5 + one "dup"
    assert scalar("SELECT count(*) FROM ingest_rejections") == 1
    assert scalar("SELECT sum(count) FROM metric_rollups_hourly") == 21


def test_rollups_match_raw_rows_per_hour() -> None:
    bodies = [
        {"metrics": [metric(value=float(v), timestamp=f"2025-12-24T{h:02d}:{m:02d}:00Z") for v in (1, 5, 9)]}
        for h in range(0, 24, 5)
        for m in (0, 30)
    ]
    consume(sqs_event(bodies))

    mismatches = scalar("""
        SELECT count(*) FROM (
          SELECT date_trunc('hour', "timestamp", 'UTC') AS hour, count(*) AS n, sum(metric_value) AS s,
                 min(metric_value) AS lo, max(metric_value) AS hi
          FROM metrics GROUP BY 1) raw
        FULL JOIN metric_rollups_hourly r ON r.bucket_start = raw.hour
        WHERE r.count IS DISTINCT FROM raw.n OR r.sum IS DISTINCT FROM raw.s
           OR r.min IS DISTINCT FROM raw.lo OR r.max IS DISTINCT FROM raw.hi""")
    assert mismatches == 0
    assert scalar("SELECT count FROM metric_rollups_daily WHERE day = '2025-12-24'") == 30


def test_late_metric_updates_its_day_and_deleting_it_reverts(invoke: Invoke) -> None:
    from functions.metrics.handler import lambda_handler as metrics_api

    consume(sqs_event([metric(value=100.0, timestamp="2025-11-14T08:00:00Z")], prefix="early"))
    late = invoke(
        metrics_api, load_event("metrics_create", body=metric(value=40.0, timestamp="2025-11-14T08:59:00Z"))
    )
    day = "SELECT count::int || '/' || sum || '/' || max FROM metric_rollups_daily WHERE day = '2025-11-14'"
    hour = "SELECT count FROM metric_rollups_hourly WHERE bucket_start = '2025-11-14T08:00:00Z'"

    assert scalar(day) == "2/140/100"
    assert scalar(hour) == 2
    deleted = invoke(metrics_api, load_event("metrics_delete", path=f"/api/v1/metrics/{late.body['id']}"))
    assert deleted.status == 204
    assert scalar(day) == "1/100/100"
    assert scalar(hour) == 1


def test_daily_quantiles_are_within_the_sketch_error() -> None:
    values = [float(v) for v in range(1, 1001)]
    consume(
        sqs_event([{"metrics": [metric(value=v) for v in values[i : i + 100]]} for i in range(0, 1000, 100)])
    )

    quantile = "SELECT ({})[{}] FROM metric_rollups_daily WHERE day = '2025-12-24'"
    p50, p95 = (scalar(quantile.format(DAILY_QUANTILES, i)) for i in (1, 3))
    assert p50 == pytest.approx(500.5, rel=0.011)
    assert p95 == pytest.approx(950.05, rel=0.011)


def test_sketches_merged_over_batches_equal_the_sketch_of_the_raw_rows() -> None:
    for batch, values in enumerate(((1, 5, 9, 9), (5, 250, 0.5), (9, 9, 1000, -3))):
        consume(sqs_event([{"metrics": [metric(value=float(v)) for v in values]}], prefix=f"batch{batch}"))

    from_raw = """SELECT jsonb_object_agg(bucket, n) FROM (
        SELECT sketch_bucket(metric_value) AS bucket, count(*) AS n FROM metrics GROUP BY 1) AS buckets"""
    for table in ("metric_rollups_hourly", "metric_rollups_daily"):
        assert scalar(f"SELECT sketch = ({from_raw}) FROM {table}") is True
        assert scalar(f"SELECT count FROM {table}") == 11


def test_unreadable_envelopes_are_rejected_not_retried() -> None:
    bodies: list[Any] = [[1, 2, 3], {"metrics": "nope"}, {"metrics": [], "extra": 1}, "{broken"]
    assert consume(sqs_event(bodies)) == []
    assert scalar("SELECT count(*) FROM ingest_rejections WHERE kind = 'message'") == 4


def test_an_envelope_read_in_one_pass_stores_what_reading_item_by_item_stores() -> None:
    by_alias = {key: value for key, value in metric("by_alias").items() if key not in ("value", "unit")}
    items = [
        {**by_alias, "metric_value": 1.5, "metric_unit": "USD", "timestamp": "2025-12-24T10:15:00"},
        metric("with_extras", -2, dimensions={"country": "KE", "n": 3}, meta={"n": "é"}, idempotency_key="k"),
        metric("no_time", 7.25, timestamp=None),
    ]
    event = {"event_name": "signup", "user_id": "u1", "properties": {"plan": "pro"}}
    # One valid envelope (read in one pass), then the same items one per message (read item by item).
    consume(sqs_event([{"metrics": items, "events": [event]}], prefix="envelope"))
    single = [{**item, "idempotency_key": f"single-{i}"} for i, item in enumerate(items)]
    consume(sqs_event(single, prefix="single"))

    columns = 'metric_name, metric_value, metric_unit, dimensions::text, meta::text, "timestamp"'
    with get_engine().connect() as connection:
        stored = connection.execute(text(f"SELECT {columns} FROM metrics ORDER BY 1, 6")).all()
    assert len(stored) == 6
    assert stored[0::2] == stored[1::2]  # each item twice, alike but for the key
    assert scalar("SELECT count(*) FROM events WHERE idempotency_key = 'sqs:envelope-0:3'") == 1
    assert scalar("SELECT count(*) FROM ingest_rejections") == 0


def test_an_empty_object_or_a_nul_character_is_rejected_and_the_neighbours_kept() -> None:
    nul = metric("bad", dimensions={"note": "a\u0000b"})
    consume(sqs_event([{}, {"metrics": [metric("kept"), nul]}]))

    assert scalar("SELECT count(*) FROM metrics") == 1
    assert scalar("SELECT metric_name FROM metrics") == "kept"
    reasons = scalar("SELECT string_agg(reason::text, ' ' ORDER BY message_id) FROM ingest_rejections")
    assert "Field required" in reasons and "NUL" in reasons
