"""Metric shapes (spec/001), accepting `value` or `metric_value` on input and returning `value`."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from analytics.enums import MetricType, ServiceName
from analytics.schemas.common import (
    FlatObject,
    ItemTimestamp,
    Name,
    reject_nul,
    writable_as_json,
)
from analytics.schemas.item_limits import bounded_dimensions, bounded_json

# Bounded so that the squares the rollups and answers compute (deviations, means) stay finite and,
# PostgreSQL refusing a square that underflows, nonzero.
MAX_MAGNITUDE = 1e100
MIN_MAGNITUDE = 1e-100


def _not_too_small(value: float) -> float:
    if value != 0 and abs(value) < MIN_MAGNITUDE:
        raise ValueError(f"a nonzero value must be at least {MIN_MAGNITUDE:g} in magnitude")
    return value


MetricValue = Annotated[
    float,
    Field(strict=True, allow_inf_nan=False, ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE),
    AfterValidator(_not_too_small),
]

METRIC_EXAMPLE: dict[str, Any] = {
    "service_name": "partners_crm",
    "metric_type": "donation",
    "metric_name": "monthly_donation",
    "value": 1000.0,
    "unit": "USD",
    "dimensions": {"partner_id": "123", "currency": "USD"},
    "timestamp": "2025-12-24T10:00:00Z",
    "idempotency_key": "partners_crm:donation:tx-5531",
}


class MetricFields(BaseModel):
    """A metric's fields, checked by pydantic-core but for one cheap Python check of the value: the ingest
    queue reads a message whose JSON text has no NUL escape straight into these."""

    model_config = ConfigDict(extra="forbid")

    service_name: ServiceName
    metric_type: MetricType
    metric_name: Name
    value: MetricValue = Field(validation_alias=AliasChoices("value", "metric_value"))
    unit: str | None = Field(None, max_length=50, validation_alias=AliasChoices("unit", "metric_unit"))
    dimensions: FlatObject = Field(
        default_factory=dict, description="A flat object of strings, numbers, booleans"
    )
    timestamp: ItemTimestamp | None = Field(
        None,
        description="ISO 8601; without an offset it is UTC; defaults to the time it arrives",
    )
    date: dt.date | None = Field(
        None, description="Accepted for compatibility; always derived from timestamp (UTC)"
    )
    meta: dict[str, Any] = Field(default_factory=dict)
    idempotency_key: str | None = Field(None, min_length=1, max_length=255)


class MetricCreate(MetricFields):
    """One measurement sent by a sibling service."""

    model_config = ConfigDict(json_schema_extra={"examples": [METRIC_EXAMPLE]})

    _no_nul = model_validator(mode="before")(reject_nul)
    _bounded_dimensions = field_validator("dimensions")(bounded_dimensions)
    _bounded_meta = field_validator("meta")(bounded_json)
    _writable = model_validator(mode="after")(writable_as_json)


class MetricBulkCreate(BaseModel):
    """Items are validated one by one, so a bad item never sinks its valid neighbours."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"metrics": [METRIC_EXAMPLE]}]})

    metrics: list[dict[str, Any]] = Field(description="Metric objects, as for a single create")


class MetricResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    service_name: ServiceName
    metric_type: MetricType
    metric_name: str
    value: float
    unit: str | None
    dimensions: dict[str, Any]
    timestamp: dt.datetime
    date: dt.date
    meta: dict[str, Any]
    idempotency_key: str | None
    created_at: dt.datetime


class MetricFilters(BaseModel):
    service_name: ServiceName | None = None
    metric_type: MetricType | None = None
    metric_name: str | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    dimensions: dict[str, str] = Field(default_factory=dict)
