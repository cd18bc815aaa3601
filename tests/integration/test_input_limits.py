"""Input at the edges of what Python, PostgreSQL and the calendar can take is refused with a 4xx (or a
rejection through the ingest queue), never a 5xx or a failed batch."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from analytics.db.maintenance import apply_retention
from functions.events.handler import lambda_handler as events_api
from functions.ingest_api.handler import lambda_handler as ingest_api
from functions.metrics.handler import lambda_handler as metrics_api
from tests.conftest import reset_caches
from tests.integration.conftest import Invoke, load_event
from tests.integration.test_ingest_queue import consume, metric, scalar, sqs_event

HUGE_INTEGER = "9" * 5000  # more digits than Python's int() reads from text


def rejection_types() -> list[str]:
    rows = scalar(
        "SELECT string_agg(reason->0->>'type', ',' ORDER BY message_id, position) FROM ingest_rejections"
    )
    return str(rows).split(",")


def test_a_nonzero_value_too_small_to_square_is_rejected(invoke: Invoke) -> None:
    retry = consume(
        sqs_event([{"metrics": [metric("kept"), metric("tiny", value=1e-170), metric("zero", value=0.0)]}])
    )

    assert retry == []
    assert scalar("SELECT string_agg(metric_name, ',' ORDER BY metric_name) FROM metrics") == "kept,zero"
    assert "at least 1e-100" in scalar("SELECT reason::text FROM ingest_rejections")
    answer = invoke(metrics_api, load_event("metrics_create", body=metric("tiny", value=-1e-200)))
    assert answer.status == 422, answer.body


def test_an_integer_python_cannot_read_rejects_its_message_only(invoke: Invoke) -> None:
    unreadable = json.dumps({"metrics": [metric("huge")]})[:-2] + f', "meta": {{"n": {HUGE_INTEGER}}}}}]}}'
    retry = consume(sqs_event([{"metrics": [metric("kept")]}, unreadable]))

    assert retry == []
    assert scalar("SELECT string_agg(metric_name, ',') FROM metrics") == "kept"
    assert rejection_types() == ["json_invalid"]
    event = load_event("events_create", body={})
    event["body"] = f'{{"event_name": "e", "properties": {{"n": {HUGE_INTEGER}}}}}'
    assert invoke(events_api, event).status == 422


def test_the_latest_timestamps_accepted_leave_retention_working() -> None:
    late = [{"event_name": "e", "timestamp": "9998-12-31T23:00:00Z"}]
    too_late = [{"event_name": "e", "timestamp": "9999-06-01T00:00:00Z"}]
    consume(sqs_event([{"events": late}, {"events": too_late}]))

    assert scalar("SELECT count(*) FROM events") == 1
    assert rejection_types() == ["less_than"]
    report = apply_retention(dt.date.today(), retention_days=1095, sync_log_days=365, months_to_create=3)
    assert "events_p9998_12" in report.created


@pytest.mark.parametrize(
    "query",
    [
        {"start_date": "0001-01-01", "end_date": "2025-01-01", "tz": "Asia/Tokyo"},
        {"start_date": "2025-01-01", "end_date": "9999-12-31"},
        {"start_date": "0001-01-01T00:00:00+05:00", "end_date": "2025-01-01"},
        {"start_date": "2025-01-01", "end_date": "2025-02-01", "tz": "right/UTC", "group_by": "date"},
        {"start_date": "2025-01-01", "end_date": "2025-02-01", "tz": "localtime", "group_by": "date"},
        {"start_date": "2025-01-01", "end_date": "2025-02-01", "metric_name": "a\x00b"},
        {"start_date": "2025-01-01", "end_date": "2025-02-01", "dimensions.k\x00": "a"},
    ],
)
def test_statistics_refuse_what_cannot_be_asked(invoke: Invoke, query: dict[str, str]) -> None:
    answer = invoke(metrics_api, load_event("metrics_statistics", query=query))

    assert 400 <= answer.status < 500, answer.body
    assert answer.body["detail"]


@pytest.mark.parametrize(
    "query",
    [{"end_date": "9999-12-31"}, {"start_date": "0001-01-01T00:00:00+05:00"}, {"message_id": "a\x00b"}],
)
def test_the_rejections_list_refuses_what_cannot_be_asked(invoke: Invoke, query: dict[str, str]) -> None:
    event = load_event("sync_list", path="/api/v1/ingest/rejections", query=query, role="admin")
    answer = invoke(ingest_api, event)

    assert 400 <= answer.status < 500, answer.body


def test_a_skip_beyond_every_row_is_an_empty_page(invoke: Invoke) -> None:
    consume(sqs_event([metric("kept")]))
    query = {"skip": "99999999999999999999"}
    event = load_event("sync_list", path="/api/v1/ingest/rejections", query=query, role="admin")
    assert invoke(ingest_api, event).body["items"] == []
    listing = invoke(metrics_api, load_event("metrics_list", query=query))
    assert listing.status == 200 and listing.body["items"] == [] and listing.body["total"] == 1


def test_a_date_in_its_compact_form_is_a_whole_day(invoke: Invoke) -> None:
    consume(sqs_event([metric("kept")]))  # 2025-12-24T10:15Z
    query = {"start_date": "20251224", "end_date": "20251224", "metric_name": "kept"}
    answer = invoke(metrics_api, load_event("metrics_statistics", query=query))

    assert answer.status == 200, answer.body
    assert answer.body["groups"][0]["count"] == 1


NON_FINITE = ["NaN", "Infinity", "-Infinity", "1e999"]


def with_raw(item: dict[str, object], field: str, raw_json: str) -> str:
    """The item's JSON text with one more field written as raw JSON text (NaN is not JSON Python writes)."""
    return json.dumps(item)[:-1] + f', "{field}": {raw_json}}}'


