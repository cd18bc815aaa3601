"""Answers of the statistics, time-series and trends endpoints."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from analytics.statistics import Interval, Source

GROUP_DESCRIPTION = "The group's values by group_by field; a time field holds its period's local start"


class Aggregate(StrEnum):
    SUM = "sum"
    AVG = "avg"
    COUNT = "count"
    MIN = "min"
    MAX = "max"
    P95 = "p95"


class Fill(StrEnum):
    NULL = "null"
    ZERO = "zero"
    PREVIOUS = "previous"
    LINEAR = "linear"


class Comparison(StrEnum):
    PREVIOUS = "previous"  # the period of the same length just before
    YEAR = "year"  # the same period a year earlier


class Figures(BaseModel):
    count: int
    sum: float | None
    avg: float | None
    min: float | None
    max: float | None
    stddev: float | None = Field(description="Population standard deviation")
    p50: float | None
    p90: float | None
    p95: float | None
    p99: float | None


class GroupStatistics(Figures):
    group: dict[str, Any] = Field(description=GROUP_DESCRIPTION)
    unit: str | None = Field(None, description="The unit of the group's metrics (null: none given)")


class Answered(BaseModel):
    start: dt.datetime
    end: dt.datetime = Field(description="Exclusive")
    tz: str
    source: Source = Field(description="rollups, or raw rows when the question needs them")
    percentile_relative_error: float = Field(
        description="Bound on the error of p50..p99 relative to the true value, interpolated between the two "
        "nearest values like numpy's default: 0.01 from the rollups' sketches (when those two values have "
        "the same sign), 0 from raw rows"
    )


class StatisticsAnswer(Answered):
    group_by: list[str]
    groups: list[GroupStatistics]


class Series(BaseModel):
    group: dict[str, Any] = Field(description="The series' values of the non-time group_by fields")
    values: list[float | None] = Field(description="One per bucket, in bucket order")
    unit: str | None = Field(None, description="The unit of the series' metrics (null: none given)")


class TimeSeriesAnswer(Answered):
    interval: Interval
    agg: Aggregate
    fill: Fill
    buckets: list[dt.datetime] = Field(description="Each bucket's local start, in order")
    series: list[Series]


class Trend(BaseModel):
    group: dict[str, Any]
    current: float | None
    previous: float | None
    change: float | None
    change_percent: float | None = Field(description="null when the previous value is 0 or missing")


class TrendsAnswer(BaseModel):
    start: dt.datetime
    end: dt.datetime
    comparison_start: dt.datetime
    comparison_end: dt.datetime
    compare: Comparison
    agg: Aggregate
    tz: str
    trends: list[Trend]


class MetricAggregation(Figures):
    """One metric series' figures over one period of an aggregation level (spec/001's MetricAggregation)."""

    service_name: str
    metric_type: str
    metric_name: str
    unit: str | None
    level: Interval
    period_start: dt.datetime = Field(description="The period's local start")
