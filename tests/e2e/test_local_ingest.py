"""The ingest queue through `analytics-local up`: what sibling services send with boto3 is drained into
the ingest function, stored once, or rejected with its reason, and the rollups count what was stored."""

from __future__ import annotations

import datetime as dt
import json
import random
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from sqlalchemy import Engine, create_engine, text

from analytics.db.engine import pg8000_url
from tests.e2e.conftest import CONFIGURED_DATABASE_URL, LocalRunner

pytestmark = pytest.mark.e2e

RUN = uuid.uuid4().hex[:12]  # this run's metric and event names, so reruns on one database pass
METRIC_NAME = f"e2e_queue_{RUN}"
EVENT_NAME = f"e2e_queue_event_{RUN}"
METRICS = 10_000
SINGLE_MESSAGES = 200  # the first metrics go alone, as a bare metric object
PER_ENVELOPE = 7
EVENTS_EVERY = 10  # every tenth envelope carries two events too
INVALID = frozenset(range(7, METRICS, METRICS // 20))  # 20 metrics, spread over the messages
REPEATED = [n for n in range(3, METRICS, 19) if n not in INVALID][:500]  # sent again, elsewhere
DRAIN_TIMEOUT_SECONDS = 60
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)  # metric n is n minutes older: about a week of hours

# {(metric_name, service_name, metric_type, unit, UTC hour or day): count} of this run's metrics: from the
# raw rows, bucketed here independently of the ingest's own bucketing, and from the rollup rows.
RAW_COUNTS = """
SELECT metric_name, service_name::text, metric_type::text, coalesce(metric_unit, ''), {bucket}, count(*)
FROM metrics WHERE metric_name = :name GROUP BY 1, 2, 3, 4, 5
"""
ROLLUP_COUNTS = """
SELECT metric_name, service_name::text, metric_type::text, unit, {bucket}, count
FROM {table} WHERE metric_name = :name
"""
RAW_HOURLY = RAW_COUNTS.format(bucket="date_trunc('hour', \"timestamp\", 'UTC')")
RAW_DAILY = RAW_COUNTS.format(bucket="(\"timestamp\" AT TIME ZONE 'UTC')::date")
ROLLUP_HOURLY = ROLLUP_COUNTS.format(bucket="bucket_start", table="metric_rollups_hourly")
ROLLUP_DAILY = ROLLUP_COUNTS.format(bucket="day", table="metric_rollups_daily")


@dataclass(frozen=True)
class Outgoing:
    body: str
    invalid_positions: tuple[int, ...] = ()


def metric(n: int) -> dict[str, Any]:
    item: dict[str, Any] = {
        "service_name": "projects",
        "metric_type": "project",
        "metric_name": METRIC_NAME,
        "value": float(n),
        "dimensions": {"run": RUN, "n": n},
        "timestamp": (NOW - dt.timedelta(minutes=n)).isoformat(),
        "idempotency_key": f"{RUN}-metric-{n}",
    }
    if n in INVALID:
        # Half with a type outside spec/001, half with a value that is not a number.
        item.update({"metric_type": "bogus"} if n % 2 else {"value": "many"})
    return item


def event(k: int) -> dict[str, Any]:
    return {
        "event_name": EVENT_NAME,
        "user_id": f"user-{k}",
        "properties": {"run": RUN},
        "timestamp": NOW.isoformat(),
        "idempotency_key": f"{RUN}-event-{k}",
    }


def envelope(numbers: list[int], events: list[dict[str, Any]] | None = None) -> Outgoing:
    body: dict[str, Any] = {"metrics": [metric(n) for n in numbers]}
    if events:
        body["events"] = events
    invalid = tuple(position for position, n in enumerate(numbers) if n in INVALID)
    return Outgoing(json.dumps(body), invalid)


def sibling_traffic() -> tuple[list[Outgoing], int]:
    """Every metric once (some alone, most in envelopes, some envelopes with events), the repeated
    ones again in other messages, all shuffled; and how many events there are."""
    messages = [Outgoing(json.dumps(metric(n)), (0,) if n in INVALID else ()) for n in range(SINGLE_MESSAGES)]
    event_count = 0
    for index, start in enumerate(range(SINGLE_MESSAGES, METRICS, PER_ENVELOPE)):
        numbers = list(range(start, min(start + PER_ENVELOPE, METRICS)))
        events = None
        if index % EVENTS_EVERY == 0:
            events = [event(event_count), event(event_count + 1)]
            event_count += 2
        messages.append(envelope(numbers, events))
    messages += [envelope(REPEATED[start : start + 10]) for start in range(0, len(REPEATED), 10)]
    random.Random(2026).shuffle(messages)
    return messages, event_count


@pytest.fixture
def sqs(runner: LocalRunner) -> Any:
    endpoints = runner.endpoints  # read per test: a restart moves moto to another port
    return boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=endpoints["aws_region"]
    ).client("sqs", endpoint_url=endpoints["aws_endpoint_url"])