@pytest.mark.parametrize("number", NON_FINITE)
def test_numbers_that_are_not_finite_are_refused_wherever_they_stand(invoke: Invoke, number: str) -> None:
    in_dimensions = with_raw(metric("dims"), "dimensions", f'{{"x": {number}}}')
    in_meta = with_raw(metric("meta"), "meta", f'{{"a": [1, {{"b": {number}}}]}}')
    in_properties = with_raw({"event_name": "e"}, "properties", f'{{"p": {number}}}')
    retry = consume(
        sqs_event(
            [
                f'{{"metrics": [{json.dumps(metric("kept"))}, {in_dimensions}, {in_meta}]}}',
                f'{{"events": [{in_properties}]}}',
                in_dimensions,
            ]
        )
    )

    assert retry == []
    assert scalar("SELECT string_agg(metric_name, ',') FROM metrics") == "kept"
    assert scalar("SELECT count(*) FROM events") == 0
    reasons = scalar("SELECT string_agg(reason::text, ' ') FROM ingest_rejections")
    assert reasons.count("only finite numbers") == 4, reasons
    for handler, name, body in (
        (metrics_api, "metrics_create", in_dimensions),
        (metrics_api, "metrics_create", in_meta),
        (events_api, "events_create", in_properties),
    ):
        event = load_event(name, body={})
        event["body"] = body
        answer = invoke(handler, event)
        assert answer.status == 422, answer.body
        assert "only finite numbers" in json.dumps(answer.body["detail"])
    bulk = load_event("metrics_bulk", body={})
    bulk["body"] = f'{{"metrics": [{json.dumps(metric("bulk"))}, {in_meta}]}}'
    answer = invoke(metrics_api, bulk)
    assert (answer.body["created"], answer.body["failed"]) == (1, 1), answer.body


def test_dimensions_meta_and_properties_have_documented_limits(invoke: Invoke) -> None:
    too_many = metric("many", dimensions={f"k{n}": n for n in range(65)})
    too_long = metric("long", dimensions={"partner_type": "x" * 257})
    large_meta = metric("large", meta={"blob": "x" * 70_000})
    large_properties = {"event_name": "e", "properties": {"blob": "x" * 70_000}}
    at_the_limits = metric("edge", dimensions={f"k{n}": "x" * 256 for n in range(64)})

    retry = consume(
        sqs_event(
            [{"metrics": [too_many, too_long, large_meta, at_the_limits], "events": [large_properties]}]
        )
    )

    assert retry == []
    assert scalar("SELECT string_agg(metric_name, ',') FROM metrics") == "edge"
    assert scalar("SELECT string_agg(reason->0->>'loc', ',' ORDER BY position) FROM ingest_rejections") == (
        '["dimensions"],["dimensions"],["meta"],["properties"]'
    )
    answers = [
        invoke(metrics_api, load_event("metrics_create", body=too_many)),
        invoke(metrics_api, load_event("metrics_create", body=too_long)),
        invoke(metrics_api, load_event("metrics_create", body=large_meta)),
        invoke(events_api, load_event("events_create", body=large_properties)),
    ]
    assert [answer.status for answer in answers] == [422] * 4
    messages = [answer.body["detail"][0]["msg"] for answer in answers]
    assert "at most 64 dimensions, got 65" in messages[0]
    assert "at most 256" in messages[1]
    assert "at most 65,536" in messages[2] and "at most 65,536" in messages[3]


def test_the_limits_are_settings(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_DIMENSIONS", "2")
    monkeypatch.setenv("MAX_META_BYTES", "1024")
    reset_caches()
    try:
        three = invoke(
            metrics_api, load_event("metrics_create", body=metric(dimensions={"a": 1, "b": 2, "c": 3}))
        )
        meta = invoke(metrics_api, load_event("metrics_create", body=metric(meta={"blob": "x" * 2000})))
    finally:
        monkeypatch.undo()
        reset_caches()

    assert (three.status, meta.status) == (422, 422)
    assert "at most 2 dimensions" in three.body["detail"][0]["msg"]
