"""`up`'s stand-in for Lambda's SQS event source: a thread that long-polls one local queue, hands its
function one batch at a time and deletes the messages it did not report as failures
(ReportBatchItemFailures). The rest reappear after the queue's visibility timeout, and after its
redrive limit moto moves them to the dead-letter queue on the next receive, as SQS does."""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from botocore.exceptions import BotoCoreError, ClientError

from analytics_infra.local.functions import Functions
from analytics_infra.local.sqs_events import messages_to_retry, sqs_event

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef

# A long poll; also how long stopping may wait for a receive to return.
WAIT_SECONDS = 1
SQS_MAX_PER_CALL = 10  # ReceiveMessage and DeleteMessageBatch take at most ten messages


@dataclass(frozen=True)
class EventSource:
    """One event source mapping: the queue a function drains and how it batches. Lambda gathers a
    batch until it is full or its batching window has passed since the first message; locally a long
    poll that comes back empty ends the window too."""

    function: str
    queue_url: str
    batch_size: int
    window_seconds: float


class QueuePoller:
    def __init__(
        self,
        sqs: SQSClient,
        source: EventSource,
        functions: Functions,
        progress: Callable[[str], None],
        *,
        wait_seconds: int = WAIT_SECONDS,
        log: TextIO = sys.stderr,
    ) -> None:
        self._sqs = sqs
        self._source = source
        self._functions = functions
        self._progress = progress
        self._wait_seconds = wait_seconds
        self._log = log
        self._queue_arn = sqs.get_queue_attributes(QueueUrl=source.queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"{source.function}-poller", daemon=True)

    @property
    def source(self) -> EventSource:
        return self._source

    def start(self) -> None:
        self._thread.start()

    def request_stop(self) -> None:
        """Takes no new batch from here on, without waiting (several pollers stop together)."""
        self._stopping.set()

    def stop(self) -> None:
        """Returns once the batch in hand (if any) is handed over and its messages deleted."""
        self._stopping.set()
        if self._thread.is_alive():
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
        self._progress(f"{self._source.function}: {len(messages)} {noun}, {len(retry)} to retry")
        return len(messages)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.drain_batch()
            except (BotoCoreError, ClientError) as exc:
                # Messages already received come back after the visibility timeout.
                self._progress(f"{self._source.function}: the queue failed, trying again: {exc}")
                self._stopping.wait(self._wait_seconds)

    def _gather(self) -> list[MessageTypeDef]:
        batch_size = self._source.batch_size
        messages = self._receive(batch_size)
        deadline = time.monotonic() + self._source.window_seconds
        while (
            messages
            and len(messages) < batch_size
            and time.monotonic() < deadline
            and not self._stopping.is_set()
        ):
            more = self._receive(batch_size - len(messages))
            if not more:
                break
            messages += more
        return messages

    def _receive(self, wanted: int) -> list[MessageTypeDef]:
        response = self._sqs.receive_message(
            QueueUrl=self._source.queue_url,
            MaxNumberOfMessages=min(wanted, SQS_MAX_PER_CALL),
            WaitTimeSeconds=self._wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        return list(response.get("Messages", []))

    def _invoke(self, messages: list[MessageTypeDef]) -> set[str]:
        """The ids of the messages to leave on the queue; all of them when the function raises."""
        function = self._source.function
        message_ids = [message["MessageId"] for message in messages]
        try:
            response = self._functions.invoke(function, sqs_event(messages, self._queue_arn))
        except Exception:
            # Lambda counts an error as the failure of the whole batch; the details go to the log.
            print(f"[{function}] a batch of {len(messages)} messages failed:", file=self._log)
            traceback.print_exc(file=self._log)
            return set(message_ids)
        return messages_to_retry(response, message_ids)

    def _delete(self, messages: list[MessageTypeDef]) -> None:
        for start in range(0, len(messages), SQS_MAX_PER_CALL):
            chunk = messages[start : start + SQS_MAX_PER_CALL]
            response = self._sqs.delete_message_batch(
                QueueUrl=self._source.queue_url,
                Entries=[
                    {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
                    for index, message in enumerate(chunk)
                ],
            )
            for failure in response.get("Failed", []):
                message_id = chunk[int(failure["Id"])]["MessageId"]
                self._progress(
                    f"{self._source.function}: message {message_id} stays queued: {failure.get('Message')}"
                )
