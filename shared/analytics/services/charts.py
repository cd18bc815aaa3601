"""Chart data (line, area, bar, pie, heatmap) that a front-end chart library can draw as it is:
labels, series, totals and percentages, computed from the statistics and time series answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from analytics.errors import InvalidRequest
from analytics.ports import UnitOfWork
from analytics.schemas.statistics import Aggregate, Fill
from analytics.services import statistics as statistics_service
from analytics.statistics import StatisticsQuery, zone_of

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
HOURS = [f"{hour:02d}:00" for hour in range(24)]


class ChartSeries(BaseModel):
    name: str
    data: list[float | None]
    total: float = Field(description="Sum of the series' values")


class SeriesChart(BaseModel):
    """Line or area: one label per time bucket, one series per group."""

    type: str
    labels: list[str]
    series: list[ChartSeries]
    stacked: bool = Field(description="Whether the series are meant to be stacked (area charts)")
    total: float | None = Field(description="Of every series; null when the series are in different units")


class CategoryChart(BaseModel):
    """Bar or pie: one label per group."""

    type: str
    labels: list[str]
    data: list[float | None]
    percentages: list[float | None] = Field(description="Each value's share of the total, in percent")
    total: float


class HeatmapChart(BaseModel):
    """Weekday (rows, Monday first) by hour of the local day (columns)."""

    type: str = "heatmap"
    x_labels: list[str] = Field(default_factory=lambda: list(HOURS))
    y_labels: list[str] = Field(default_factory=lambda: list(WEEKDAYS))
    data: list[list[float | None]]
    min: float | None
    max: float | None


def _name(group: dict[str, Any]) -> str:
    return " / ".join(str(value) for value in group.values()) or "all"


def series_chart(
    uow: UnitOfWork, query: StatisticsQuery, agg: Aggregate, fill: Fill, chart_type: str
) -> SeriesChart:
    answer = statistics_service.time_series(uow, query, agg, fill)
    units = {s.unit for s in answer.series}
    if chart_type == "area" and len(units) > 1:  # stacked, the series would be added
        raise InvalidRequest(statistics_service.mixed_units(*units))
    series = [
        ChartSeries(name=_name(s.group), data=s.values, total=sum(v for v in s.values if v is not None))
        for s in answer.series
    ]
    return SeriesChart(
        type=chart_type,
        labels=[moment.isoformat() for moment in answer.buckets],
        series=series,
        stacked=chart_type == "area",
        total=sum(s.total for s in series) if len(units) <= 1 else None,
    )


def category_chart(uow: UnitOfWork, query: StatisticsQuery, agg: Aggregate, chart_type: str) -> CategoryChart:
    if not query.group_by:
        raise InvalidRequest("a bar or pie chart needs group_by (for example group_by=service_name)")
    if chart_type == "pie" and agg not in (Aggregate.SUM, Aggregate.COUNT):
        raise InvalidRequest("a pie chart shows shares of a whole: use agg=sum or agg=count")
    groups = statistics_service.statistics(uow, query, percentiles=agg is Aggregate.P95).groups
    units = {group.unit for group in groups}
    if len(units) > 1:  # the groups' shares of one total would add them
        raise InvalidRequest(statistics_service.mixed_units(*units))
    data: list[float | None] = [getattr(group, str(agg)) for group in groups]
    total = sum(value for value in data if value is not None)
    return CategoryChart(
        type=chart_type,
        labels=[_name(group.group) for group in groups],
        data=data,
        percentages=[value / total * 100 if value is not None and total else None for value in data],
        total=total,
    )


def heatmap(uow: UnitOfWork, query: StatisticsQuery, agg: Aggregate) -> HeatmapChart:
    """`query` groups by hour only; its hourly figures are folded into weekday by hour of day."""
    if agg is Aggregate.P95:
        raise InvalidRequest("a heatmap combines hours: use agg=sum, avg, count, min or max")
    zone = zone_of(query.tz)
    cells: dict[tuple[int, int], dict[str, float]] = {}
    answer = statistics_service.statistics(uow, query, percentiles=False)
    units = {group.unit for group in answer.groups}
    if len(units) > 1:  # each cell adds the hours falling on it
        raise InvalidRequest(statistics_service.mixed_units(*units))
    for group in answer.groups:
        local = dt.datetime.fromisoformat(group.group["hour"]).astimezone(zone)
        cell = cells.setdefault(
            (local.weekday(), local.hour), {"count": 0, "sum": 0.0, "min": float("inf"), "max": float("-inf")}
        )
        assert group.sum is not None and group.min is not None and group.max is not None, "a non-empty hour"
        cell["count"] += group.count
        cell["sum"] += group.sum
        cell["min"] = min(cell["min"], group.min)
        cell["max"] = max(cell["max"], group.max)

    def value(cell: dict[str, float] | None) -> float | None:
        if cell is None or not cell["count"]:
            return None
        return cell["sum"] / cell["count"] if agg is Aggregate.AVG else cell[str(agg)]

    data = [[value(cells.get((day, hour))) for hour in range(24)] for day in range(7)]
    present = [v for row in data for v in row if v is not None]
    return HeatmapChart(data=data, min=min(present, default=None), max=max(present, default=None))