@pytest.fixture
def database(runner: LocalRunner) -> Iterator[Engine]:
    """The runner's own database; endpoints.json hides a password, so a configured URL is used as given."""
    engine = create_engine(pg8000_url(CONFIGURED_DATABASE_URL or runner.endpoints["database_url"]))
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def admin_token(runner: LocalRunner) -> str:
    return runner.token("admin")


def send(sqs: Any, queue_url: str, messages: list[Outgoing]) -> list[str]:
    """Sends with SendMessageBatch, ten at a time; returns the message ids in order."""
    ids: list[str] = []
    for start in range(0, len(messages), 10):
        chunk = messages[start : start + 10]
        response = sqs.send_message_batch(
            QueueUrl=queue_url,
            Entries=[{"Id": str(i), "MessageBody": message.body} for i, message in enumerate(chunk)],
        )
        assert not response.get("Failed"), response["Failed"]
        by_entry = {int(entry["Id"]): entry["MessageId"] for entry in response["Successful"]}
        ids += [by_entry[i] for i in range(len(chunk))]
    return ids


def queued(sqs: Any, queue_url: str) -> int:
    """Messages on the queue, visible or in flight."""
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def wait_until(done: Callable[[], bool], timeout: float, interval: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)
    return True


def total(runner: LocalRunner, path: str, token: str | None = None) -> int:
    reply = runner.request("GET", path, token=token)
    assert reply.status == 200, reply.text
    count: int = reply.json()["total"]
    return count


def rejections(runner: LocalRunner, message_id: str, token: str) -> list[dict[str, Any]]:
    reply = runner.request("GET", f"/api/v1/ingest/rejections?message_id={message_id}", token=token)
    assert reply.status == 200, reply.text
    items: list[dict[str, Any]] = reply.json()["items"]
    return items


def series_counts(database: Engine, sql: str) -> dict[tuple[Any, ...], int]:
    with database.connect() as connection:
        return {tuple(row[:-1]): row[-1] for row in connection.execute(text(sql), {"name": METRIC_NAME})}


def test_ten_thousand_metrics_through_the_queue(
    runner: LocalRunner, sqs: Any, admin_token: str, database: Engine
) -> None:
    # Given the traffic of sibling services: 10,000 metrics, 500 of them sent twice, 20 invalid
    messages, event_count = sibling_traffic()
    queue_url = runner.endpoints["ingest_queue_url"]
    metrics_path = f"/api/v1/metrics?metric_name={METRIC_NAME}&limit=1"

    # When it is put on the ingest queue and the runner drains it
    began = time.monotonic()
    ids = send(sqs, queue_url, messages)
    sent_after = time.monotonic() - began
    drained = wait_until(
        lambda: queued(sqs, queue_url) == 0 and total(runner, metrics_path) >= METRICS - len(INVALID),
        DRAIN_TIMEOUT_SECONDS,
    )
    seconds = time.monotonic() - began
    print(
        f"\n{len(messages)} messages ({METRICS + len(REPEATED)} metrics, {event_count} events) sent in "
        f"{sent_after:.1f}s, drained {seconds:.1f}s after the first: {len(messages) / seconds:.0f} messages/s"
    )

    # Then every valid metric is stored exactly once, the events too, and nothing went to the DLQ
    assert drained, f"not drained within {DRAIN_TIMEOUT_SECONDS}s: {queued(sqs, queue_url)} messages left"
    assert total(runner, metrics_path) == METRICS - len(INVALID)
    assert total(runner, f"/api/v1/events?event_name={EVENT_NAME}&limit=1") == event_count
    assert queued(sqs, runner.endpoints["dlq_url"]) == 0
    # And each invalid metric is a rejection of its message, at its position, with the reason
    expected = {
        ids[i]: message.invalid_positions for i, message in enumerate(messages) if message.invalid_positions
    }
    found = {message_id: rejections(runner, message_id, admin_token) for message_id in expected}
    assert sum(len(items) for items in found.values()) == len(INVALID)
    for message_id, items in found.items():
        assert sorted(item["position"] for item in items) == sorted(expected[message_id])
        for item in items:
            assert item["kind"] == "metric"
            assert json.loads(item["raw"])["metric_name"] == METRIC_NAME
            fields = {tuple(error["loc"])[-1] for error in item["reason"]}
            assert fields & {"metric_type", "value"}, item["reason"]
    # And the hourly and daily rollups count exactly the raw rows of each series in each UTC hour and day
    raw_hourly, raw_daily = series_counts(database, RAW_HOURLY), series_counts(database, RAW_DAILY)
    assert sum(raw_hourly.values()) == sum(raw_daily.values()) == METRICS - len(INVALID)
    assert len(raw_hourly) >= METRICS // 60 and len(raw_daily) >= METRICS // (24 * 60)  # spread out
    assert series_counts(database, ROLLUP_HOURLY) == raw_hourly
    assert series_counts(database, ROLLUP_DAILY) == raw_daily


