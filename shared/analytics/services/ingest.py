"""The ingest queue's consumer: every item of a batch is stored once, or rejected with its reason.

A message body is one metric, or `{"metrics": [...], "events": [...]}`. Items that fail validation or
are older than the retention window (analytics.retention) are recorded as rejections and acknowledged,
so they are never retried forever and never dropped silently; their valid neighbours are stored. The
whole batch is one transaction: if the database is unavailable, nothing is half-stored and every message
is handed back to SQS to retry. If the database refuses the batch's data instead (an error no retry
would cure), the items are stored in parts until each refused one is found and rejected with the
database's reason: nothing is retried and nothing valid is lost. Items without an idempotency key get
`sqs:<message id>:<position>`, so a redelivered message stores nothing twice.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from analytics.errors import RefusedByDatabase, Unavailable
from analytics.http_detail import error_detail
from analytics.observability import logger
from analytics.ports import UnitOfWork
from analytics.retention import expired_detail, is_expired, oldest_kept
from analytics.schemas.common import NUL_CHECKED, Page
from analytics.schemas.events import EventCreate, EventFields
from analytics.schemas.ingest import (
    IngestReport,
    MessageItems,
    QueueMessage,
    Rejection,
    RejectionFilters,
    RejectionResponse,
)
from analytics.schemas.item_limits import storable
from analytics.schemas.metrics import MetricCreate, MetricFields
from analytics.services.isolate import store_isolating_refused

ENVELOPE_KEYS = frozenset({"metrics", "events"})


class Envelope(BaseModel):
    """A message of valid items, read from its JSON text and checked by pydantic-core in one pass."""

    model_config = ConfigDict(extra="forbid")

    metrics: list[MetricFields] = Field(default_factory=list)
    events: list[EventFields] = Field(default_factory=list)


M = TypeVar("M", MetricCreate, EventCreate)
T = TypeVar("T")

METRIC_LIST = TypeAdapter(list[MetricCreate])
EVENT_LIST = TypeAdapter(list[EventCreate])


class _Batch:
    def __init__(self, oldest: dt.datetime) -> None:
        self.oldest = oldest  # items timestamped earlier are refused (analytics.retention)
        self.metrics: list[MessageItems[MetricFields]] = []
        self.events: list[MessageItems[EventFields]] = []
        self.rejections: list[Rejection] = []

    def reject_message(self, message: QueueMessage, msg: str, type_: str) -> None:
        reason = [{"loc": [], "msg": msg, "type": type_}]
        self.rejections.append(Rejection(message.message_id, -1, "message", message.body, reason))

    def add(self, message: QueueMessage) -> None:
        if not self._add_valid_envelope(message):
            self._add_item_by_item(message)

    def _add_valid_envelope(self, message: QueueMessage) -> bool:
        """The common case, in two thirds of the time reading and checking item by item takes: an envelope
        whose items are all valid. A NUL character can only arrive escaped, and only MetricCreate and
        EventCreate look for it; numbers that are not finite and sizes over the limits are looked for here."""
        if "\\u0000" in message.body:
            return False
        try:
            envelope = Envelope.model_validate_json(message.body)
        except ValidationError:
            return False
        if not envelope.model_fields_set:  # `{}` is a metric without fields, not an empty envelope
            return False
        metrics_storable = all(storable(item.dimensions, item.meta) for item in envelope.metrics)
        if not metrics_storable or not all(storable({}, item.properties) for item in envelope.events):
            return False  # read again item by item, which names each item's problem
        timestamps = [item.timestamp for item in envelope.metrics] + [
            item.timestamp for item in envelope.events
        ]
        if any(is_expired(timestamp, self.oldest) for timestamp in timestamps):
            return False  # read again item by item, which rejects the expired ones and keeps the rest
        if envelope.metrics:
            self.metrics.append(MessageItems(message.message_id, message.sent_at, envelope.metrics))
        if envelope.events:
            first = len(envelope.metrics)
            self.events.append(MessageItems(message.message_id, message.sent_at, envelope.events, first))
        return True

    def _add_item_by_item(self, message: QueueMessage) -> None:
        try:
            body = json.loads(message.body)
        except ValueError as exc:  # not JSON, or an integer of more digits than Python reads
            self.reject_message(message, f"the body is not JSON: {exc}", "json_invalid")
            return
        except RecursionError:
            self.reject_message(message, "the body is nested too deeply to read", "json_invalid")
            return
        if isinstance(body, dict) and ENVELOPE_KEYS & body.keys():
            metric_items, event_items = body.get("metrics", []), body.get("events", [])
            unexpected = set(body) - ENVELOPE_KEYS
            if unexpected or not isinstance(metric_items, list) or not isinstance(event_items, list):
                self.reject_message(
                    message,
                    'expected {"metrics": [...], "events": [...]} and nothing else',
                    "envelope_invalid",
                )
                return
        elif isinstance(body, dict):
            metric_items, event_items = [body], []
        else:
            self.reject_message(
                message, "expected a metric object or a metrics/events envelope", "envelope_invalid"
            )
            return
        # JSON can only carry a NUL character escaped: without the escape, the per-string check is moot.
        context = {NUL_CHECKED: "\\u0000" not in message.body}
        if metric_items:
            metrics = self._validate(message, "metric", MetricCreate, METRIC_LIST, metric_items, 0, context)
            self.metrics.append(MessageItems(message.message_id, message.sent_at, metrics))
        if event_items:
            first = len(metric_items)
            events = self._validate(message, "event", EventCreate, EVENT_LIST, event_items, first, context)
            self.events.append(MessageItems(message.message_id, message.sent_at, events, first))

    def _validate(
        self,
        message: QueueMessage,
        kind: str,
        model: type[M],
        adapter: TypeAdapter[list[M]],
        items: list[Any],
        first: int,
        context: dict[str, bool],
    ) -> list[M | None]:
        """All items in one pass; if any is bad, one by one, keeping the good ones and their positions.
        Items older than the retention window are rejected too."""
        try:
            checked: list[M | None] = list(adapter.validate_python(items, context=context))
        except ValidationError:
            checked = []
            for position, item in enumerate(items, start=first):
                try:
                    checked.append(model.model_validate(item, context=context))
                except ValidationError as exc:
                    checked.append(None)
                    self._reject_item(message, position, kind, item, error_detail(exc.errors()))
        for index, valid in enumerate(checked):
            if valid is not None and is_expired(valid.timestamp, self.oldest):
                checked[index] = None
                self._reject_item(message, first + index, kind, items[index], expired_detail(self.oldest))
        return checked

    def _reject_item(
        self, message: QueueMessage, position: int, kind: str, item: Any, reason: list[dict[str, Any]]
    ) -> None:
        raw = json.dumps(item, default=str)
        self.rejections.append(Rejection(message.message_id, position, kind, raw, reason))


def ingest_messages(uow: UnitOfWork, messages: Sequence[QueueMessage]) -> IngestReport:
    batch = _Batch(oldest_kept(dt.datetime.now(dt.UTC)))
    for message in messages:
        batch.add(message)
    report = IngestReport(messages=len(messages))
    try:
        try:
            with uow:
                report.metrics_stored = uow.metrics.store(batch.metrics)
                report.events_stored = uow.events.store(batch.events)
                uow.rejections.add_many(batch.rejections)
        except RefusedByDatabase:
            _store_isolating_refused(uow, batch, report)
    except Unavailable as exc:
        # The dead-letter queue's alarm sends operators here for the cause.
        cause = exc.__cause__ or exc
        logger.warning(
            "ingest batch handed back to SQS to retry",
            extra={"messages": len(messages), "cause": f"{type(cause).__name__}: {cause}"},
        )
        return IngestReport(messages=len(messages), retry=[m.message_id for m in messages])
    report.rejected = len(batch.rejections)
    return report


def _store_isolating_refused(uow: UnitOfWork, batch: _Batch, report: IngestReport) -> None:
    """The batch statement failed on data the database cannot hold: the items are stored in parts until
    each refused one stands alone and becomes a rejection with the database's reason. Retrying the
    batch would fail the same way, and send its valid items to the dead-letter queue with it."""
    items: list[tuple[str, MessageItems[Any]]] = [("metric", one) for one in _one_by_one(batch.metrics)]
    items += [("event", one) for one in _one_by_one(batch.events)]

    def store(part: Sequence[tuple[str, MessageItems[Any]]]) -> tuple[int, int]:
        with uow:
            metrics = uow.metrics.store([one for kind, one in part if kind == "metric"])
            events = uow.events.store([one for kind, one in part if kind == "event"])
        return metrics, events

    isolated = store_isolating_refused(store, items)
    report.metrics_stored = sum(metrics for _, (metrics, _) in isolated.stored)
    report.events_stored = sum(events for _, (_, events) in isolated.stored)
    for (kind, one), refused in isolated.refused:
        [item] = one.items
        assert one.message_id is not None and item is not None, "a queue message's valid item"
        raw = item.model_dump_json()
        batch.rejections.append(Rejection(one.message_id, one.first_position, kind, raw, refused.errors))
    logger.warning(
        "ingest batch refused by the database: its items were stored in parts",
        extra={"refused": [refused.reason for _, refused in isolated.refused]},
    )
    with uow:
        uow.rejections.add_many(batch.rejections)


def _one_by_one(messages: Sequence[MessageItems[T]]) -> list[MessageItems[T]]:
    """Each valid item as a message of its own, at its position in the message it came in."""
    return [
        MessageItems(message.message_id, message.sent_at, [item], message.first_position + index)
        for message in messages
        for index, item in enumerate(message.items)
        if item is not None
    ]


def list_rejections(
    uow: UnitOfWork, filters: RejectionFilters, skip: int, limit: int
) -> Page[RejectionResponse]:
    with uow:
        items, total = uow.rejections.find(filters, skip, limit)
    return Page[RejectionResponse](items=items, total=total, skip=skip, limit=limit)
