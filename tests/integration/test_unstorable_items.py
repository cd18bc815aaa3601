"""Items Python's JSON reader accepts but the database cannot take are rejected on their own: through the
ingest queue their neighbours are stored and nothing is retried; through the API they are a 422."""

from __future__ import annotations

import json

import pytest

from functions.events.handler import lambda_handler as events_api
from functions.metrics.handler import lambda_handler as metrics_api
from functions.simple.handler import lambda_handler as simple_api
from tests.integration.conftest import Invoke, load_event
from tests.integration.test_ingest_queue import consume, metric, scalar, sqs_event

LONE_SURROGATE = '"\\ud800"'  # the JSON text of a string holding half a UTF-16 pair


def with_raw_field(item: dict[str, object], field: str, raw_json: str) -> str:
    """The item's JSON text with one more field, written as raw JSON text."""
    return json.dumps(item)[:-1] + f', "{field}": {raw_json}}}'


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def rejection_reasons() -> str:
    return str(
        scalar("SELECT string_agg(reason::text, ' ' ORDER BY message_id, position) FROM ingest_rejections")
    )


def test_a_lone_surrogate_rejects_its_item_and_keeps_the_neighbours() -> None:
    bad_metric = with_raw_field(metric("bad"), "dimensions", f'{{"note": {LONE_SURROGATE}}}')
    bad_event = with_raw_field({"event_name": "signup"}, "properties", f'{{"plan": {LONE_SURROGATE}}}')
    retry = consume(
        sqs_event(
            [
                {"metrics": [metric("kept")]},
                f'{{"metrics": [{json.dumps(metric("neighbour"))}, {bad_metric}], "events": [{bad_event}]}}',
            ]
        )
    )

    assert retry == []
    stored = scalar("SELECT string_agg(metric_name, ',' ORDER BY metric_name) FROM metrics")
    assert stored == "kept,neighbour"
    assert scalar("SELECT count(*) FROM events") == 0
    assert scalar(
        "SELECT string_agg(kind || ':' || position, ',' ORDER BY position) FROM ingest_rejections"
    ) == ("metric:1,event:2")
    assert rejection_reasons().count("cannot be stored") == 2
    assert scalar("SELECT sum(count) FROM metric_rollups_hourly") == 2


def test_deep_nesting_rejects_the_item_or_the_unreadable_message() -> None:
    deep_meta = with_raw_field(metric("deep"), "meta", f'{{"a": {nested(300)}}}')
    deeper_meta = with_raw_field(metric("deeper"), "meta", f'{{"a": {nested(900)}}}')
    retry = consume(
        sqs_event(
            [
                f'{{"metrics": [{json.dumps(metric("kept"))}, {deep_meta}, {deeper_meta}]}}',
                nested(5000),
            ]
        )
    )

    assert retry == []
    assert scalar("SELECT string_agg(metric_name, ',') FROM metrics") == "kept"
    assert scalar(
        "SELECT string_agg(kind || ':' || position, ',' ORDER BY message_id, position) FROM ingest_rejections"
    ) == ("metric:1,metric:2,message:-1")
    assert "nested too deeply" in rejection_reasons()


@pytest.mark.parametrize("timestamp", ["9999-12-31T23:30:00-05:00", "0001-01-01T00:30:00+05:00"])
def test_an_instant_python_cannot_read_back_is_rejected(invoke: Invoke, timestamp: str) -> None:
    retry = consume(sqs_event([{"metrics": [metric("kept"), metric("far", timestamp=timestamp)]}]))

    assert retry == []
    assert scalar("SELECT string_agg(metric_name, ',') FROM metrics") == "kept"
    assert "timestamp" in rejection_reasons()
    listing = invoke(metrics_api, load_event("metrics_list", query={}))
    assert listing.status == 200 and listing.body["total"] == 1
    created = invoke(metrics_api, load_event("metrics_create", body=metric("far", timestamp=timestamp)))
    assert created.status == 422, created.body


@pytest.mark.parametrize(
    ("timestamp", "utc"),
    [
        ("2026-12-02T10:00:00+21:23", "2026-12-01T12:37:00+00:00"),
        ("2026-12-02T10:00:00-23:59", "2026-12-03T09:59:00+00:00"),
        ("2026-12-02T10:00:00+16:00", "2026-12-01T18:00:00+00:00"),
    ],
)
def test_an_offset_postgresql_cannot_read_is_stored_as_its_utc_instant(
    invoke: Invoke, timestamp: str, utc: str
) -> None:
    queued = metric("queued", timestamp=timestamp)
    event = {"event_name": "signup", "timestamp": timestamp}
    assert (
        consume(sqs_event([{"metrics": [queued], "events": [event]}, metric("alone", timestamp=timestamp)]))
        == []
    )

    single = invoke(metrics_api, load_event("metrics_create", body=metric("single", timestamp=timestamp)))
    bulk = invoke(
        metrics_api, load_event("metrics_bulk", body={"metrics": [metric("bulk", timestamp=timestamp)]})
    )
    single_event = invoke(events_api, load_event("events_create", body=event))
    simple = load_event(
        "simple_metrics_create", body={"metric_name": "simple", "value": 1, "timestamp": timestamp}
    )
    simple_answer = invoke(simple_api, simple)

    assert (single.status, bulk.status, single_event.status, simple_answer.status) == (201, 201, 201, 201)
    assert single.body["timestamp"] == utc.replace("+00:00", "Z")
    assert bulk.body["created"] == 1
    assert scalar('SELECT count(DISTINCT "timestamp") FROM metrics') == 1
    assert scalar("SELECT count(*) FROM metrics") == 5
    assert scalar('SELECT count(*) FROM events WHERE "timestamp" = CAST(:utc AS timestamptz)', utc=utc) == 2
    assert scalar("SELECT count(*) FROM ingest_rejections") == 0


def test_the_api_answers_422_for_an_item_it_cannot_store(invoke: Invoke) -> None:
    single = load_event("metrics_create", body={})
    single["body"] = with_raw_field(metric("bad"), "dimensions", f'{{"note": {LONE_SURROGATE}}}')
    answer = invoke(metrics_api, single)
    assert answer.status == 422, answer.body
    assert "cannot be stored" in json.dumps(answer.body)

    bulk = load_event("metrics_bulk", body={})
    bulk["body"] = f'{{"metrics": [{json.dumps(metric("good"))}, {single["body"]}]}}'
    answer = invoke(metrics_api, bulk)
    assert answer.status in (200, 201, 207), answer.body
    assert answer.body["created"] == 1 and answer.body["failed"] == 1
    assert [error["index"] for error in answer.body["errors"]] == [1]

    event = load_event("events_create", body={})
    event["body"] = with_raw_field({"event_name": "signup"}, "properties", f'{{"a": {nested(300)}}}')
    answer = invoke(events_api, event)
    assert answer.status == 422, answer.body
    assert scalar("SELECT count(*) FROM metrics") == 1 and scalar("SELECT count(*) FROM events") == 0


def test_a_body_nested_too_deeply_is_a_400_not_a_crash(invoke: Invoke) -> None:
    event = load_event("metrics_create", body={})
    event["body"] = nested(5000)
    answer = invoke(metrics_api, event)
    assert 400 <= answer.status < 500, answer.body