def test_a_body_that_is_not_json_is_rejected_not_retried(
    runner: LocalRunner, sqs: Any, admin_token: str
) -> None:
    # Given a message whose body is not JSON at all
    queue_url = runner.endpoints["ingest_queue_url"]
    body = f"metric_name={METRIC_NAME}; value=1"

    # When it is sent
    message_id = sqs.send_message(QueueUrl=queue_url, MessageBody=body)["MessageId"]

    # Then it is recorded as one rejection of the whole message and deleted, not left for a retry
    assert wait_until(lambda: bool(rejections(runner, message_id, admin_token)), DRAIN_TIMEOUT_SECONDS)
    assert wait_until(lambda: queued(sqs, queue_url) == 0, timeout=3)
    [rejection] = rejections(runner, message_id, admin_token)
    assert (rejection["kind"], rejection["position"], rejection["raw"]) == ("message", -1, body)
    assert rejection["reason"]


def test_rejections_are_for_admins_only(runner: LocalRunner) -> None:
    viewer = runner.request("GET", "/api/v1/ingest/rejections", token=runner.token("viewer"))
    anonymous = runner.request("GET", "/api/v1/ingest/rejections")

    assert viewer.status == 403
    assert anonymous.status == 401


def test_an_item_the_database_refuses_is_one_rejection_and_its_batch_is_stored_once(
    runner: LocalRunner, sqs: Any, admin_token: str, database: Engine
) -> None:
    # Given a database that refuses one metric name (as it would any value it cannot hold), and a batch of
    # messages holding one such item among valid ones, one of them with an offset PostgreSQL cannot read
    poison = f"e2e_poison_{RUN}"
    name = f"e2e_batch_{RUN}"
    with database.begin() as connection:
        connection.execute(
            text(f"ALTER TABLE metrics ADD CONSTRAINT refuses_{RUN} CHECK (metric_name <> '{poison}')")
        )
    valid = [
        {
            **metric(n),
            "metric_type": "project",
            "value": float(n),
            "metric_name": name,
            "idempotency_key": f"{RUN}-batch-{n}",
        }
        for n in range(30)
    ]
    valid[0]["timestamp"] = "2026-12-02T10:00:00+21:23"
    refused = {**metric(99), "metric_name": poison, "idempotency_key": f"{RUN}-poison"}
    bodies = [json.dumps({"metrics": valid[n : n + 3]}) for n in range(0, 30, 3)]
    bodies[4] = json.dumps({"metrics": [*valid[12:15], refused]})
    queue_url = runner.endpoints["ingest_queue_url"]
    log_before = runner.log.stat().st_size

    # When they are sent in one SendMessageBatch and the runner drains the queue
    try:
        ids = send(sqs, queue_url, [Outgoing(body) for body in bodies])
        stored_path = f"/api/v1/metrics?metric_name={name}&limit=1"
        drained = wait_until(
            lambda: queued(sqs, queue_url) == 0 and total(runner, stored_path) >= 30, DRAIN_TIMEOUT_SECONDS
        )
    finally:
        with database.begin() as connection:
            connection.execute(text(f"ALTER TABLE metrics DROP CONSTRAINT refuses_{RUN}"))

    # Then every valid item is stored once, the refused one is one rejection with the database's reason,
    # nothing was handed back to SQS, and the dead-letter queue is empty
    assert drained, f"not drained within {DRAIN_TIMEOUT_SECONDS}s: {queued(sqs, queue_url)} messages left"
    assert total(runner, stored_path) == 30
    assert total(runner, f"/api/v1/metrics?metric_name={poison}&limit=1") == 0
    [rejection] = rejections(runner, ids[4], admin_token)
    assert (rejection["kind"], rejection["position"]) == ("metric", 3)
    assert (
        rejection["reason"][0]["type"] == "database_refused"
        and f"refuses_{RUN}" in rejection["reason"][0]["msg"]
    )
    assert queued(sqs, runner.endpoints["dlq_url"]) == 0
    with runner.log.open("rb") as log:
        log.seek(log_before)
        assert b"handed back to SQS to retry" not in log.read()
    with database.connect() as connection:
        moment = connection.execute(
            text('SELECT "timestamp" FROM metrics WHERE idempotency_key = :key'), {"key": f"{RUN}-batch-0"}
        ).scalar_one()
    assert moment == dt.datetime(2026, 12, 1, 12, 37, tzinfo=dt.UTC)


def test_analytics_local_redrive_hands_dead_letters_back_to_the_ingest_function(
    runner: LocalRunner, sqs: Any
) -> None:
    # Given a valid metric that ended in the dead-letter queue (as after a long database outage)
    name = f"e2e_redrive_{RUN}"
    dlq_url = runner.endpoints["dlq_url"]
    body = {"service_name": "projects", "metric_type": "project", "metric_name": name, "value": 1.0}
    sqs.send_message(QueueUrl=dlq_url, MessageBody=json.dumps(body))

    # When the README's recovery is run locally
    result = runner.cli("redrive", "ingest")

    # Then the message went back to the ingest queue and its metric was stored
    assert result.returncode == 0, result.stderr
    assert "moved from analytics-ingest-dlq back to analytics-ingest" in result.stdout
    assert queued(sqs, dlq_url) == 0
    assert wait_until(
        lambda: total(runner, f"/api/v1/metrics?metric_name={name}") == 1, DRAIN_TIMEOUT_SECONDS
    )
