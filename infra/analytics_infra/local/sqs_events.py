"""Lambda's SQS event source, the pure parts: received messages become one SQS event the way Lambda
shapes it, and the function's partial batch response says which messages to delete."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

EVENT_SOURCE = "aws:sqs"


def sqs_event(messages: Iterable[Mapping[str, Any]], queue_arn: str) -> dict[str, Any]:
    """The event Lambda hands the function for messages received (boto3's ReceiveMessage shape)."""
    return {"Records": [lambda_record(message, queue_arn) for message in messages]}


def lambda_record(message: Mapping[str, Any], queue_arn: str) -> dict[str, Any]:
    """One received message as a record of the event: system attributes as strings, message attributes
    in camelCase with binary values in base64."""
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": {name: str(value) for name, value in message.get("Attributes", {}).items()},
        "messageAttributes": {
            name: _message_attribute(value) for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message["MD5OfBody"],
        "eventSource": EVENT_SOURCE,
        "eventSourceARN": queue_arn,
        "awsRegion": queue_arn.split(":")[3],
    }
    if "MD5OfMessageAttributes" in message:
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def messages_to_retry(response: object, message_ids: Sequence[str]) -> set[str]:
    """The messages Lambda leaves on the queue after the function answered `response` for a batch of
    `message_ids` (ReportBatchItemFailures): none when it reports no failures; the failures it names;
    the whole batch when the response is not a valid partial batch response."""
    everything = set(message_ids)
    if response is None:
        return set()
    if not isinstance(response, Mapping):
        return everything
    failures = response.get("batchItemFailures")
    if failures is None:
        return set()
    if not isinstance(failures, list):
        return everything
    retry = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, Mapping) else None
        if not isinstance(identifier, str) or identifier not in everything:
            return everything
        retry.add(identifier)
    return retry


def _message_attribute(value: Mapping[str, Any]) -> dict[str, Any]:
    attribute: dict[str, Any] = {
        "stringListValues": list(value.get("StringListValues", [])),
        "binaryListValues": [_base64(item) for item in value.get("BinaryListValues", [])],
        "dataType": value["DataType"],
    }
    if "StringValue" in value:
        attribute["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        attribute["binaryValue"] = _base64(value["BinaryValue"])
    return attribute


def _base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
