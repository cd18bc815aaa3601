"""What the simple API (spec/004) needs from storage beyond analytics.ports: figures over whole series and
the development deletes. The PostgreSQL adapter is analytics.db.simple_store."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from analytics.enums import ServiceName
from analytics.ports import UnitOfWork
from analytics.schemas.simple import MetricFigures


class SimpleStore(Protocol):
    def metric_counts(self, service: ServiceName) -> dict[str, int]:
        """How many metrics each metric name of the service has stored, by name in code point order."""
        ...

    def metric_figures(
        self, service: ServiceName, metric_name: str, start: dt.datetime, end: dt.datetime
    ) -> MetricFigures:
        """The figures of the series' values from `start` (inclusive) to `end` (exclusive)."""
        ...

    def count_events(self) -> int: ...

    def delete_metrics(self, service: ServiceName, metric_name: str) -> int:
        """Deletes every metric of the name and service and keeps the rollups in step; how many went."""
        ...

    def delete_events(self) -> int: ...


class SimpleUnitOfWork(UnitOfWork, Protocol):
    @property
    def simple(self) -> SimpleStore: ...
