"""KPI goals (spec/003): a target for a metric over a period, its progress measured from the metrics, a
forecast of where it ends and the chance of reaching the target."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator

from analytics.enums import GoalAggregation, GoalDirection, GoalOutlook, GoalStatus, MetricType, ServiceName
from analytics.schemas.common import Name, PartialUpdate, RequestBody

# A goal's day range: wide enough for any plan, narrow enough for the calendar's arithmetic.
EARLIEST_DAY = dt.date(2000, 1, 1)
LATEST_DAY = dt.date(2100, 12, 31)
MAX_GOAL_DAYS = 3660
GoalDate = Annotated[dt.date, Field(ge=EARLIEST_DAY, le=LATEST_DAY)]
# Bounded below so that progress (the current value over the target) stays finite for any metric values.
Target = Annotated[float, Field(ge=1e-6, le=1e15, allow_inf_nan=False)]
Percent = Annotated[float, Field(gt=0, le=100, allow_inf_nan=False)]
Dimensions = Annotated[
    dict[Annotated[str, Field(min_length=1, max_length=100)], Annotated[str, Field(max_length=256)]],
    Field(max_length=16),
]

GOAL_EXAMPLE: dict[str, Any] = {
    "name": "Q1 Donation Target",
    "metric_type": "donation",
    "target_value": 100000,
    "unit": "USD",
    "start_date": "2025-01-01",
    "end_date": "2025-03-31",
    "created_by": "123e4567-e89b-12d3-a456-426614174000",
}
MEASURED_GOAL_EXAMPLE: dict[str, Any] = {
    "name": "Year-end giving",
    "metric_type": "donation",
    "service_name": "partners_crm",
    "metric_name": "donation_received",
    "target_value": 250000,
    "unit": "USD",
    "start_date": "2026-11-01",
    "end_date": "2026-12-31",
    "alert_threshold": 75,
    "tz": "America/New_York",
    "alert_recipients": ["board@example.org"],
}


class GoalFields(BaseModel):
    description: str | None = Field(None, max_length=2000)
    unit: str | None = Field(None, max_length=50)
    alert_threshold: Percent | None = Field(
        None, description="Progress in percent at which the creator (or alert_recipients) is alerted, once"
    )
    service_name: ServiceName | None = None
    metric_name: Name | None = None
    dimensions: Dimensions = Field(default_factory=dict, description="Only metrics holding these values")
    aggregation: GoalAggregation = Field(
        GoalAggregation.SUM,
        description="The metrics over the goal's days: sum, count, avg, max, min, or latest for snapshots",
    )
    direction: GoalDirection = Field(
        GoalDirection.AT_LEAST, description="at_least: reach the target; at_most: stay under it (a cost)"
    )
    tz: str = Field("UTC", max_length=64, description="IANA time zone of the goal's days")
    alert_recipients: list[EmailStr] = Field(
        default_factory=list, max_length=20, description="Who alerts go to (default: the creator)"
    )


class GoalCreate(GoalFields, RequestBody):
    """A goal measures the metrics of its `metric_type` that match `service_name`, `metric_name` and
    `dimensions`; with none of those three it is tracked by hand (`POST /{id}/update-progress`)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [GOAL_EXAMPLE, MEASURED_GOAL_EXAMPLE]}
    )

    name: Name
    metric_type: MetricType
    target_value: Target
    start_date: GoalDate
    end_date: GoalDate
    created_by: str | None = Field(None, description="Ignored: the creator is the token's subject")

    @model_validator(mode="after")
    def _days_in_order(self) -> GoalCreate:
        check_days(self.start_date, self.end_date)
        return self


