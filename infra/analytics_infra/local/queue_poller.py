"""`up`'s stand-in for Lambda's SQS event source: a thread that long-polls the local ingest queue,
hands the ingest function one batch at a time and deletes the messages it did not report as failures
(ReportBatchItemFailures). The rest reappear after the queue's visibility timeout, and after its
redrive limit moto moves them to the dead-letter queue on the next receive, as SQS does."""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from analytics_infra.local.aws import REGION, AwsResources
from analytics_infra.local.functions import Functions
from analytics_infra.local.sqs_events import messages_to_retry, sqs_event

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef

INGEST_FUNCTION = "ingest"
# Lambda gathers a batch until it is full or its batching window has passed since the first message.
# The stack's batch size; a shorter window than its five seconds, and a long poll that comes back empty
# ends it too, so locally a lone message is stored within about two seconds.
BATCH_SIZE = 1000
BATCHING_WINDOW_SECONDS = 1.0
# A long poll; also how long stopping may wait for a receive to return.
WAIT_SECONDS = 1
SQS_MAX_PER_CALL = 10  # ReceiveMessage and DeleteMessageBatch take at most ten messages


class IngestPoller:
    def __init__(
        self,
        sqs: SQSClient,
        queue_url: str,
        functions: Functions,
        progress: Callable[[str], None],
        *,
        batch_size: int = BATCH_SIZE,
        window_seconds: float = BATCHING_WINDOW_SECONDS,
        wait_seconds: int = WAIT_SECONDS,
        log: TextIO = sys.stderr,
    ) -> None:
        self._sqs = sqs
        self._queue_url = queue_url
        self._functions = functions
        self._progress = progress
        self._batch_size = batch_size
        self._window_seconds = window_seconds
        self._wait_seconds = wait_seconds
        self._log = log
        self._queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ingest-poller", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Returns once the batch in hand (if any) is handed over and its messages deleted."""
        self._stopping.set()
        self._thread.join()

    def drain_batch(self) -> int:
        """Gathers one batch, invokes the function on it and deletes what it finished; returns how many
        messages the batch had (0 when a long poll found the queue empty)."""
        messages = self._gather()
        if not messages:
            return 0
        retry = self._invoke(messages)
        self._delete([message for message in messages if message["MessageId"] not in retry])
        noun = "message" if len(messages) == 1 else "messages"
        self._progress(f"ingest: {len(messages)} {noun}, {len(retry)} to retry")
        return len(messages)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.drain_batch()
            except (BotoCoreError, ClientError) as exc:
                # Messages already received come back after the visibility timeout.
                self._progress(f"ingest: the queue failed, trying again: {exc}")
                self._stopping.wait(self._wait_seconds)

    def _gather(self) -> list[MessageTypeDef]:
        messages = self._receive(self._batch_size)
        deadline = time.monotonic() + self._window_seconds
        while (
            messages
            and len(messages) < self._batch_size
            and time.monotonic() < deadline
            and not self._stopping.is_set()
        ):
            more = self._receive(self._batch_size - len(messages))
            if not more:
                break
            messages += more
        return messages

    def _receive(self, wanted: int) -> list[MessageTypeDef]:
        response = self._sqs.receive_message(
            QueueUrl=self._queue_url,
            MaxNumberOfMessages=min(wanted, SQS_MAX_PER_CALL),
            WaitTimeSeconds=self._wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        return list(response.get("Messages", []))

    def _invoke(self, messages: list[MessageTypeDef]) -> set[str]:
        """The ids of the messages to leave on the queue; all of them when the function raises."""
        message_ids = [message["MessageId"] for message in messages]
        try:
            response = self._functions.invoke(INGEST_FUNCTION, sqs_event(messages, self._queue_arn))
        except Exception:
            # Lambda counts an error as the failure of the whole batch; the details go to the log.
            print(f"[{INGEST_FUNCTION}] a batch of {len(messages)} messages failed:", file=self._log)
            traceback.print_exc(file=self._log)
            return set(message_ids)
        return messages_to_retry(response, message_ids)

    def _delete(self, messages: list[MessageTypeDef]) -> None:
        for start in range(0, len(messages), SQS_MAX_PER_CALL):
            chunk = messages[start : start + SQS_MAX_PER_CALL]
            response = self._sqs.delete_message_batch(
                QueueUrl=self._queue_url,
                Entries=[
                    {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
                    for index, message in enumerate(chunk)
                ],
            )
            for failure in response.get("Failed", []):
                message_id = chunk[int(failure["Id"])]["MessageId"]
                self._progress(f"ingest: message {message_id} stays queued: {failure.get('Message')}")


@contextmanager
def draining_ingest_queue(
    functions: Functions, aws: AwsResources, progress: Callable[[str], None]
) -> Iterator[IngestPoller]:
    """The ingest queue drained into the ingest function until the block exits."""
    sqs = boto3.client("sqs", endpoint_url=aws.endpoint_url, region_name=REGION)
    poller = IngestPoller(sqs, aws.ingest_queue_url, functions, progress)
    poller.start()
    try:
        yield poller
    finally:
        poller.stop()
