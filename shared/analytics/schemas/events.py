"""Tracked user events (spec/004)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from analytics.schemas.common import ItemTimestamp, Name, reject_nul, writable_as_json
from analytics.schemas.item_limits import bounded_json

EVENT_EXAMPLE: dict[str, Any] = {
    "event_name": "user_signup",
    "user_id": "user_123",
    "properties": {"plan": "premium", "referral_source": "google"},
    "timestamp": "2025-10-30T12:34:56Z",
}


class EventFields(BaseModel):
    """An event's fields, every check made by pydantic-core (see MetricFields)."""

    model_config = ConfigDict(extra="forbid")

    event_name: Name
    user_id: str | None = Field(None, max_length=255)
    properties: dict[str, Any] = Field(default_factory=dict)
    timestamp: ItemTimestamp | None = Field(
        None,
        description="ISO 8601; without an offset it is UTC; defaults to the time it arrives",
    )
    idempotency_key: str | None = Field(None, min_length=1, max_length=255)


class EventCreate(EventFields):
    model_config = ConfigDict(json_schema_extra={"examples": [EVENT_EXAMPLE]})

    _no_nul = model_validator(mode="before")(reject_nul)
    _bounded_properties = field_validator("properties")(bounded_json)
    _writable = model_validator(mode="after")(writable_as_json)


class EventBulkCreate(BaseModel):
    """Items are validated one by one, so a bad item never sinks its valid neighbours."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"events": [EVENT_EXAMPLE]}]})

    events: list[dict[str, Any]] = Field(description="Event objects, as for a single create")


class EventResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    event_name: str
    user_id: str | None
    properties: dict[str, Any]
    timestamp: dt.datetime
    idempotency_key: str | None
    created_at: dt.datetime


class EventFilters(BaseModel):
    event_name: str | None = None
    user_id: str | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
