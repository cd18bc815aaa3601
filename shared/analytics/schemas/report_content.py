"""What a report is about (its definition and parameters) and what it holds, whatever its format."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Literal

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
    top_metrics: int = Field(
        10,
        ge=1,
        le=50,
        description="How many items each breakdown lists (partner types, platforms, channels...), "
        "largest first",
    )

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


class GoalProgress(BaseModel):
    """A goal's progress as last computed (analytics.goal_progress), kept on the goal."""

    name: str
    metric_type: MetricType
    service_name: ServiceName | None = Field(None, description="null for a goal tracked by hand")
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


# What a report holds: domain sections of figures, each in its own unit and never added across units.


class Unit(StrEnum):
    USD = "USD"
    PEOPLE = "people"
    COUNT = "count"
    PERCENT = "percent"


class SectionKey(StrEnum):
    FUNDRAISING = "fundraising"
    PARTNERS = "partners"
    PROJECTS = "projects"
    SOCIAL_MEDIA = "social_media"
    NOTIFICATIONS = "notifications"
    GOALS = "goals"


class ReportPeriod(BaseModel):
    label: str = Field(description="What a reader calls it: `December 2025`, `Week 49, 2025`, `2025`...")
    first_day: dt.date
    last_day: dt.date = Field(description="Included")
    start: dt.datetime = Field(description="The local midnight that begins first_day")
    end: dt.datetime = Field(description="Exclusive: the local midnight after last_day")


class Comparison(BaseModel):
    """A figure's value in a comparison period, and how far the report's period is from it."""

    value: float
    change: float | None = Field(
        description="The report period's value minus this one, in the figure's unit (percentage points for "
        "a percent); null when the report period's value is null"
    )
    change_percent: float | None = Field(
        description="The change relative to this value; null for a percent, or when this value is 0"
    )


class Figure(BaseModel):
    key: str = Field(description="Stable within its section, e.g. `donations_total`")
    label: str
    unit: Unit
    value: float | None = Field(description="null for a rate whose denominator is 0")
    as_of: dt.date | None = Field(None, description="A daily snapshot's value: the local day it is of")
    note: str | None = None
    previous: Comparison | None = Field(description="The previous period; null when it holds no data")
    year_earlier: Comparison | None = Field(description="A year earlier; null when it holds no data")
    key_figure: bool = Field(False, description="One of the report's key figures (page 1 of the PDF)")
    higher_is_better: bool = True


class BreakdownItem(BaseModel):
    name: str | None = Field(description="The dimension's value; null for metrics sent without it")
    figures: list[Figure] = Field(description="The same figures, in the same order, for every item")


class Breakdown(BaseModel):
    key: str
    title: str
    dimension: str = Field(description="What the items are, e.g. `Partner type`")
    items: list[BreakdownItem] = Field(description="Largest first")
    not_shown: int = Field(0, description="Items beyond the report's top_metrics, left out")


class ChartSeries(BaseModel):
    name: str
    values: list[float | None]


class TimeChart(BaseModel):
    """Values per bucket of the report's period, all in one unit."""

    kind: Literal["over_time"] = "over_time"
    title: str
    unit: Unit
    interval: Interval
    starts: list[dt.datetime] = Field(description="Each bucket's local start")
    series: list[ChartSeries]


class CategoryChart(BaseModel):
    """Values per category (partner type, channel, goal...), all in one unit."""

    kind: Literal["by_category"] = "by_category"
    title: str
    unit: Unit
    categories: list[str]
    series: list[ChartSeries]


Chart = Annotated[TimeChart | CategoryChart, Field(discriminator="kind")]


class GoalRow(BaseModel):
    """A goal overlapping the report's period, with its progress as the goals' computation last kept it."""

    name: str
    metric_type: MetricType
    unit: str | None = Field(description="The goal's own unit, that of its current and target values")
    current_value: float
    target_value: float
    progress_percent: float = Field(description="current_value per target_value")
    elapsed_percent: float = Field(description="Share of the goal's days up to the report's last day")
    status: GoalStatus
    outlook: GoalOutlook | None = Field(description="null until its progress is first computed")
    probability: float | None = Field(description="Of reaching the target by end_date, as last computed")
    start_date: dt.date
    end_date: dt.date


class Section(BaseModel):
    key: SectionKey
    title: str
    compared: bool = Field(
        True, description="false for standings (the goals' counts), which no earlier period is compared with"
    )
    figures: list[Figure]
    chart: Chart | None = Field(description="null when the section holds nothing to chart")
    breakdowns: list[Breakdown] = Field(default_factory=list)
    goals: list[GoalRow] = Field(default_factory=list, description="The goals section's goals")
    notes: list[str] = Field(default_factory=list, description="How its figures are read")


class LeftOut(BaseModel):
    """A section without data in the report's period."""

    key: SectionKey
    title: str
    reason: str


class ReportContent(BaseModel):
    """A report's figures, independent of its format (a JSON report is exactly this)."""

    title: str
    report_type: ReportType
    time_zone: str
    generated_at: dt.datetime
    period: ReportPeriod
    previous_period: ReportPeriod = Field(description="The previous calendar period of the same kind")
    year_earlier_period: ReportPeriod | None = Field(
        description="The same period a year earlier; null for an annual report, or when it holds no data"
    )
    interval: Interval = Field(description="Bucket length of the charts over time")
    sections: list[Section] = Field(description="The domains with data in the period, in a fixed order")
    left_out: list[LeftOut] = Field(description="The domains without data in the period")

    def key_figures(self) -> list[tuple[Section, Figure]]:
        return [(section, f) for section in self.sections for f in section.figures if f.key_figure]

    def section(self, key: SectionKey) -> Section | None:
        return next((section for section in self.sections if section.key is key), None)
