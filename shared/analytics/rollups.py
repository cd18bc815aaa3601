"""Questions answered from the rollups: statistics per series and period, in any time zone whose
offsets are whole hours (hourly rollups add up exactly to local days, weeks and months)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field

from analytics.enums import MetricType, ServiceName
from analytics.errors import InvalidRequest


class Interval(StrEnum):
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class SeriesFilters(BaseModel):
    service_name: ServiceName | None = None
    metric_type: MetricType | None = None
    metric_name: str | None = None
    start: dt.datetime
    end: dt.datetime


class PeriodStatistics(BaseModel):
    """One series in one period. Quantiles come from the sketch: within 1 % of the true value."""

    period_start: dt.datetime = Field(description="The instant the period starts (local midnight, etc.)")
    service_name: ServiceName
    metric_type: MetricType
    metric_name: str
    unit: str | None
    count: int
    sum: float
    avg: float
    min: float
    max: float
    stddev: float = Field(description="Population standard deviation")
    p50: float | None
    p90: float | None
    p95: float | None
    p99: float | None


def time_zone(name: str, start: dt.datetime, end: dt.datetime) -> ZoneInfo:
    """The zone, if every offset it has between start and end is a whole number of hours."""
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidRequest(f"unknown time zone {name!r}: use an IANA name such as Europe/Berlin") from exc
    day = start
    while day <= end + dt.timedelta(days=1):
        offset = day.astimezone(zone).utcoffset() or dt.timedelta()
        if offset.total_seconds() % 3600:
            raise InvalidRequest(
                f"time zone {name!r} has an offset of {offset} in this period; "
                "answers from hourly rollups need whole-hour offsets"
            )
        day += dt.timedelta(days=1)
    return zone
