"""What the domain needs from storage. The PostgreSQL adapter (analytics.db) implements it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Sequence
from types import TracebackType
from typing import Any, Protocol

from analytics.enums import DashboardType, MetricType, ServiceName
from analytics.report_ports import JobStore, ReportStore
from analytics.schemas.dashboards import DashboardCreate, DashboardFiltersQuery, DashboardResponse, Viewer
from analytics.schemas.events import EventCreate, EventFields, EventFilters, EventResponse
from analytics.schemas.ingest import MessageItems, Rejection, RejectionFilters, RejectionResponse
from analytics.schemas.metrics import MetricCreate, MetricFields, MetricFilters, MetricResponse
from analytics.schemas.report_content import GoalProgress
from analytics.statistics import StatisticsQuery
from analytics.sync.ports import SyncStore

# (id, created): created is False when the idempotency key was stored before.
InsertOutcome = tuple[uuid.UUID, bool]


class MetricStore(Protocol):
    def insert_many(
        self, metrics: Sequence[MetricCreate], default_time: dt.datetime
    ) -> list[InsertOutcome]: ...
    def store(self, messages: Sequence[MessageItems[MetricFields]]) -> int: ...
    def get(self, metric_id: uuid.UUID) -> MetricResponse | None: ...
    def delete(self, metric_id: uuid.UUID) -> bool: ...
    def find(self, filters: MetricFilters, skip: int, limit: int) -> tuple[list[MetricResponse], int]: ...


class EventStore(Protocol):
    def insert_many(
        self, events: Sequence[EventCreate], default_time: dt.datetime
    ) -> list[InsertOutcome]: ...
    def store(self, messages: Sequence[MessageItems[EventFields]]) -> int: ...
    def get(self, event_id: uuid.UUID) -> EventResponse | None: ...
    def find(self, filters: EventFilters, skip: int, limit: int) -> tuple[list[EventResponse], int]: ...


class RejectionStore(Protocol):
    def add_many(self, rejections: Sequence[Rejection]) -> None: ...
    def find(
        self, filters: RejectionFilters, skip: int, limit: int
    ) -> tuple[list[RejectionResponse], int]: ...


class StatisticsReader(Protocol):
    def rows(self, query: StatisticsQuery, percentiles: bool) -> list[dict[str, Any]]:
        """Rows of `g0`, `g1`, ... (the group values) and the figures (analytics.statistics)."""
        ...


class GoalReader(Protocol):
    def overlapping(self, start: dt.date, end: dt.date) -> list[GoalProgress]:
        """Goals whose days overlap [start, end] (both included), by start date and name."""
        ...


class DashboardStore(Protocol):
    def add(self, dashboard: DashboardCreate, *, created_by: str | None) -> DashboardResponse: ...
    def get(self, dashboard_id: uuid.UUID) -> DashboardResponse | None: ...
    def default_of(self, dashboard_type: DashboardType) -> DashboardResponse | None: ...
    def find(
        self, filters: DashboardFiltersQuery, viewer: Viewer, skip: int, limit: int
    ) -> tuple[list[DashboardResponse], int]: ...
    def update(self, dashboard_id: uuid.UUID, changes: dict[str, Any]) -> DashboardResponse | None:
        """Setting is_default unsets the type's previous default in the same transaction."""
        ...

    def delete(self, dashboard_id: uuid.UUID) -> bool: ...
    def known_series(self, metric_names: Collection[str]) -> set[tuple[str, ServiceName, MetricType]]:
        """(metric_name, service_name, metric_type) of those of the named metrics that have data."""
        ...


class UnitOfWork(Protocol):
    """One transaction: committed when the block ends normally, rolled back on error."""

    @property
    def metrics(self) -> MetricStore: ...

    @property
    def events(self) -> EventStore: ...

    @property
    def rejections(self) -> RejectionStore: ...

    @property
    def statistics(self) -> StatisticsReader: ...

    @property
    def goals(self) -> GoalReader: ...

    @property
    def reports(self) -> ReportStore: ...

    @property
    def jobs(self) -> JobStore: ...

    @property
    def syncs(self) -> SyncStore: ...

    @property
    def dashboards(self) -> DashboardStore: ...

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