class GoalUpdate(PartialUpdate):
    """The fields to change; the others keep their values. Progress is computed again at the next read."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"target_value": 120000}]})
    clearable = frozenset({"description", "unit", "alert_threshold", "service_name", "metric_name"})

    name: Name | None = None
    description: str | None = Field(None, max_length=2000)
    metric_type: MetricType | None = None
    target_value: Target | None = None
    unit: str | None = Field(None, max_length=50)
    start_date: GoalDate | None = None
    end_date: GoalDate | None = None
    status: Literal[GoalStatus.ACTIVE, GoalStatus.CANCELLED] | None = Field(
        None, description="cancelled stops tracking; active resumes it"
    )
    alert_threshold: Percent | None = None
    service_name: ServiceName | None = None
    metric_name: Name | None = None
    dimensions: Dimensions | None = None
    aggregation: GoalAggregation | None = None
    direction: GoalDirection | None = None
    tz: str | None = Field(None, max_length=64)
    alert_recipients: list[EmailStr] | None = Field(None, max_length=20)


def check_days(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ValueError("end_date must not be before start_date")
    if (end - start).days + 1 > MAX_GOAL_DAYS:
        raise ValueError(f"a goal spans at most {MAX_GOAL_DAYS} days")


class ProgressUpdate(RequestBody):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{}, {"current_value": 42000}]})

    current_value: float | None = Field(
        None,
        allow_inf_nan=False,
        ge=-1e15,
        le=1e15,
        description="The value now, for a goal tracked by hand; leave out to compute it from the metrics now",
    )


class GoalResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    description: str | None
    metric_type: MetricType
    service_name: ServiceName | None
    metric_name: str | None
    dimensions: dict[str, str]
    aggregation: GoalAggregation
    direction: GoalDirection
    tz: str
    target_value: float
    current_value: float
    unit: str | None
    start_date: dt.date
    end_date: dt.date
    status: GoalStatus = Field(description="active, achieved, failed or cancelled")
    progress_percentage: float
    alert_threshold: float | None
    alert_sent: bool
    alert_recipients: list[str]
    forecast_value: float | None
    forecast_lower: float | None
    forecast_upper: float | None
    probability: float | None = Field(description="Of reaching the target by end_date, 0 to 1")
    outlook: GoalOutlook | None = Field(description="on_track, at_risk, off_track, achieved or failed")
    forecast_updated_at: dt.datetime | None
    tracked_by_hand: bool
    created_by: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


class GoalFilters(BaseModel):
    metric_type: MetricType | None = None
    status: GoalStatus | None = None
    created_by: str | None = None


class GoalDayValue(BaseModel):
    date: dt.date
    value: float | None = Field(description="The day's value of the goal's aggregation; null without metrics")
    cumulative: float = Field(description="The goal's value at the end of that day")


class GoalForecast(BaseModel):
    value: float = Field(description="Where the goal's value ends on end_date, the most likely")
    lower: float
    upper: float
    level: float = Field(0.9, description="The interval's central probability")


class GoalProgressReport(BaseModel):
    goal_id: uuid.UUID
    name: str
    unit: str | None
    direction: GoalDirection
    aggregation: GoalAggregation
    current_value: float
    target_value: float
    progress_percentage: float
    remaining: float = Field(description="Target less current value (0 once reached)")
    days_total: int
    days_elapsed: int = Field(description="Days from start_date to today, today included")
    days_left: int = Field(description="Days from today to end_date, today included")
    needed_per_day: float | None = Field(description="The change per day from now on that reaches the target")
    actual_per_day: float | None = Field(description="The change per day so far")
    projected_completion_date: dt.date | None = Field(
        description="When the target is reached at the actual rate; null when it never is by that rate"
    )
    forecast: GoalForecast | None = Field(description="Null for a goal not started or ended")
    probability: float = Field(description="Of reaching the target by end_date, 0 to 1")
    status: GoalOutlook = Field(
        description="on_track from a probability of 0.7, at_risk from 0.3, off_track below; achieved once "
        "reached (at_least) or ended within the ceiling (at_most); failed when it ends short"
    )
    tracked_by_hand: bool
    daily: list[GoalDayValue]
    computed_at: dt.datetime
    warnings: list[str]


class GoalForecastItem(BaseModel):
    goal_id: uuid.UUID
    name: str
    end_date: dt.date
    target_value: float
    current_value: float
    forecast: GoalForecast | None
    probability: float
    status: GoalOutlook


class StoredGoal(GoalResponse):
    """A goal as the use cases read it: with its hand-set values and the alerts already sent."""

    manual_values: list[dict[str, Any]]
    alerts_sent: list[str]
    progress_updated_at: dt.datetime | None


class ComputedProgress(BaseModel):
    """What a progress computation stores on its goal."""

    current_value: float
    progress_percentage: float
    forecast_value: float | None
    forecast_lower: float | None
    forecast_upper: float | None
    probability: float
    outlook: GoalOutlook
    status: GoalStatus
    computed_at: dt.datetime
