"""A dashboard's data: every widget's answer in one response, computed concurrently.

Each widget is one question to the statistics or chart services (number → statistics, line/area/bar/
pie/heatmap → charts, table → grouped statistics rows, goal → the goals' progress), asked in a thread of
a small pool with a unit of work (so a connection) of its own. The dashboard's filters (period, zone,
dimensions) apply to every widget; the request's start_date, end_date and tz override them. A widget
that cannot be answered (its metric deleted since it was saved, a period too long for its interval)
gets an `error` in its slot; the other widgets are answered all the same.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from analytics.enums import DashboardType, GoalOutlook, GoalStatus
from analytics.errors import DomainError, http_status
from analytics.observability import logger
from analytics.ports import UnitOfWork
from analytics.schemas.dashboards import (
    DEFAULT_TABLE_ROWS,
    DashboardFilters,
    Layout,
    RelativeRange,
    Viewer,
    Widget,
    WidgetType,
)
from analytics.schemas.report_content import GoalProgress
from analytics.schemas.statistics import Aggregate, Comparison, Fill, GroupStatistics
from analytics.services import charts
from analytics.services import statistics as statistics_service
from analytics.services.dashboards import metric_names, metric_problem, visible_dashboard
from analytics.services.insights.executive import elapsed_share
from analytics.statistics import GROUP_OF_INTERVAL, Interval, StatisticsQuery, period_in_zone, zone_of

# Widgets computed at once: within the engine's pool (DB_POOL_SIZE 2 + 2 overflow by default), so no
# widget waits for a connection another widget of the same dashboard holds.
MAX_CONCURRENT_WIDGETS = 4
ONE_DAY = dt.timedelta(days=1)
ONE_HOUR = dt.timedelta(hours=1)


class NumberData(BaseModel):
    type: Literal["number"] = "number"
    agg: Aggregate
    value: float | None = Field(description="`agg` of the metrics in the period; null when there are none")
    count: int = Field(description="How many metrics the value is made of")
    compare: Comparison | None = None
    previous: float | None = Field(None, description="The same figure in the comparison period")
    change: float | None = None
    change_percent: float | None = Field(None, description="null when the previous value is 0 or missing")
    comparison_start: dt.datetime | None = None
    comparison_end: dt.datetime | None = None


class TableData(BaseModel):
    type: Literal["table"] = "table"
    agg: Aggregate = Field(description="The figure rows are ordered by, largest first")
    group_by: list[str]
    rows: list[GroupStatistics]
    total_rows: int = Field(description="Groups before `limit`")


class GoalView(GoalProgress):
    elapsed_percentage: float = Field(description="How much of the goal's days have passed, in percent")
    on_track: bool | None = Field(
        description="For active goals: whether its kept outlook is on_track (a chance of at least 0.7 of "
        "reaching the target); null for the others"
    )


class GoalData(BaseModel):
    type: Literal["goal"] = "goal"
    goals: list[GoalView]


WidgetContent = (
    NumberData | charts.SeriesChart | charts.CategoryChart | charts.HeatmapChart | TableData | GoalData
)


class WidgetError(BaseModel):
    status: int = Field(description="The HTTP status the same question would get on its own endpoint")
    detail: str


class WidgetData(BaseModel):
    id: str
    title: str
    type: WidgetType
    layout: Layout
    start: dt.datetime = Field(description="The widget's period: local start")
    end: dt.datetime = Field(description="Local end, exclusive")
    data: WidgetContent | None = Field(description="null when the widget failed; see `error`")
    error: WidgetError | None = None


class DashboardData(BaseModel):
    id: uuid.UUID
    name: str
    dashboard_type: DashboardType
    tz: str
    start: dt.datetime = Field(description="The dashboard's period: local start")
    end: dt.datetime = Field(description="Local end, exclusive")
    generated_at: dt.datetime
    widgets: list[WidgetData] = Field(description="In the order of the dashboard's config")


@dataclass(frozen=True)
class PeriodOverride:
    """The `/data` request's start_date, end_date and tz: they apply to every widget."""

    start_date: dt.date | dt.datetime | None = None
    end_date: dt.date | dt.datetime | None = None
    tz: str | None = None

    @property
    def has_period(self) -> bool:
        return self.start_date is not None or self.end_date is not None


