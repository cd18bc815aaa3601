"""The queue poller draining the ingest queue, against the runner's own moto set-up, with a fake ingest
function: which messages are deleted, which stay for a retry, and the dead-letter queue after the
redrive limit."""

from __future__ import annotations

import io
import json
import time
import urllib.request
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import boto3
import pytest

from analytics.settings import Settings
from analytics_infra import resources
from analytics_infra.local.aws import CREDENTIALS, REGION, AwsResources, MotoServer, create_resources
from analytics_infra.local.event_sources import event_sources
from analytics_infra.local.functions import Functions
from analytics_infra.local.queue_poller import EventSource, QueuePoller

Answer = Callable[[dict[str, Any]], Any]


class FakeFunction:
    """Stands in for a function's handler.py: keeps every event, answers as told."""

    def __init__(self, answer: Answer = lambda event: {"batchItemFailures": []}) -> None:
        self.answer = answer
        self.events: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        self.events.append(event)
        return self.answer(event)

    def functions(self) -> Functions:
        def import_module(name: str) -> ModuleType:
            module = ModuleType(name)
            module.lambda_handler = self  # type: ignore[attr-defined]
            return module

        return Functions(import_module)

    @property
    def batch_sizes(self) -> list[int]:
        return [len(event["Records"]) for event in self.events]

    @property
    def last_records(self) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = self.events[-1]["Records"]
        return records


def failing(bodies: set[str]) -> Answer:
    """An answer reporting the records with these bodies as failures (a transient error)."""
    return lambda event: {
        "batchItemFailures": [
            {"itemIdentifier": record["messageId"]} for record in event["Records"] if record["body"] in bodies
        ]
    }


def crashing(event: dict[str, Any]) -> Any:
    raise RuntimeError("database unreachable")


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    server = MotoServer()
    endpoint = server.start()
    yield endpoint
    server.stop()


@pytest.fixture
def aws(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> AwsResources:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    reset(moto_endpoint)
    return create_resources(moto_endpoint, Settings(), lambda_endpoint_url="http://127.0.0.1:9")


@pytest.fixture
def sqs(aws: AwsResources) -> Any:
    return boto3.client("sqs", endpoint_url=aws.endpoint_url, region_name=REGION)


def reset(endpoint: str) -> None:
    """moto's state is per process: every test starts from the runner's fresh set-up."""
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def send(sqs: Any, queue_url: str, count: int) -> list[str]:
    """`count` messages with bodies "0", "1", ...; returns their ids in order."""
    ids: list[str] = []
    for start in range(0, count, 10):
        entries = [{"Id": str(n), "MessageBody": str(n)} for n in range(start, min(start + 10, count))]
        sent = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)["Successful"]
        ids += [entry["MessageId"] for entry in sorted(sent, key=lambda entry: int(entry["Id"]))]
    return ids


def counts(sqs: Any, queue_url: str) -> tuple[int, int]:
    """(visible, in flight) messages of the queue."""
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return (
        int(attributes["ApproximateNumberOfMessages"]),
        int(attributes["ApproximateNumberOfMessagesNotVisible"]),
    )


def expire_visibility(sqs: Any, queue_url: str, records: list[dict[str, Any]]) -> None:
    """What the visibility timeout does, without waiting for it."""
    for record in records:
        sqs.change_message_visibility(
            QueueUrl=queue_url, ReceiptHandle=record["receiptHandle"], VisibilityTimeout=0
        )
    time.sleep(0.01)  # moto shows a message again once its visibility time is strictly past


def poller(
    sqs: Any, aws: AwsResources, ingest: FakeFunction, lines: list[str], **options: Any
) -> QueuePoller:
    batching: dict[str, Any] = {"batch_size": 100, "window_seconds": 1.0, **options}
    wait_seconds = batching.pop("wait_seconds", 0)
    source = EventSource("ingest", aws.ingest_queue_url, **batching)
    return QueuePoller(
        sqs, source, ingest.functions(), lines.append, wait_seconds=wait_seconds, log=io.StringIO()
    )


def test_a_batch_is_one_event_of_sqs_records(sqs: Any, aws: AwsResources) -> None:
    # Given three messages on the ingest queue
    ids = send(sqs, aws.ingest_queue_url, 3)
    ingest = FakeFunction()
    lines: list[str] = []

    # When one batch is drained
    drained = poller(sqs, aws, ingest, lines).drain_batch()

    # Then the function got them as one SQS event, and they are gone from the queue
    assert drained == 3
    records = ingest.last_records
    assert [record["messageId"] for record in records] == ids
    assert [record["body"] for record in records] == ["0", "1", "2"]
    queue_arn = f"arn:aws:sqs:{REGION}:123456789012:{resources.INGEST_QUEUE}"
    assert {record["eventSourceARN"] for record in records} == {queue_arn}
    assert {record["attributes"]["ApproximateReceiveCount"] for record in records} == {"1"}
    assert counts(sqs, aws.ingest_queue_url) == (0, 0)
    assert lines == ["ingest: 3 messages, 0 to retry"]


def test_failed_messages_stay_and_the_others_are_deleted(sqs: Any, aws: AwsResources) -> None:
    # Given 25 messages and a function reporting two of them as failures
    ids = send(sqs, aws.ingest_queue_url, 25)
    ingest = FakeFunction(failing({"4", "17"}))
    lines: list[str] = []

    # When one batch is drained
    poller(sqs, aws, ingest, lines).drain_batch()

    # Then only those two are left, in flight until their visibility timeout
    assert counts(sqs, aws.ingest_queue_url) == (0, 2)
    assert lines == ["ingest: 25 messages, 2 to retry"]
    failed = [record for record in ingest.last_records if record["body"] in {"4", "17"}]
    expire_visibility(sqs, aws.ingest_queue_url, failed)
    again = sqs.receive_message(QueueUrl=aws.ingest_queue_url, MaxNumberOfMessages=10)["Messages"]
    assert sorted(message["MessageId"] for message in again) == sorted([ids[4], ids[17]])


