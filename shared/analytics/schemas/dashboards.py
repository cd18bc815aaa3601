"""Dashboards (spec/000, spec/001): what the API takes and answers, and the widget configuration that is
validated when a dashboard is saved, so that a bad widget is a 422 then and not an error on every view.

A widget's query takes the options of the statistics, time-series and chart endpoints (the same enums,
group_by rules and chart constraints); which options apply depends on the widget's type.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import Counter
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    field_validator,
    model_validator,
)

from analytics.enums import DashboardType, MetricType, ServiceName
from analytics.errors import InvalidRequest
from analytics.schemas.common import Name, PartialUpdate, RequestBody
from analytics.schemas.statistics import Aggregate, Comparison, Fill
from analytics.schemas.time import DateOrTimestamp
from analytics.schemas.widget_defaults import GRID_COLUMNS, with_defaults
from analytics.statistics import TIME_GROUPS, Interval, parse_group_by, zone_of

MAX_WIDGETS = 50
MAX_TABLE_ROWS = 1000
DEFAULT_TABLE_ROWS = 50
WIDGET_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class WidgetType(StrEnum):
    NUMBER = "number"  # one figure, optionally against an earlier period
    LINE = "line"
    BAR = "bar"
    PIE = "pie"
    AREA = "area"
    HEATMAP = "heatmap"  # weekday by hour of the day
    TABLE = "table"  # statistics rows, one per group
    GOAL = "goal"  # progress of the goals that overlap the period


class RelativeRange(StrEnum):
    """A period relative to now, in whole local days of the dashboard's time zone (today included),
    except `last_24_hours`."""

    LAST_24_HOURS = "last_24_hours"
    TODAY = "today"
    YESTERDAY = "yesterday"
    LAST_7_DAYS = "last_7_days"
    LAST_30_DAYS = "last_30_days"
    LAST_90_DAYS = "last_90_days"
    LAST_365_DAYS = "last_365_days"
    THIS_WEEK = "this_week"
    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    THIS_QUARTER = "this_quarter"
    THIS_YEAR = "this_year"


def _zone_name(value: str) -> str:
    try:
        zone_of(value)
    except InvalidRequest as exc:
        raise ValueError(str(exc)) from exc
    return value


TimeZoneName = Annotated[str, AfterValidator(_zone_name)]
# A date or an instant, as the statistics endpoints take them, written back as ISO 8601 text.
Bound = Annotated[DateOrTimestamp, PlainSerializer(lambda value: value.isoformat(), return_type=str)]
DimensionKey = Annotated[str, StringConstraints(min_length=1, max_length=255)]
DimensionFilters = dict[DimensionKey, Annotated[str, StringConstraints(max_length=1000)]]


class Layout(BaseModel):
    """The widget's place on a grid of 12 columns; rows are as tall as the front end makes them."""

    model_config = ConfigDict(extra="forbid")

    x: int = Field(ge=0, lt=GRID_COLUMNS, description="First column, 0-11")
    y: int = Field(ge=0, le=10_000, description="First row")
    w: int = Field(ge=1, le=GRID_COLUMNS, description="Width in columns")
    h: int = Field(ge=1, le=100, description="Height in rows")

    @model_validator(mode="after")
    def _fits(self) -> Layout:
        if self.x + self.w > GRID_COLUMNS:
            raise ValueError(f"x + w is {self.x + self.w}: the grid has {GRID_COLUMNS} columns")
        return self


