"""What a report is about (its definition and parameters) and what it holds, whatever its format."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from analytics.enums import GoalOutlook, GoalStatus, MetricType, ReportType, ServiceName
from analytics.errors import InvalidRequest
from analytics.statistics import Interval, zone_of

ONE_DAY = dt.timedelta(days=1)
FIRST_DAY = dt.date(1970, 1, 1)
LAST_DAY = dt.date(2100, 12, 31)
MONTH = re.compile(r"(\d{4})-(\d{2})")

# The parameters that set each report type's period; the others do not apply to it.
PERIOD_FIELDS = {
    ReportType.DAILY: ("date",),
    ReportType.WEEKLY: ("date", "start_date"),
    ReportType.MONTHLY: ("month",),
    ReportType.ANNUAL: ("year",),
    ReportType.CUSTOM: ("start_date", "end_date"),
}


def _within_bounds(day: dt.date) -> dt.date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"must be between {FIRST_DAY} and {LAST_DAY}")
    return day


ReportDay = Annotated[dt.date, AfterValidator(_within_bounds)]


def _first_of_month(text: str) -> dt.date:
    match = MONTH.fullmatch(text)
    if match is None or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"month must be YYYY-MM, for example 2025-12 (got {text!r})")
    return _within_bounds(dt.date(int(match[1]), int(match[2]), 1))


def _next_month(first: dt.date) -> dt.date:
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)


class ReportParameters(BaseModel):
    """Which period and services a report covers. Each report type reads its own period fields
    (PERIOD_FIELDS); without them it covers the last full day, week, month or year."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"month": "2025-12"}]})

    start_date: ReportDay | None = Field(None, description="First day (custom; or a day of a weekly report)")
    end_date: ReportDay | None = Field(None, description="Last day, included (custom)")
    date: ReportDay | None = Field(None, description="The day of a daily report, or a day of a weekly one")
    month: str | None = Field(None, description="YYYY-MM of a monthly report", examples=["2025-12"])
    year: int | None = Field(None, ge=FIRST_DAY.year, le=LAST_DAY.year, description="Of an annual report")
    tz: str = Field("UTC", description="IANA time zone whose local days the report covers")
    service_name: list[ServiceName] | None = Field(
        None, min_length=1, description="Only these services (default: every service)"
    )
    top_metrics: int = Field(10, ge=1, le=50, description="How many of the most recorded metrics to list")

    @field_validator("month")
    @classmethod
    def _month(cls, value: str | None) -> str | None:
        if value is not None:
            _first_of_month(value)
        return value

    @field_validator("tz")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            zone_of(value)
        except InvalidRequest as exc:
            raise ValueError(str(exc)) from exc
        return value

    @model_validator(mode="after")
    def _ordered(self) -> ReportParameters:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError(f"end_date {self.end_date} is before start_date {self.start_date}")
        return self

    @property
    def services(self) -> list[ServiceName]:
        return list(self.service_name or ServiceName)

    def days(self, report_type: ReportType, now: dt.datetime) -> tuple[dt.date, dt.date]:
        """The report's first and last local day (both included); `now` is aware."""
        today = now.astimezone(zone_of(self.tz)).date()
        if report_type is ReportType.DAILY:
            day = self.date or today - ONE_DAY
            return day, day
        if report_type is ReportType.WEEKLY:
            anchor = self.date or self.start_date
            monday = (
                anchor - dt.timedelta(days=anchor.weekday())
                if anchor
                else today - dt.timedelta(days=today.weekday() + 7)
            )
            return monday, monday + dt.timedelta(days=6)
        if report_type is ReportType.MONTHLY:
            first = (
                _first_of_month(self.month) if self.month else (today.replace(day=1) - ONE_DAY).replace(day=1)
            )
            return first, _next_month(first) - ONE_DAY
        if report_type is ReportType.ANNUAL:
            year = self.year or today.year - 1
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if self.start_date is None or self.end_date is None:
            raise InvalidRequest("a custom report needs start_date and end_date")
        return self.start_date, self.end_date

    def period(self, report_type: ReportType, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) of the report in its zone: whole local days, so a day across a DST change lasts
        23 or 25 hours."""
        first, last = self.days(report_type, now)
        return local_midnight(first, self.tz), local_midnight(last + ONE_DAY, self.tz)


def local_midnight(day: dt.date, tz: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone_of(tz))


class ReportDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=255)
    report_type: ReportType
    parameters: ReportParameters = Field(default_factory=ReportParameters)

    @model_validator(mode="after")
    def _period_fields_fit_the_type(self) -> ReportDefinition:
        allowed = PERIOD_FIELDS[self.report_type]
        given = [name for fields in PERIOD_FIELDS.values() for name in fields]
        misplaced = sorted(
            {name for name in given if getattr(self.parameters, name) is not None} - set(allowed)
        )
        if misplaced:
            raise ValueError(
                f"{', '.join(misplaced)} does not apply to a {self.report_type} report, "
                f"whose period is set by {' or '.join(allowed)}"
            )
        if self.report_type is ReportType.CUSTOM and not (
            self.parameters.start_date and self.parameters.end_date
        ):
            raise ValueError("a custom report needs parameters.start_date and parameters.end_date")
        return self


class KeyFigures(BaseModel):
    metrics_recorded: int
    previous_metrics_recorded: int = Field(description="In the previous period of the same length")
    change_percent: float | None = Field(description="null when the previous period recorded none")
    services_reporting: int = Field(description="Services that recorded at least one metric")
    distinct_metrics: int = Field(description="Distinct (service, metric_type, metric_name) series")


class ServiceSummary(BaseModel):
    service: ServiceName
    count: int
    sum: float
    avg: float | None
    previous_sum: float
    change_percent: float | None = Field(description="Of the sum; null when the previous sum is 0")


class TimePoint(BaseModel):
    start: dt.datetime = Field(description="The bucket's local start")
    sum: float


class ServiceSeries(BaseModel):
    service: ServiceName
    points: list[TimePoint]


class TopMetric(BaseModel):
    service: ServiceName
    metric_type: MetricType
    metric_name: str
    count: int
    sum: float
    avg: float
    min: float
    max: float
    p95: float | None = Field(description="Within 1 % of the true value when read from the rollups")


class GoalProgress(BaseModel):
    """A goal's progress as last computed (analytics.goal_progress), kept on the goal."""

    name: str
    metric_type: MetricType
    target_value: float
    current_value: float
    unit: str | None
    progress_percentage: float
    status: GoalStatus
    start_date: dt.date
    end_date: dt.date
    forecast_value: float | None = None
    probability: float | None = Field(None, description="Of reaching the target by end_date")
    outlook: GoalOutlook | None = Field(None, description="on_track, at_risk, off_track, achieved or failed")


class DetailRow(BaseModel):
    bucket_start: dt.datetime
    service: ServiceName
    metric_type: MetricType
    metric_name: str
    count: int
    sum: float
    avg: float
    min: float
    max: float


class ReportContent(BaseModel):
    """A report's figures, independent of its format (a JSON report is exactly this)."""

    title: str
    report_type: ReportType
    period_start: dt.datetime
    period_end: dt.datetime = Field(description="Exclusive: the local midnight after the last day")
    previous_period_start: dt.datetime = Field(description="The period of the same length just before")
    time_zone: str
    generated_at: dt.datetime
    interval: Interval = Field(description="Bucket length of the time series and the detail rows")
    key_figures: KeyFigures
    services: list[ServiceSummary]
    time_series: list[ServiceSeries]
    top_metrics: list[TopMetric] = Field(description="The most recorded series, by count")
    goals: list[GoalProgress] = Field(description="Goals whose dates overlap the period")
    details: list[DetailRow] = Field(description="One per bucket, service, metric type and metric name")
