"""Lambda's SQS event source, the pure parts: records as Lambda shapes them, and which messages a
partial batch response leaves on the queue."""

from __future__ import annotations

from typing import Any

import pytest

from analytics_infra.local.sqs_events import lambda_record, messages_to_retry, sqs_event

QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:analytics-ingest"


def received(message_id: str = "m-1", **changes: Any) -> dict[str, Any]:
    """A message as boto3's ReceiveMessage returns it with all attributes asked for."""
    message = {
        "MessageId": message_id,
        "ReceiptHandle": f"handle-{message_id}",
        "MD5OfBody": "bb6cb5c68df4652941caf652a366f2d8",
        "Body": '{"a":1}',
        "Attributes": {
            "SenderId": "AIDAIT2UOQQY3AUEKVGXU",
            "SentTimestamp": "1795378560163",
            "ApproximateReceiveCount": "1",
            "ApproximateFirstReceiveTimestamp": "1795378560166",
        },
    }
    return {**message, **changes}


def test_a_message_becomes_a_record_as_lambda_shapes_it() -> None:
    record = lambda_record(received(), QUEUE_ARN)

    assert record == {
        "messageId": "m-1",
        "receiptHandle": "handle-m-1",
        "body": '{"a":1}',
        "attributes": {
            "SenderId": "AIDAIT2UOQQY3AUEKVGXU",
            "SentTimestamp": "1795378560163",
            "ApproximateReceiveCount": "1",
            "ApproximateFirstReceiveTimestamp": "1795378560166",
        },
        "messageAttributes": {},
        "md5OfBody": "bb6cb5c68df4652941caf652a366f2d8",
        "eventSource": "aws:sqs",
        "eventSourceARN": QUEUE_ARN,
        "awsRegion": "eu-west-1",
    }


def test_message_attributes_are_camel_case_with_binary_in_base64() -> None:
    message = received(
        MD5OfMessageAttributes="3d3357af1b61e1c0c586203d40fb9424",
        MessageAttributes={
            "source": {"StringValue": "crm", "DataType": "String"},
            "count": {"StringValue": "3", "DataType": "Number"},
            "blob": {"BinaryValue": b"\x00\x01", "DataType": "Binary"},
        },
    )

    record = lambda_record(message, QUEUE_ARN)

    assert record["md5OfMessageAttributes"] == "3d3357af1b61e1c0c586203d40fb9424"
    assert record["messageAttributes"] == {
        "source": {
            "stringValue": "crm",
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "String",
        },
        "count": {"stringValue": "3", "stringListValues": [], "binaryListValues": [], "dataType": "Number"},
        "blob": {"binaryValue": "AAE=", "stringListValues": [], "binaryListValues": [], "dataType": "Binary"},
    }


def test_one_event_holds_every_message_in_order() -> None:
    event = sqs_event([received("m-1"), received("m-2"), received("m-3")], QUEUE_ARN)

    assert [record["messageId"] for record in event["Records"]] == ["m-1", "m-2", "m-3"]
    assert {record["eventSourceARN"] for record in event["Records"]} == {QUEUE_ARN}


IDS = ["m-1", "m-2", "m-3"]


@pytest.mark.parametrize(
    "response",
    [None, {}, {"batchItemFailures": None}, {"batchItemFailures": []}],
    ids=["null response", "empty response", "null failures", "no failures"],
)
def test_a_response_without_failures_finishes_the_whole_batch(response: object) -> None:
    assert messages_to_retry(response, IDS) == set()


def test_the_failures_named_are_retried() -> None:
    response = {"batchItemFailures": [{"itemIdentifier": "m-1"}, {"itemIdentifier": "m-3"}]}

    assert messages_to_retry(response, IDS) == {"m-1", "m-3"}


@pytest.mark.parametrize(
    "response",
    [
        {"batchItemFailures": [{"itemIdentifier": "not-in-the-batch"}]},
        {"batchItemFailures": [{"itemIdentifier": ""}]},
        {"batchItemFailures": [{"itemIdentifier": None}]},
        {"batchItemFailures": [{"messageId": "m-1"}]},
        {"batchItemFailures": ["m-1"]},
        {"batchItemFailures": "m-1"},
        "done",
        ["m-1"],
    ],
    ids=[
        "unknown id",
        "empty id",
        "null id",
        "bad key name",
        "bare id",
        "failures not a list",
        "a string",
        "a list",
    ],
)
def test_an_invalid_response_fails_the_whole_batch(response: object) -> None:
    assert messages_to_retry(response, IDS) == set(IDS)