@dataclass(frozen=True)
class Period:
    start: dt.datetime  # UTC, inclusive
    end: dt.datetime  # UTC, exclusive
    tz: str

    def local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(zone_of(self.tz))


def relative_days(relative: RelativeRange, today: dt.date) -> tuple[dt.date, dt.date]:
    """First and last local day (both included) of a relative range that is made of days."""
    days = {
        RelativeRange.TODAY: 1,
        RelativeRange.LAST_7_DAYS: 7,
        RelativeRange.LAST_30_DAYS: 30,
        RelativeRange.LAST_90_DAYS: 90,
        RelativeRange.LAST_365_DAYS: 365,
    }
    if relative in days:
        return today - dt.timedelta(days=days[relative] - 1), today
    if relative is RelativeRange.YESTERDAY:
        return today - ONE_DAY, today - ONE_DAY
    if relative is RelativeRange.THIS_WEEK:
        return today - dt.timedelta(days=today.weekday()), today
    if relative is RelativeRange.THIS_MONTH:
        return today.replace(day=1), today
    if relative is RelativeRange.LAST_MONTH:
        last = today.replace(day=1) - ONE_DAY
        return last.replace(day=1), last
    if relative is RelativeRange.THIS_QUARTER:
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today
    if relative is RelativeRange.THIS_YEAR:
        return today.replace(month=1, day=1), today
    raise ValueError(f"{relative} is not made of days")


def relative_period(relative: RelativeRange, tz: str, now: dt.datetime) -> Period:
    if relative is RelativeRange.LAST_24_HOURS:
        end = now.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0) + ONE_HOUR
        return Period(end - 24 * ONE_HOUR, end, tz)
    first, last = relative_days(relative, now.astimezone(zone_of(tz)).date())
    return Period(*period_in_zone(first, last, tz), tz)


def resolve_period(
    filters: DashboardFilters, own_range: RelativeRange | None, override: PeriodOverride, now: dt.datetime
) -> Period:
    """The request's period first, then the widget's own range, then the dashboard's period."""
    tz = override.tz or filters.tz
    if override.has_period:
        return Period(*period_in_zone(override.start_date, override.end_date, tz), tz)
    if own_range is None and (filters.start_date is not None or filters.end_date is not None):
        return Period(*period_in_zone(filters.start_date, filters.end_date, tz), tz)
    return relative_period(own_range or filters.relative_range or RelativeRange.LAST_30_DAYS, tz, now)


def statistics_query(widget: Widget, filters: DashboardFilters, period: Period) -> StatisticsQuery:
    """The widget's question as the statistics and chart endpoints would ask it."""
    query = widget.query
    group_by = tuple(query.group_by)
    if widget.type in (WidgetType.LINE, WidgetType.AREA):
        group_by += (GROUP_OF_INTERVAL[query.interval or Interval.DAY],)
    elif widget.type is WidgetType.HEATMAP:
        group_by = ("hour",)
    dimensions = {**filters.dimensions, **widget.filters.dimensions}
    return StatisticsQuery(
        start=period.start,
        end=period.end,
        service_name=query.service_name,
        metric_type=query.metric_type,
        metric_name=query.metric_name,
        dimensions=tuple(sorted(dimensions.items())),
        group_by=group_by,
        tz=period.tz,
    )


def number(uow: UnitOfWork, widget: Widget, query: StatisticsQuery) -> NumberData:
    agg = widget.agg
    figures = statistics_service.statistics(uow, query, percentiles=agg is Aggregate.P95).groups[0]
    value = getattr(figures, str(agg))
    data = NumberData(agg=agg, value=None if value is None else float(value), count=figures.count)
    compare = widget.query.compare
    if compare is not None:
        answer = statistics_service.trends(uow, query, compare, agg)
        trend = answer.trends[0] if answer.trends else None
        data.compare = compare
        data.comparison_start, data.comparison_end = answer.comparison_start, answer.comparison_end
        if trend is not None:
            data.previous, data.change, data.change_percent = (
                trend.previous,
                trend.change,
                trend.change_percent,
            )
    return data


def table(uow: UnitOfWork, widget: Widget, query: StatisticsQuery) -> TableData:
    agg = widget.agg
    groups = statistics_service.statistics(uow, query).groups

    def order(group: GroupStatistics) -> tuple[bool, float]:
        value = getattr(group, str(agg))
        return value is None, -(value or 0.0)

    rows = sorted(groups, key=order)
    limit = widget.query.limit or DEFAULT_TABLE_ROWS
    return TableData(agg=agg, group_by=list(query.group_by), rows=rows[:limit], total_rows=len(rows))


