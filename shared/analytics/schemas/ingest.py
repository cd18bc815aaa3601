"""Shapes of the ingest queue's side: messages in, rejections kept."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


@dataclass(frozen=True)
class QueueMessage:
    """One SQS message as the consumer sees it."""

    message_id: str
    body: str
    sent_at: dt.datetime  # SQS's SentTimestamp: the same on every redelivery


@dataclass(frozen=True)
class MessageItems(Generic[T]):
    """The valid items of one message (None where an item was invalid, so positions are kept).

    Items without a timestamp take `sent_at`; without an idempotency key, and when the message has an
    id, they get `sqs:<message id>:<position>`.
    """

    message_id: str | None
    sent_at: dt.datetime
    items: Sequence[T | None]
    first_position: int = 0


@dataclass(frozen=True)
class Rejection:
    message_id: str
    position: int  # the item's position in its message; -1 for a message that could not be read
    kind: str  # metric, event or message
    raw: str
    reason: list[dict[str, Any]]


@dataclass
class IngestReport:
    messages: int
    metrics_stored: int = 0
    events_stored: int = 0
    rejected: int = 0
    retry: list[str] = field(default_factory=list)  # ids of messages SQS should deliver again


class RejectionResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    message_id: str
    position: int
    kind: str
    raw: str
    reason: list[dict[str, Any]]
    received_at: dt.datetime


class RejectionFilters(BaseModel):
    message_id: str | None = None
    kind: str | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
