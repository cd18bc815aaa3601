"""The ingest queue's consumer: every item of a batch is stored once, or rejected with its reason.

A message body is one metric, or `{"metrics": [...], "events": [...]}`. Items that fail validation
are recorded as rejections and acknowledged, so they are never retried forever and never dropped
silently; their valid neighbours are stored. The whole batch is one transaction: if the database is
unavailable, nothing is half-stored and every message is handed back to SQS to retry. Items without
an idempotency key get `sqs:<message id>:<position>`, so a redelivered message stores nothing twice.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from analytics.errors import Unavailable
from analytics.http_detail import error_detail
from analytics.ports import EventRow, MetricRow, UnitOfWork
from analytics.schemas.common import Page
from analytics.schemas.events import EventCreate
from analytics.schemas.ingest import (
    IngestReport,
    QueueMessage,
    Rejection,
    RejectionFilters,
    RejectionResponse,
)
from analytics.schemas.metrics import MetricCreate
from analytics.services import events, metrics

ENVELOPE_KEYS = frozenset({"metrics", "events"})


class _Batch:
    def __init__(self) -> None:
        self.metric_rows: list[MetricRow] = []
        self.event_rows: list[EventRow] = []
        self.rejections: list[Rejection] = []

    def reject_message(self, message: QueueMessage, msg: str, type_: str) -> None:
        reason = [{"loc": [], "msg": msg, "type": type_}]
        self.rejections.append(Rejection(message.message_id, -1, "message", message.body, reason))

    def add(self, message: QueueMessage) -> None:
        try:
            body = json.loads(message.body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            self.reject_message(message, f"the body is not JSON: {exc}", "json_invalid")
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
        for position, item in enumerate(metric_items):
            self._add_metric(message, position, item)
        for position, item in enumerate(event_items, start=len(metric_items)):
            self._add_event(message, position, item)

    def _add_metric(self, message: QueueMessage, position: int, item: Any) -> None:
        try:
            metric = MetricCreate.model_validate(item)
        except ValidationError as exc:
            self._reject_item(message, position, "metric", item, exc)
            return
        self.metric_rows.append(metrics.to_row(metric, message.sent_at, _default_key(message, position)))

    def _add_event(self, message: QueueMessage, position: int, item: Any) -> None:
        try:
            event = EventCreate.model_validate(item)
        except ValidationError as exc:
            self._reject_item(message, position, "event", item, exc)
            return
        self.event_rows.append(events.to_row(event, message.sent_at, _default_key(message, position)))

    def _reject_item(
        self, message: QueueMessage, position: int, kind: str, item: Any, exc: ValidationError
    ) -> None:
        raw = json.dumps(item, default=str)
        self.rejections.append(Rejection(message.message_id, position, kind, raw, error_detail(exc.errors())))


def _default_key(message: QueueMessage, position: int) -> str:
    return f"sqs:{message.message_id}:{position}"


def ingest_messages(uow: UnitOfWork, messages: Sequence[QueueMessage]) -> IngestReport:
    batch = _Batch()
    for message in messages:
        batch.add(message)
    report = IngestReport(messages=len(messages), rejected=len(batch.rejections))
    try:
        with uow:
            report.metrics_stored = uow.metrics.store_many(batch.metric_rows)
            report.events_stored = uow.events.store_many(batch.event_rows)
            uow.rejections.add_many(batch.rejections)
    except Unavailable:
        return IngestReport(messages=len(messages), retry=[m.message_id for m in messages])
    return report


def list_rejections(
    uow: UnitOfWork, filters: RejectionFilters, skip: int, limit: int
) -> Page[RejectionResponse]:
    with uow:
        items, total = uow.rejections.find(filters, skip, limit)
    return Page[RejectionResponse](items=items, total=total, skip=skip, limit=limit)