class WidgetQuery(BaseModel):
    """What the widget shows: the options of the statistics, time-series and chart endpoints.

    Which options apply depends on the widget's type (see WIDGET_OPTIONS); an option that does not apply
    is refused rather than ignored."""

    model_config = ConfigDict(extra="forbid")

    service_name: ServiceName | None = None
    metric_type: MetricType | None = None
    metric_name: Name | None = Field(None, description="Must name a metric the service has stored")
    agg: Aggregate | None = Field(None, description="sum (default), avg, count, min, max or p95")
    interval: Interval | None = Field(None, description="Bucket length of line and area charts (default day)")
    fill: Fill | None = Field(None, description="Empty buckets of line (default null) and area (zero) charts")
    group_by: list[str] = Field(
        default_factory=list,
        description="A list or comma-separated, as the statistics endpoints': service_name, metric_type, "
        "metric_name, date, hour, week, month, dimensions.<key>",
    )
    compare: Comparison | None = Field(None, description="A number widget's comparison period")
    limit: int | None = Field(
        None, ge=1, le=MAX_TABLE_ROWS, description="Rows of a table, largest `agg` first (default 50)"
    )
    goal_name: Name | None = Field(None, description="A goal widget's goal, by name (default: every goal)")

    @field_validator("group_by", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("group_by")
    @classmethod
    def _group_by(cls, value: list[str]) -> list[str]:
        try:
            return list(parse_group_by(value))
        except InvalidRequest as exc:
            raise ValueError(str(exc)) from exc


# The query options each widget type takes besides the metric filters (service_name, metric_type,
# metric_name), which every type but goal takes.
METRIC_FILTERS = ("service_name", "metric_type", "metric_name")
WIDGET_OPTIONS: dict[WidgetType, tuple[str, ...]] = {
    WidgetType.NUMBER: (*METRIC_FILTERS, "agg", "compare"),
    WidgetType.LINE: (*METRIC_FILTERS, "agg", "interval", "fill", "group_by"),
    WidgetType.AREA: (*METRIC_FILTERS, "agg", "interval", "fill", "group_by"),
    WidgetType.BAR: (*METRIC_FILTERS, "agg", "group_by"),
    WidgetType.PIE: (*METRIC_FILTERS, "agg", "group_by"),
    WidgetType.HEATMAP: (*METRIC_FILTERS, "agg"),
    WidgetType.TABLE: (*METRIC_FILTERS, "agg", "group_by", "limit"),
    WidgetType.GOAL: ("metric_type", "goal_name"),
}


class WidgetFilters(BaseModel):
    """Narrows one widget: dimension filters (added to the dashboard's) and its own period."""

    model_config = ConfigDict(extra="forbid")

    dimensions: DimensionFilters = Field(
        default_factory=dict, description="Only metrics whose dimensions hold these values, e.g. country=US"
    )
    relative_range: RelativeRange | None = Field(
        None,
        description="The widget's own period instead of the dashboard's (start_date/end_date of the "
        "request still apply to every widget)",
    )


def _problem(widget_id: str, widget_type: WidgetType, message: str) -> ValueError:
    return ValueError(f"widget {widget_id!r} ({widget_type}): {message}")


def _optional_id_and_layout(schema: dict[str, Any]) -> None:
    """A request may leave both out (analytics.schemas.widget_defaults); an answer always has them."""
    schema["required"] = [name for name in schema.get("required", []) if name not in ("id", "layout")]


class Widget(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_optional_id_and_layout)

    id: str = Field(
        description="Unique in the dashboard: letters, digits, `_`, `.` and `-`, up to 64; by default made "
        "from the title"
    )
    title: str = Field(min_length=1, max_length=255)
    type: WidgetType
    query: WidgetQuery = Field(default_factory=WidgetQuery)
    layout: Layout = Field(
        description="By default the type's usual size at the first free place of the grid, after the widgets "
        "placed by hand"
    )
    filters: WidgetFilters = Field(default_factory=WidgetFilters)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not WIDGET_ID.fullmatch(value):
            raise ValueError(
                "a widget id is 1-64 letters, digits, `_`, `.` or `-`, starting with a letter or digit"
            )
        return value

    @model_validator(mode="after")
    def _options_fit_the_type(self) -> Widget:
        query, kind = self.query, self.type
        given = [name for name in query.model_fields_set if getattr(query, name) not in (None, [])]
        misplaced = sorted(set(given) - set(WIDGET_OPTIONS[kind]))
        if misplaced:
            raise _problem(
                self.id,
                kind,
                f"{', '.join(misplaced)} does not apply to a {kind} widget, which takes "
                + ", ".join(WIDGET_OPTIONS[kind]),
            )
        if kind is WidgetType.GOAL:
            if self.filters.dimensions:
                raise _problem(self.id, kind, "goals have no dimensions to filter by")
            return self
        if not (query.metric_name or query.metric_type or query.service_name):
            raise _problem(
                self.id, kind, "name the metric: metric_name, or at least service_name or metric_type"
            )
        time_groups = [name for name in query.group_by if name in TIME_GROUPS]
        if kind in (WidgetType.LINE, WidgetType.AREA) and time_groups:
            raise _problem(self.id, kind, "group_by names no time field: `interval` sets the buckets")
        if kind in (WidgetType.BAR, WidgetType.PIE) and not query.group_by:
            raise _problem(
                self.id, kind, "a bar or pie chart needs group_by (for example dimensions.country)"
            )
        if kind is WidgetType.PIE and query.agg not in (None, Aggregate.SUM, Aggregate.COUNT):
            raise _problem(self.id, kind, "a pie chart shows shares of a whole: use agg sum or count")
        if kind is WidgetType.HEATMAP and query.agg is Aggregate.P95:
            raise _problem(self.id, kind, "a heatmap combines hours: use agg sum, avg, count, min or max")
        return self

    @property
    def agg(self) -> Aggregate:
        return self.query.agg or Aggregate.SUM


class DashboardFilters(BaseModel):
    """Applied to every widget: the period (absolute, or relative to now) and the time zone of its days.
    The `/data` request's start_date, end_date and tz override them."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"relative_range": "last_30_days", "tz": "Europe/Berlin"}]},
    )

    start_date: Bound | None = Field(None, description="A local date or an instant")
    end_date: Bound | None = Field(None, description="A local date (whole day) or an instant")
    relative_range: RelativeRange | None = Field(
        None, description="Default last_30_days when no start_date or end_date is given"
    )
    tz: TimeZoneName = Field("UTC", description="IANA time zone of the dashboard's days, weeks and months")
    dimensions: DimensionFilters = Field(
        default_factory=dict, description="Dimension filters of every widget"
    )

    @model_validator(mode="after")
    def _one_kind_of_period(self) -> DashboardFilters:
        absolute = self.start_date is not None or self.end_date is not None
        if absolute and self.relative_range is not None:
            raise ValueError("give either start_date/end_date or relative_range, not both")
        if (
            self.start_date is not None
            and self.end_date is not None
            and _as_instant(self.end_date, end=True) <= _as_instant(self.start_date, end=False)
        ):
            raise ValueError("end_date must be after start_date")
        return self


def _as_instant(bound: dt.date | dt.datetime, *, end: bool) -> dt.datetime:
    """A rough instant to order bounds before the zone is applied (dates as UTC days)."""
    if isinstance(bound, dt.datetime):
        return bound
    day = bound + dt.timedelta(days=1) if end else bound
    return dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC)


class DashboardConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    widgets: list[Widget] = Field(default_factory=list, max_length=MAX_WIDGETS)
    filters: DashboardFilters = Field(default_factory=DashboardFilters)

    @model_validator(mode="before")
    @classmethod
    def _default_ids_and_layouts(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("widgets"), list):
            return {**data, "widgets": with_defaults(data["widgets"])}
        return data

    @model_validator(mode="after")
    def _unique_ids(self) -> DashboardConfig:
        twice = sorted(name for name, uses in Counter(w.id for w in self.widgets).items() if uses > 1)
        if twice:
            raise ValueError(f"widget ids must be unique; used more than once: {', '.join(twice)}")
        return self


CONFIG_EXAMPLE: dict[str, Any] = {
    "filters": {"relative_range": "last_30_days", "tz": "Europe/Berlin"},
    "widgets": [
        {
            "id": "donations-total",
            "title": "Donations",
            "type": "number",
            "query": {"metric_name": "donation_received", "agg": "sum", "compare": "previous"},
            "layout": {"x": 0, "y": 0, "w": 3, "h": 2},
        },
        {
            "id": "donations-by-day",
            "title": "Donations per day",
            "type": "line",
            "query": {"metric_name": "donation_received", "interval": "day"},
            "layout": {"x": 3, "y": 0, "w": 9, "h": 4},
        },
        {
            "id": "donations-by-country",
            "title": "Donations by country",
            "type": "pie",
            "query": {"metric_name": "donation_received", "group_by": ["dimensions.country"]},
            "layout": {"x": 0, "y": 4, "w": 6, "h": 4},
            "filters": {"dimensions": {"partner_type": "individual"}},
        },
    ],
}


class DashboardCreate(RequestBody):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Fundraising",
                    "dashboard_type": "partner",
                    "description": "Donations over the last 30 days",
                    "is_public": True,
                    "config": CONFIG_EXAMPLE,
                }
            ]
        },
    )

    name: Name
    dashboard_type: DashboardType = DashboardType.CUSTOM
    description: str | None = Field(None, max_length=2000)
    config: DashboardConfig = Field(default_factory=DashboardConfig)
    is_default: bool = Field(False, description="The type's default dashboard (admins only; must be public)")
    is_public: bool = Field(
        False, description="Visible to everyone; otherwise only to its creator and admins"
    )


class DashboardUpdate(PartialUpdate):
    """The fields to change; the others keep their values. `config` is replaced as a whole."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"name": "Fundraising 2026", "is_default": True}]}
    )

    clearable = frozenset({"description"})

    name: Name | None = None
    dashboard_type: DashboardType | None = None
    description: str | None = Field(None, max_length=2000)
    config: DashboardConfig | None = None
    is_default: bool | None = None
    is_public: bool | None = None


class DashboardFiltersQuery(BaseModel):
    """Which dashboards a list shows (always within what the caller may see)."""

    dashboard_type: DashboardType | None = None
    is_default: bool | None = None
    is_public: bool | None = None
    created_by: str | None = None
    name: str | None = None


class Viewer(BaseModel):
    """Who asks: anonymous callers see public dashboards; a subject sees its own too; admins all."""

    subject: str | None = None
    admin: bool = False


class DashboardResponse(BaseModel):
    id: uuid.UUID
    name: str
    dashboard_type: DashboardType
    description: str | None
    config: DashboardConfig
    is_default: bool
    is_public: bool
    created_by: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