def test_a_crash_deletes_nothing(sqs: Any, aws: AwsResources) -> None:
    # Given 25 messages and a function that raises
    send(sqs, aws.ingest_queue_url, 25)
    log = io.StringIO()
    lines: list[str] = []
    crashing_poller = QueuePoller(
        sqs,
        EventSource("ingest", aws.ingest_queue_url, batch_size=1000, window_seconds=1.0),
        FakeFunction(crashing).functions(),
        lines.append,
        wait_seconds=0,
        log=log,
    )

    # When one batch is drained
    drained = crashing_poller.drain_batch()

    # Then every message stays for a retry, and the error is in the log
    assert drained == 25
    assert counts(sqs, aws.ingest_queue_url) == (0, 25)
    assert lines == ["ingest: 25 messages, 25 to retry"]
    assert "RuntimeError: database unreachable" in log.getvalue()


def test_an_invalid_response_deletes_nothing(sqs: Any, aws: AwsResources) -> None:
    send(sqs, aws.ingest_queue_url, 5)
    ingest = FakeFunction(lambda event: {"batchItemFailures": [{"itemIdentifier": "no-such-message"}]})

    poller(sqs, aws, ingest, []).drain_batch()

    assert counts(sqs, aws.ingest_queue_url) == (0, 5)


def test_batches_stop_at_the_batch_size(sqs: Any, aws: AwsResources) -> None:
    ids = send(sqs, aws.ingest_queue_url, 25)
    ingest = FakeFunction()
    small = poller(sqs, aws, ingest, [], batch_size=10)

    drained = [small.drain_batch() for _ in range(4)]

    assert drained == [10, 10, 5, 0]
    assert ingest.batch_sizes == [10, 10, 5]
    handed_over = [record["messageId"] for event in ingest.events for record in event["Records"]]
    assert sorted(handed_over) == sorted(ids)


def test_an_empty_queue_invokes_nothing(sqs: Any, aws: AwsResources) -> None:
    ingest = FakeFunction()
    lines: list[str] = []

    assert poller(sqs, aws, ingest, lines).drain_batch() == 0
    assert ingest.events == []
    assert lines == []


def test_after_the_redrive_limit_a_failing_message_is_in_the_dlq(sqs: Any, aws: AwsResources) -> None:
    # Given a message the function always reports as failed
    [message_id] = send(sqs, aws.ingest_queue_url, 1)
    ingest = FakeFunction(failing({"0"}))
    always_failing = poller(sqs, aws, ingest, [])

    # When it is retried whenever its visibility timeout passes
    for _ in range(resources.INGEST_MAX_RECEIVES):
        assert always_failing.drain_batch() == 1
        expire_visibility(sqs, aws.ingest_queue_url, ingest.last_records)
    drained_after_the_limit = always_failing.drain_batch()

    # Then it was tried exactly up to the limit and moto moved it to the dead-letter queue
    receive_counts = [event["Records"][0]["attributes"]["ApproximateReceiveCount"] for event in ingest.events]
    assert receive_counts == [str(n) for n in range(1, resources.INGEST_MAX_RECEIVES + 1)]
    assert drained_after_the_limit == 0
    assert counts(sqs, aws.ingest_queue_url) == (0, 0)
    dead = sqs.receive_message(QueueUrl=aws.dlq_url, MaxNumberOfMessages=10)["Messages"]
    assert [(message["MessageId"], message["Body"]) for message in dead] == [(message_id, "0")]


def test_up_drains_the_ingest_queue_in_the_stacks_batches(aws: AwsResources) -> None:
    ingest = next(source for source in event_sources(aws) if source.queue_url == aws.ingest_queue_url)

    assert (ingest.function, ingest.batch_size) == ("ingest", 1000)
    assert ingest.window_seconds <= 5


def test_local_queue_retries_within_seconds_and_keeps_the_stacks_redrive_limit(
    sqs: Any, aws: AwsResources
) -> None:
    attributes = sqs.get_queue_attributes(QueueUrl=aws.ingest_queue_url, AttributeNames=["All"])["Attributes"]

    assert int(attributes["VisibilityTimeout"]) <= 10
    assert json.loads(attributes["RedrivePolicy"])["maxReceiveCount"] == resources.INGEST_MAX_RECEIVES


def test_the_thread_drains_what_arrives_and_stops_promptly(sqs: Any, aws: AwsResources) -> None:
    # Given a running poller long-polling an empty queue
    ingest = FakeFunction()
    lines: list[str] = []
    running = poller(sqs, aws, ingest, lines, wait_seconds=1, window_seconds=0)
    running.start()

    # When messages arrive
    send(sqs, aws.ingest_queue_url, 3)
    deadline = time.monotonic() + 10
    while not lines and time.monotonic() < deadline:
        time.sleep(0.05)
    began = time.monotonic()
    running.stop()

    # Then they are handed over and deleted, and stopping waits at most for one long poll
    assert lines == ["ingest: 3 messages, 0 to retry"]
    assert counts(sqs, aws.ingest_queue_url) == (0, 0)
    assert time.monotonic() - began < 2.5
