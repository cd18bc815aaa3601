"""The reports queue in the runner's moto set-up, drained into a fake report worker the way `up` drains
it: small batches, partial failures retried, the dead-letter queue after the stack's redrive limit;
and the rest of what `create_resources` sets up for reports (SES sender, environment)."""

from __future__ import annotations

import io
import json
import time
from typing import Any

import boto3
import pytest

from analytics_infra import resources
from analytics_infra.local.aws import REGION, AwsResources
from analytics_infra.local.event_sources import (
    REPORT_WORKER_FUNCTION,
    REPORTS_BATCH_SIZE,
    draining_queues,
    event_sources,
)
from analytics_infra.local.queue_poller import EventSource, QueuePoller
from tests.unit.test_local_ingest import aws, counts, expire_visibility, failing, moto_endpoint, send, sqs
from tests.unit.test_local_lambda_service import ScriptedFunctions

__all__ = ["aws", "moto_endpoint", "sqs"]  # fixtures shared with the ingest tests


def report_source(aws: AwsResources) -> EventSource:
    [source] = [source for source in event_sources(aws) if source.function == REPORT_WORKER_FUNCTION]
    return source


def worker_poller(sqs: Any, aws: AwsResources, fake: ScriptedFunctions, lines: list[str]) -> QueuePoller:
    return QueuePoller(
        sqs, report_source(aws), fake.functions(), lines.append, wait_seconds=0, log=io.StringIO()
    )


def test_the_report_worker_drains_the_reports_queue_in_small_batches(sqs: Any, aws: AwsResources) -> None:
    # Given five report requests on the reports queue
    ids = send(sqs, aws.reports_queue_url, 5)
    fake = ScriptedFunctions(report_worker=lambda event: {"batchItemFailures": []})
    lines: list[str] = []
    poller = worker_poller(sqs, aws, fake, lines)

    # When the poller drains until the queue is empty
    while poller.drain_batch():
        pass

    # Then the report worker got them all, a few at a time, as SQS events of the reports queue
    assert 1 <= REPORTS_BATCH_SIZE <= 5
    assert {name for name, _ in fake.events} == {"report_worker"}
    sizes = [len(event["Records"]) for _, event in fake.events]
    assert max(sizes) <= REPORTS_BATCH_SIZE and sum(sizes) == 5
    records = [record for _, event in fake.events for record in event["Records"]]
    assert sorted(record["messageId"] for record in records) == sorted(ids)
    queue_arn = f"arn:aws:sqs:{REGION}:123456789012:{resources.REPORTS_QUEUE}"
    assert {record["eventSourceARN"] for record in records} == {queue_arn}
    assert counts(sqs, aws.reports_queue_url) == (0, 0)
    assert lines[0].startswith("report_worker: ")


def test_a_report_that_keeps_failing_lands_in_the_reports_dlq(sqs: Any, aws: AwsResources) -> None:
    # Given a request the worker always reports as failed (a transient error each time)
    [message_id] = send(sqs, aws.reports_queue_url, 1)
    fake = ScriptedFunctions(report_worker=failing({"0"}))
    poller = worker_poller(sqs, aws, fake, [])

    # When it is retried whenever its visibility timeout passes
    for _ in range(resources.REPORTS_MAX_RECEIVES):
        assert poller.drain_batch() == 1
        expire_visibility(sqs, aws.reports_queue_url, fake.events[-1][1]["Records"])
    drained_after_the_limit = poller.drain_batch()

    # Then it was tried up to the stack's limit and moved to the reports DLQ, not the ingest one
    assert len(fake.events) == resources.REPORTS_MAX_RECEIVES
    assert drained_after_the_limit == 0
    dead = sqs.receive_message(QueueUrl=aws.reports_dlq_url, MaxNumberOfMessages=10)["Messages"]
    assert [message["MessageId"] for message in dead] == [message_id]
    assert counts(sqs, aws.dlq_url) == (0, 0)


def test_a_crashing_worker_leaves_the_batch_for_a_retry(sqs: Any, aws: AwsResources) -> None:
    send(sqs, aws.reports_queue_url, 1)

    def crash(event: Any) -> Any:
        raise RuntimeError("S3 unreachable")

    lines: list[str] = []
    assert worker_poller(sqs, aws, ScriptedFunctions(report_worker=crash), lines).drain_batch() == 1

    assert counts(sqs, aws.reports_queue_url) == (0, 1)
    assert lines == ["report_worker: 1 message, 1 to retry"]


def test_up_drains_both_queues_each_into_its_own_function(sqs: Any, aws: AwsResources) -> None:
    # Given `up`'s pollers running over fake functions
    fake = ScriptedFunctions(
        ingest=lambda event: {"batchItemFailures": []}, report_worker=lambda event: {"batchItemFailures": []}
    )
    lines: list[str] = []

    # When a message arrives on each queue
    with draining_queues(fake.functions(), aws, lines.append):
        send(sqs, aws.ingest_queue_url, 1)
        send(sqs, aws.reports_queue_url, 1)
        deadline = time.monotonic() + 10
        while len(fake.events) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        began = time.monotonic()

    # Then each went to its function, and both pollers stopped within about one long poll
    assert sorted(name for name, _ in fake.events) == ["ingest", "report_worker"]
    assert counts(sqs, aws.ingest_queue_url) == (0, 0)
    assert counts(sqs, aws.reports_queue_url) == (0, 0)
    assert time.monotonic() - began < 2.5


def test_the_reports_queue_retries_within_seconds_and_keeps_the_stacks_redrive_limit(
    sqs: Any, aws: AwsResources
) -> None:
    attributes = sqs.get_queue_attributes(QueueUrl=aws.reports_queue_url, AttributeNames=["All"])[
        "Attributes"
    ]

    assert int(attributes["VisibilityTimeout"]) <= 30
    redrive = json.loads(attributes["RedrivePolicy"])
    assert int(redrive["maxReceiveCount"]) == resources.REPORTS_MAX_RECEIVES
    assert redrive["deadLetterTargetArn"].endswith(f":{resources.REPORTS_DLQ}")


def test_the_reports_sender_is_verified_in_ses(aws: AwsResources) -> None:
    ses = boto3.client("ses", endpoint_url=aws.endpoint_url, region_name=REGION)

    assert aws.email_sender in ses.list_identities()["Identities"]
    # moto refuses an unverified sender, so this would fail without it
    ses.send_email(
        Source=aws.email_sender,
        Destination={"ToAddresses": ["board@example.org"]},
        Message={"Subject": {"Data": "report"}, "Body": {"Text": {"Data": "link"}}},
    )


@pytest.mark.parametrize(
    ("variable", "expected"),
    [
        ("REPORTS_QUEUE_URL", lambda aws: aws.reports_queue_url),
        (
            "SCHEDULER_FUNCTION_ARN",
            lambda aws: "arn:aws:lambda:us-east-1:123456789012:function:analytics-scheduler",
        ),
        ("AWS_ENDPOINT_URL_LAMBDA", lambda aws: "http://127.0.0.1:9"),
        ("AWS_ENDPOINT_URL", lambda aws: aws.endpoint_url),
    ],
)
def test_the_functions_environment_names_the_reports_resources(
    aws: AwsResources, variable: str, expected: Any
) -> None:
    assert aws.environment()[variable] == expected(aws)
