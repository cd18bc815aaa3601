"""What the domain needs from storage. The PostgreSQL adapter (analytics.db) implements it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from types import TracebackType
from typing import Any, Protocol

from analytics.schemas.events import EventFilters, EventResponse
from analytics.schemas.metrics import MetricFilters, MetricResponse

# (id, created): created is False when the idempotency key was stored before.
InsertOutcome = tuple[uuid.UUID, bool]


class MetricStore(Protocol):
    def insert_many(self, rows: Sequence[dict[str, Any]]) -> list[InsertOutcome]: ...
    def get(self, metric_id: uuid.UUID) -> MetricResponse | None: ...
    def delete(self, metric_id: uuid.UUID) -> bool: ...
    def find(self, filters: MetricFilters, skip: int, limit: int) -> tuple[list[MetricResponse], int]: ...


class EventStore(Protocol):
    def insert_many(self, rows: Sequence[dict[str, Any]]) -> list[InsertOutcome]: ...
    def get(self, event_id: uuid.UUID) -> EventResponse | None: ...
    def find(self, filters: EventFilters, skip: int, limit: int) -> tuple[list[EventResponse], int]: ...


class UnitOfWork(Protocol):
    """One transaction: committed when the block ends normally, rolled back on error."""

    @property
    def metrics(self) -> MetricStore: ...

    @property
    def events(self) -> EventStore: ...

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
