"""`analytics-local redrive`: the dead-letter recovery the README gives for AWS (`aws sqs
start-message-move-task`, which moto answers with a 500), for a running `up`: every message of a dead-letter
queue is moved back to the queue it came from, where the local event source hands it to its function again.
Moved messages are new messages there, with their bodies and attributes, as after a move task on AWS."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from analytics_infra.local.endpoints import aws_session, read_endpoints, talking_to
from analytics_infra.local.errors import LocalRunnerError

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import SendMessageBatchRequestEntryTypeDef

# Long enough to send a batch on and delete it; a message not moved by then shows in the DLQ again.
RECEIVE_VISIBILITY_SECONDS = 30


@dataclass(frozen=True)
class DeadLetters:
    """A dead-letter queue and its source queue, by their keys in endpoints.json."""

    name: str
    dlq_key: str
    source_key: str


QUEUES = (
    DeadLetters("ingest", "dlq_url", "ingest_queue_url"),
    DeadLetters("reports", "reports_dlq_url", "reports_queue_url"),
)
QUEUE_NAMES = tuple(queue.name for queue in QUEUES)


def run_redrive(names: Sequence[str], data_dir: Path, *, progress: Callable[[str], None]) -> None:
    """Moves the dead letters of the named queues (all when none is named) of the `up` on `data_dir`."""
    data_dir = data_dir.resolve()
    endpoints = read_endpoints(data_dir)
    sqs = aws_session(endpoints).client("sqs", endpoint_url=endpoints["aws_endpoint_url"])
    for queue in QUEUES:
        if names and queue.name not in names:
            continue
        dlq_url, source_url = endpoints[queue.dlq_key], endpoints[queue.source_key]
        moved = talking_to(data_dir, partial(move_messages, sqs, dlq_url, source_url))
        progress(f"redrive: {moved} message(s) moved from {_name(dlq_url)} back to {_name(source_url)}")


def move_messages(sqs: SQSClient, dlq_url: str, source_url: str) -> int:
    """Moves every message of `dlq_url` to `source_url`, ten at a time; answers how many. A message is
    deleted from the dead-letter queue only once the source queue has it."""
    moved = 0
    while True:
        messages = sqs.receive_message(
            QueueUrl=dlq_url,
            MaxNumberOfMessages=10,
            MessageAttributeNames=["All"],
            VisibilityTimeout=RECEIVE_VISIBILITY_SECONDS,
        ).get("Messages", [])
        if not messages:
            return moved
        entries: list[SendMessageBatchRequestEntryTypeDef] = [
            {"Id": str(index), "MessageBody": message["Body"]} for index, message in enumerate(messages)
        ]
        for entry, message in zip(entries, messages, strict=True):
            if message.get("MessageAttributes"):
                entry["MessageAttributes"] = message["MessageAttributes"]
        sent = sqs.send_message_batch(QueueUrl=source_url, Entries=entries)
        delivered = [messages[int(result["Id"])] for result in sent.get("Successful", [])]
        if delivered:
            sqs.delete_message_batch(
                QueueUrl=dlq_url,
                Entries=[
                    {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
                    for index, message in enumerate(delivered)
                ],
            )
        moved += len(delivered)
        if failed := sent.get("Failed"):
            raise LocalRunnerError(
                f"{moved} message(s) moved, then {_name(source_url)} refused {len(failed)}: "
                f"{failed[0].get('Message', failed[0]['Code'])} (they stay in {_name(dlq_url)})"
            )


def _name(queue_url: str) -> str:
    return queue_url.rstrip("/").rsplit("/", 1)[-1]