def goals(uow: UnitOfWork, widget: Widget, period: Period, today: dt.date) -> GoalData:
    first = period.local(period.start).date()
    last = period.local(period.end - dt.timedelta(microseconds=1)).date()
    with uow:
        overlapping = uow.goals.overlapping(first, last)
    wanted = [
        goal
        for goal in overlapping
        if widget.query.metric_type in (None, goal.metric_type)
        and widget.query.goal_name in (None, goal.name)
    ]
    views = []
    for goal in wanted:
        elapsed = elapsed_share(goal, today) * 100
        on_track = goal.outlook is GoalOutlook.ON_TRACK if goal.status is GoalStatus.ACTIVE else None
        views.append(GoalView(**goal.model_dump(), elapsed_percentage=elapsed, on_track=on_track))
    return GoalData(goals=views)


def widget_content(
    uow: UnitOfWork, widget: Widget, filters: DashboardFilters, period: Period, now: dt.datetime
) -> WidgetContent:
    if widget.type is WidgetType.GOAL:
        return goals(uow, widget, period, now.astimezone(zone_of(period.tz)).date())
    query = statistics_query(widget, filters, period)
    kind = widget.type
    if kind is WidgetType.NUMBER:
        return number(uow, widget, query)
    if kind is WidgetType.TABLE:
        return table(uow, widget, query)
    if kind is WidgetType.HEATMAP:
        return charts.heatmap(uow, query, widget.agg)
    if kind in (WidgetType.BAR, WidgetType.PIE):
        return charts.category_chart(uow, query, widget.agg, str(kind))
    default_fill = Fill.ZERO if kind is WidgetType.AREA else Fill.NULL
    return charts.series_chart(uow, query, widget.agg, widget.query.fill or default_fill, str(kind))


def error_of(exc: Exception) -> WidgetError:
    if isinstance(exc, DomainError):
        return WidgetError(status=http_status(exc), detail=str(exc.detail))
    return WidgetError(status=500, detail=f"the widget could not be computed ({type(exc).__name__})")


def dashboard_data(
    unit_of_work: Callable[[], UnitOfWork],
    dashboard_id: uuid.UUID,
    viewer: Viewer,
    override: PeriodOverride,
    now: dt.datetime,
    max_workers: int = MAX_CONCURRENT_WIDGETS,
) -> DashboardData:
    """Every widget's data; `unit_of_work` makes one unit of work per widget (and one to read the
    dashboard and which of its metrics still exist, in one query)."""
    with unit_of_work() as uow:
        dashboard = visible_dashboard(uow, dashboard_id, viewer)
        known = uow.dashboards.known_series(metric_names(dashboard.config))
    filters = dashboard.config.filters
    period = resolve_period(filters, None, override, now)

    def answer(widget: Widget) -> WidgetData:
        widget_period = resolve_period(filters, widget.filters.relative_range, override, now)
        content: WidgetContent | None = None
        error: WidgetError | None = None
        problem = metric_problem(widget, known)
        if problem is not None:
            error = WidgetError(status=404, detail=f"{problem} any more")
        else:
            try:
                content = widget_content(unit_of_work(), widget, filters, widget_period, now)
            except DomainError as exc:
                error = error_of(exc)
            except Exception as exc:  # one widget's bug must not take the whole dashboard down
                logger.exception("dashboard widget failed", extra={"dashboard_id": str(dashboard_id)})
                error = error_of(exc)
        return WidgetData(
            id=widget.id,
            title=widget.title,
            type=widget.type,
            layout=widget.layout,
            start=widget_period.local(widget_period.start),
            end=widget_period.local(widget_period.end),
            data=content,
            error=error,
        )

    widgets = dashboard.config.widgets
    if widgets:
        with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(widgets)))) as pool:
            answered = list(pool.map(answer, widgets))
    else:
        answered = []
    return DashboardData(
        id=dashboard.id,
        name=dashboard.name,
        dashboard_type=dashboard.dashboard_type,
        tz=period.tz,
        start=period.local(period.start),
        end=period.local(period.end),
        generated_at=now,
        widgets=answered,
    )
