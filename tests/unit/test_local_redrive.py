"""`analytics-local redrive`: a dead-letter queue's messages moved back to their source queue (moto's SQS)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from analytics_infra.local.aws import CREDENTIALS, REGION
from analytics_infra.local.redrive import move_messages


@pytest.fixture
def sqs(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield boto3.client("sqs", region_name=REGION)


def received_all(sqs: Any, queue_url: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    while batch := sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    ).get("Messages", []):
        messages += batch
    return messages


def test_every_dead_letter_goes_back_to_its_queue_with_its_attributes(sqs: Any) -> None:
    # Given 23 messages in a dead-letter queue, one with attributes
    source = sqs.create_queue(QueueName="ingest")["QueueUrl"]
    dlq = sqs.create_queue(QueueName="ingest-dlq")["QueueUrl"]
    for index in range(23):
        sqs.send_message(QueueUrl=dlq, MessageBody=f'{{"n": {index}}}')
    attributes = {"producer": {"DataType": "String", "StringValue": "partners_crm"}}
    sqs.send_message(QueueUrl=dlq, MessageBody='{"n": 23}', MessageAttributes=attributes)

    # When they are moved
    moved = move_messages(sqs, dlq, source)

    # Then the source queue has them all, and the dead-letter queue none
    back = received_all(sqs, source)
    assert moved == 24
    assert sorted(message["Body"] for message in back) == sorted(f'{{"n": {n}}}' for n in range(24))
    (with_attributes,) = [message for message in back if message.get("MessageAttributes")]
    assert with_attributes["MessageAttributes"]["producer"]["StringValue"] == "partners_crm"
    assert (
        sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"][
            "ApproximateNumberOfMessages"
        ]
        == "0"
    )


def test_nothing_leaves_the_dead_letter_queue_when_the_source_refuses_it(sqs: Any) -> None:
    dlq = sqs.create_queue(QueueName="ingest-dlq")["QueueUrl"]
    sqs.send_message(QueueUrl=dlq, MessageBody="{}")
    gone = dlq.replace("ingest-dlq", "no-such-queue")

    with pytest.raises(ClientError, match="does not exist"):
        move_messages(sqs, dlq, gone)

    counts = sqs.get_queue_attributes(
        QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    assert (
        int(counts["ApproximateNumberOfMessages"]) + int(counts["ApproximateNumberOfMessagesNotVisible"]) == 1
    )
