"""Use cases of the simple API (spec/004): its own shapes over the metrics and events of the main API.

Its metrics are stored through the metric use cases as one configured service and type, their tags as
dimensions; its reads (names, figures, dashboard) see that service's metrics only. Events belong to no
service, so its event reads and deletes are those of every event.
"""

from __future__ import annotations

import datetime as dt
import platform
from dataclasses import dataclass

from analytics.enums import MetricType, ServiceName
from analytics.errors import Forbidden, NotFound
from analytics.ports import UnitOfWork
from analytics.schemas.events import EventCreate, EventFilters
from analytics.schemas.metrics import MetricCreate
from analytics.schemas.simple import (
    SimpleDashboard,
    SimpleEvent,
    SimpleEventCreate,
    SimpleEventCreated,
    SimpleEventList,
    SimpleEventsCleared,
    SimpleHealth,
    SimpleMetricCleared,
    SimpleMetricCreate,
    SimpleMetricCreated,
    SimpleMetricNames,
    SimpleMetricSummary,
    event_id,
    metric_id,
)
from analytics.services import events as event_service
from analytics.services import metrics as metric_service
from analytics.services.health import Health
from analytics.settings import Settings
from analytics.simple_ports import SimpleUnitOfWork

DELETES_DISABLED = (
    "development deletes are disabled: set ENABLE_DEVELOPMENT_DELETES=true to allow them "
    "(never in production)"
)


@dataclass(frozen=True)
class SimpleApi:
    """What the simple API stores its metrics as, and whether its development deletes are allowed."""

    service_name: ServiceName
    metric_type: MetricType
    deletes_enabled: bool

    @classmethod
    def from_settings(cls, settings: Settings) -> SimpleApi:
        return cls(
            service_name=settings.SIMPLE_API_SERVICE_NAME,
            metric_type=settings.SIMPLE_API_METRIC_TYPE,
            deletes_enabled=settings.ENABLE_DEVELOPMENT_DELETES,
        )


def health(report: Health) -> SimpleHealth:
    return SimpleHealth(ok=report.ok, python_version=platform.python_version())


def track_metric(uow: UnitOfWork, api: SimpleApi, body: SimpleMetricCreate) -> SimpleMetricCreated:
    metric = MetricCreate(
        service_name=api.service_name,
        metric_type=api.metric_type,
        metric_name=body.metric_name,
        value=body.value,
        dimensions=body.tags,
        timestamp=body.timestamp,
    )
    stored, _ = metric_service.create_metric(uow, metric)
    return SimpleMetricCreated(
        metric_id=metric_id(stored.id),
        metric_name=stored.metric_name,
        value=stored.value,
        timestamp=stored.timestamp,
    )


def track_event(uow: UnitOfWork, body: SimpleEventCreate) -> SimpleEventCreated:
    event = EventCreate(
        event_name=body.event_name, user_id=body.user_id, properties=body.properties, timestamp=body.timestamp
    )
    stored, _ = event_service.create_event(uow, event)
    return SimpleEventCreated(
        event_id=event_id(stored.id), event_name=stored.event_name, timestamp=stored.timestamp
    )


def metric_names(uow: SimpleUnitOfWork, api: SimpleApi) -> SimpleMetricNames:
    with uow:
        names = list(uow.simple.metric_counts(api.service_name))
    return SimpleMetricNames(metrics=names, count=len(names))


def metric_summary(
    uow: SimpleUnitOfWork, api: SimpleApi, metric_name: str, hours: int, now: dt.datetime
) -> SimpleMetricSummary:
    """The figures of one metric name over the `hours` before `now`."""
    start = now - dt.timedelta(hours=hours)
    with uow:
        figures = uow.simple.metric_figures(api.service_name, metric_name, start, now)
    return SimpleMetricSummary(
        metric_name=metric_name, period_start=start, period_end=now, **figures.model_dump()
    )


def list_events(uow: UnitOfWork, event_name: str | None, limit: int) -> SimpleEventList:
    page = event_service.list_events(uow, EventFilters(event_name=event_name), skip=0, limit=limit)
    events = [
        SimpleEvent(
            id=event_id(event.id),
            event_name=event.event_name,
            user_id=event.user_id,
            properties=event.properties,
            timestamp=event.timestamp,
        )
        for event in page.items
    ]
    return SimpleEventList(events=events, count=len(events), total=page.total)


def dashboard(uow: SimpleUnitOfWork, api: SimpleApi, now: dt.datetime) -> SimpleDashboard:
    with uow:
        counts = uow.simple.metric_counts(api.service_name)
        events = uow.simple.count_events()
    return SimpleDashboard(
        total_metrics_tracked=sum(counts.values()),
        unique_metric_types=len(counts),
        total_events_tracked=events,
        metric_names=list(counts),
        timestamp=now,
    )


def clear_metric(uow: SimpleUnitOfWork, api: SimpleApi, metric_name: str) -> SimpleMetricCleared:
    """Deletes every metric of the name (of the simple API's service), its rollups included."""
    _allow_deletes(api)
    with uow:
        if metric_name not in uow.simple.metric_counts(api.service_name):
            raise NotFound(f"no metric named {metric_name!r}")
        deleted = uow.simple.delete_metrics(api.service_name, metric_name)
    return SimpleMetricCleared(metric_name=metric_name, deleted=deleted)


def clear_events(uow: SimpleUnitOfWork, api: SimpleApi) -> SimpleEventsCleared:
    """Deletes every tracked event."""
    _allow_deletes(api)
    with uow:
        deleted = uow.simple.delete_events()
    return SimpleEventsCleared(deleted=deleted)


def _allow_deletes(api: SimpleApi) -> None:
    if not api.deletes_enabled:
        raise Forbidden(DELETES_DISABLED)
