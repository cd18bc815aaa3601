"""moto's SQS, fast enough for a backlog. For every message it hands out, moto reads the clock through
datetime arithmetic tens of thousands of times and rebuilds all of the queue's attributes three times
(each a scan of every message) just to read the retention period, so draining a few thousand queued
messages takes minutes. The same answers, computed cheaply, bring that down to seconds."""

from __future__ import annotations

import time
from datetime import datetime

from moto.core.utils import unix_time as _unix_time_of
from moto.sqs import models


def speed_up_sqs() -> None:
    """Replaces moto's SQS clock and retention check in this process (idempotent)."""
    models.unix_time = unix_time
    models.unix_time_millis = unix_time_millis
    models.SQSBackend.is_message_valid_based_on_retention_period = within_retention  # type: ignore[method-assign]


def unix_time(dt: datetime | None = None) -> float:
    return time.time() if dt is None else _unix_time_of(dt)


def unix_time_millis(dt: datetime | None = None) -> float:
    return unix_time(dt) * 1000.0


def within_retention(self: models.SQSBackend, queue_name: str, message: models.Message) -> bool:
    """Whether `message` is younger than its queue's MessageRetentionPeriod, read straight off the queue."""
    retention_seconds = int(self.get_queue(queue_name).message_retention_period)  # type: ignore[attr-defined]
    return bool(message.sent_timestamp / 1000 + retention_seconds > unix_time())  # type: ignore[operator]
