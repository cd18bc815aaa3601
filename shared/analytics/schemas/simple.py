"""Shapes of the simple API (spec/004): its own names (`tags`, prefixed ids, `success: true`) over the
metrics and events of the main API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal
from urllib.parse import unquote

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from analytics.schemas.common import FlatObject, ItemTimestamp, Name, reject_nul
from analytics.schemas.item_limits import bounded_dimensions, bounded_json
from analytics.schemas.metrics import MetricValue

SERVICE = "analytics-service"
METRIC_ID_PREFIX = "metric_"
EVENT_ID_PREFIX = "event_"
DEFAULT_SUMMARY_HOURS = 24
MAX_SUMMARY_HOURS = 1095 * 24  # three years, the retention of raw metrics


def metric_id(stored_id: uuid.UUID) -> str:
    return f"{METRIC_ID_PREFIX}{stored_id}"


def event_id(stored_id: uuid.UUID) -> str:
    return f"{EVENT_ID_PREFIX}{stored_id}"


def _percent_decoded(value: Any) -> Any:
    """A path segment arrives as sent (`page%20views`); the name it stands for is decoded."""
    return unquote(value) if isinstance(value, str) else value


# A metric name taken from the URL path.
MetricNameInPath = Annotated[Name, BeforeValidator(_percent_decoded)]


class SimpleMetricCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "metric_name": "page_views",
                    "value": 150,
                    "tags": {"page": "/dashboard", "user_type": "premium"},
                }
            ]
        },
    )

    metric_name: Name
    value: MetricValue
    tags: FlatObject = Field(
        default_factory=dict, description="A flat object of strings, numbers, booleans; stored as dimensions"
    )
    timestamp: ItemTimestamp | None = Field(
        None, description="ISO 8601; without an offset it is UTC; defaults to the time it arrives"
    )

    _no_nul = model_validator(mode="before")(reject_nul)
    _bounded_tags = field_validator("tags")(bounded_dimensions)


class SimpleMetricCreated(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "success": True,
                    "metric_id": "metric_550e8400-e29b-41d4-a716-446655440000",
                    "metric_name": "page_views",
                    "value": 150.0,
                    "timestamp": "2025-10-30T12:34:56.789000Z",
                    "service": SERVICE,
                }
            ]
        }
    )

    success: Literal[True] = True
    metric_id: str = Field(description="`metric_` and the stored metric's id")
    metric_name: str
    value: float
    timestamp: dt.datetime
    service: str = SERVICE


class SimpleEventCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "event_name": "user_signup",
                    "user_id": "user_123",
                    "properties": {"plan": "premium", "referral_source": "google"},
                }
            ]
        },
    )

    event_name: Name
    user_id: str | None = Field(None, max_length=255)
    properties: dict[str, Any] = Field(default_factory=dict)
    timestamp: ItemTimestamp | None = Field(
        None, description="ISO 8601; without an offset it is UTC; defaults to the time it arrives"
    )

    _no_nul = model_validator(mode="before")(reject_nul)
    _bounded_properties = field_validator("properties")(bounded_json)


class SimpleEventCreated(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "success": True,
                    "event_id": "event_550e8400-e29b-41d4-a716-446655440000",
                    "event_name": "user_signup",
                    "timestamp": "2025-10-30T12:34:56.789000Z",
                    "service": SERVICE,
                }
            ]
        }
    )

    success: Literal[True] = True
    event_id: str = Field(description="`event_` and the stored event's id")
    event_name: str
    timestamp: dt.datetime
    service: str = SERVICE


class SimpleMetricNames(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"metrics": ["api_calls", "page_views", "response_time"], "count": 3}]
        }
    )

    metrics: list[str] = Field(description="Distinct metric names, sorted")
    count: int


class MetricFigures(BaseModel):
    """count, sum, average, min and max of a metric's values; with no values count and sum are 0 and the
    others null."""

    count: int
    sum: float
    average: float | None
    min: float | None
    max: float | None


class SimpleMetricSummary(BaseModel):
    """The figures of one metric over a period, fields in spec/004's order."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "metric_name": "page_views",
                    "count": 1500,
                    "sum": 225000.0,
                    "average": 150.0,
                    "min": 50.0,
                    "max": 500.0,
                    "period_start": "2025-10-29T12:00:00Z",
                    "period_end": "2025-10-30T12:00:00Z",
                }
            ]
        }
    )

    metric_name: str
    count: int
    sum: float
    average: float | None = Field(description="null when count is 0")
    min: float | None = Field(description="null when count is 0")
    max: float | None = Field(description="null when count is 0")
    period_start: dt.datetime = Field(description="now minus `hours` (inclusive)")
    period_end: dt.datetime = Field(description="now (exclusive)")


class SimpleEvent(BaseModel):
    id: str = Field(description="`event_` and the stored event's id")
    event_name: str
    user_id: str | None
    properties: dict[str, Any]
    timestamp: dt.datetime


class SimpleEventList(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "events": [
                        {
                            "id": "event_550e8400-e29b-41d4-a716-446655440000",
                            "event_name": "user_signup",
                            "user_id": "user_123",
                            "properties": {"plan": "premium"},
                            "timestamp": "2025-10-30T12:34:56.789000Z",
                        }
                    ],
                    "count": 1,
                    "total": 1500,
                }
            ]
        }
    )

    events: list[SimpleEvent] = Field(description="Newest first")
    count: int = Field(description="How many events this answer holds")
    total: int = Field(description="How many events match, in all")


class SimpleDashboard(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "total_metrics_tracked": 5000,
                    "unique_metric_types": 3,
                    "total_events_tracked": 1500,
                    "metric_names": ["api_calls", "page_views", "response_time"],
                    "timestamp": "2025-10-30T12:34:56.789000Z",
                }
            ]
        }
    )

    total_metrics_tracked: int = Field(description="Metrics stored through the simple API")
    unique_metric_types: int = Field(description="How many distinct metric names (`metric_names`)")
    total_events_tracked: int = Field(description="Every tracked event (events belong to no service)")
    metric_names: list[str]
    timestamp: dt.datetime


class SimpleHealth(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"ok": True, "service": SERVICE, "python_version": "3.12.8"}]}
    )

    ok: bool
    service: str = SERVICE
    python_version: str


class SimpleMetricCleared(BaseModel):
    success: Literal[True] = True
    metric_name: str
    deleted: int = Field(description="How many stored metrics were deleted")


class SimpleEventsCleared(BaseModel):
    success: Literal[True] = True
    deleted: int = Field(description="How many stored events were deleted")
