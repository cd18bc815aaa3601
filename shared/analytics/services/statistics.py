"""Statistics, time series and trends of the stored metrics.

Answers are kept per container for CACHE_METRICS_TTL_SECONDS under the database's snapshot: a repeated
question is answered without its query while nothing was written since (analytics.answer_cache).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import operator
from collections.abc import Callable, Collection, Hashable
from typing import Any, TypeVar

from pydantic import TypeAdapter

from analytics.answer_cache import AnswerCache
from analytics.errors import InvalidRequest
from analytics.ports import UnitOfWork
from analytics.schemas.common import Page
from analytics.schemas.statistics import (
    Aggregate,
    Comparison,
    Fill,
    GroupStatistics,
    MetricAggregation,
    Series,
    StatisticsAnswer,
    TimeSeriesAnswer,
    Trend,
    TrendsAnswer,
)
from analytics.settings import get_settings
from analytics.statistics import (
    FIGURES,
    GROUP_OF_INTERVAL,
    PERCENTILE_RELATIVE_ERROR,
    TIME_GROUPS,
    UNIT_COLUMNS,
    UNIT_GROUP,
    Source,
    StatisticsQuery,
    row_columns,
    zone_of,
)
from analytics.time_buckets import bucket_starts, filled

MAX_CACHED_ANSWERS = 512
# An answer's groups validated in one call into pydantic-core: a model built per row from Python cost more
# than the query of a three-year daily answer.
GROUPS = TypeAdapter(list[GroupStatistics])
AGGREGATIONS = TypeAdapter(list[MetricAggregation])
ANSWERS = AnswerCache(MAX_CACHED_ANSWERS)

A = TypeVar("A")


def cached(uow: UnitOfWork, key: Hashable, compute: Callable[[], A]) -> A:
    """`compute()`'s answer, or the one this container kept for the same question under the same database
    snapshot (analytics.answer_cache), for at most CACHE_METRICS_TTL_SECONDS."""
    settings = get_settings()
    ttl = settings.CACHE_METRICS_TTL_SECONDS if settings.CACHE_ENABLED else 0
    if ttl <= 0:
        return compute()
    with uow:
        version = uow.statistics.data_version()
    return ANSWERS.get_or_compute((version, key), ttl, compute)


def forget_answers() -> None:
    """Empties this container's cache (for example after the data changed under a test)."""
    ANSWERS.clear()


def _table(
    uow: UnitOfWork, query: StatisticsQuery, percentiles: bool, figures: Collection[str] = FIGURES
) -> list[list[Any]]:
    """The answer's rows as lists of row_columns(query, figures), each of metrics of one unit (its `unit`,
    None for none): a row whose metrics are in different units would add them, and is refused."""
    with uow:
        table = uow.statistics.table(query, percentiles, figures)
    unit_at = len(row_columns(query, figures)) - len(UNIT_COLUMNS)
    for values in table:
        unit, other_unit = values[unit_at], values[unit_at + 1]
        if unit != other_unit:
            raise InvalidRequest(mixed_units(unit, other_unit))
        values[unit_at] = unit or None
    return table


def _rows(uow: UnitOfWork, query: StatisticsQuery, percentiles: bool) -> list[dict[str, Any]]:
    """The answer's rows as `{column: value}` (analytics.statistics.row_columns)."""
    columns = row_columns(query)
    return [dict(zip(columns, values, strict=True)) for values in _table(uow, query, percentiles)]


def mixed_units(*units: str | None) -> str:
    named = ", ".join(sorted({unit or "no unit" for unit in units}))
    return (
        f"the metrics asked for are in different units ({named}) and their values would be added: name a "
        "metric_name or metric_type, or add unit to group_by"
    )


def _group_keys(query: StatisticsQuery, fields: tuple[str, ...]) -> list[tuple[str, str]]:
    """Each of `fields` in the query's group_by, with the key of its value in the answer rows."""
    return [(name, f"g{i}") for i, name in enumerate(query.group_by) if name in fields]


def _error_bound(query: StatisticsQuery) -> float:
    return PERCENTILE_RELATIVE_ERROR if query.source is Source.ROLLUPS else 0.0


def statistics(uow: UnitOfWork, query: StatisticsQuery, percentiles: bool = True) -> StatisticsAnswer:
    """Without `percentiles`, p50..p99 are left null (they are most of the cost of long periods)."""

    def compute() -> StatisticsAnswer:
        rows = _rows(uow, query, percentiles)
        keys = _group_keys(query, query.group_by)
        for row in rows:  # validated as they are: the model ignores their g0, g1, ...
            row["group"] = {name: row[key] for name, key in keys}
        groups = GROUPS.validate_python(rows)
        if not groups and not query.group_by:
            empty = dict.fromkeys(FIGURES) | {"count": 0, "sum": 0.0}
            groups = [GroupStatistics(group={}, **empty)]
        return _statistics_answer(query, groups)

    return cached(uow, ("statistics", query, percentiles), compute)


def _statistics_answer(query: StatisticsQuery, groups: list[GroupStatistics]) -> StatisticsAnswer:
    return StatisticsAnswer(
        start=query.start,
        end=query.end,
        tz=query.tz,
        source=query.source,
        percentile_relative_error=_error_bound(query),
        group_by=list(query.group_by),
        groups=groups,
    )


def statistics_json(uow: UnitOfWork, query: StatisticsQuery) -> str:
    """statistics(uow, query) as the JSON the API answers, its groups written by PostgreSQL: validating
    and writing tens of thousands of groups in Python cost more than their query."""

    def compute() -> str:
        with uow:
            groups, units = uow.statistics.groups_json(query)
        if units is not None:
            raise InvalidRequest(mixed_units(*(unit or None for unit in units)))
        if groups == "[]" and not query.group_by:  # the period's one group, empty
            return statistics(uow, query).model_dump_json()
        envelope = _statistics_answer(query, []).model_dump_json()
        assert envelope.endswith(EMPTY_GROUPS), envelope
        return f"{envelope.removesuffix(EMPTY_GROUPS)}{GROUPS_KEY}{groups}}}"

    return cached(uow, ("statistics-json", query), compute)


GROUPS_KEY = '"groups":'
EMPTY_GROUPS = f"{GROUPS_KEY}[]}}"  # how an answer without groups ends: groups is its last field


@dataclasses.dataclass(frozen=True)
class _SeriesRead:
    """A series' group values, unit and values per bucket of each figure asked, as its rows are read."""

    group: dict[str, Any]
    unit: str | None
    values: list[list[float | None]]


def _key_reader(indexes: list[int]) -> Callable[[list[Any]], tuple[Any, ...]]:
    """A row's series key: its values at `indexes`."""
    if len(indexes) == 1:
        index = indexes[0]
        return lambda row: (row[index],)
    if not indexes:
        return lambda row: ()
    return operator.itemgetter(*indexes)


def time_series(uow: UnitOfWork, query: StatisticsQuery, agg: Aggregate, fill: Fill) -> TimeSeriesAnswer:
    """`query` groups by exactly one time field (the interval) and any series or dimension fields."""
    return time_series_of(uow, query, (agg,), fill)[agg]


def time_series_of(
    uow: UnitOfWork, query: StatisticsQuery, aggs: tuple[Aggregate, ...], fill: Fill
) -> dict[Aggregate, TimeSeriesAnswer]:
    """The time series of each of `aggs`, read in one query (see time_series)."""
    interval = query.interval
    assert interval is not None, "a time series groups by a time field"

    def compute() -> dict[Aggregate, TimeSeriesAnswer]:
        zone = zone_of(query.tz)
        starts = bucket_starts(query.start, query.end, interval, zone)
        # A bucket is found by its start as the rows write it (reading tens of thousands of instants cost
        # more than the rest of a long series); one written otherwise is read.
        position_of_text = {moment.astimezone(zone).isoformat(): i for i, moment in enumerate(starts)}
        position = {moment: i for i, moment in enumerate(starts)}
        time_index = next(i for i, name in enumerate(query.group_by) if name in TIME_GROUPS)
        series_fields = tuple(name for name in query.group_by if name not in TIME_GROUPS)
        key_of = _key_reader([i for i, name in enumerate(query.group_by) if name in series_fields])
        figures = [str(agg) for agg in aggs]
        columns = row_columns(query, figures)
        figure_indexes = [columns.index(figure) for figure in figures]
        unit_index = columns.index("unit")
        by_group: dict[tuple[Any, ...], _SeriesRead] = {}
        for row in _table(uow, query, percentiles=Aggregate.P95 in aggs, figures=figures):
            key = key_of(row)
            read = by_group.get(key)
            if read is None:
                group = dict(zip(series_fields, key, strict=True))
                read = by_group[key] = _SeriesRead(
                    group, row[unit_index], [[None] * len(starts) for _ in aggs]
                )
            elif read.unit != row[unit_index]:
                raise InvalidRequest(mixed_units(read.unit, row[unit_index]))
            start = row[time_index]
            bucket = position_of_text.get(start)
            if bucket is None:
                bucket = position.get(dt.datetime.fromisoformat(start).astimezone(dt.UTC))
            if bucket is not None:
                for values, index in zip(read.values, figure_indexes, strict=True):
                    values[bucket] = row[index]
        if not by_group and not series_fields:
            by_group[()] = _SeriesRead({}, None, [[None] * len(starts) for _ in aggs])
        return {
            agg: TimeSeriesAnswer(
                start=query.start,
                end=query.end,
                tz=query.tz,
                source=query.source,
                percentile_relative_error=_error_bound(query),
                interval=interval,
                agg=agg,
                fill=fill,
                buckets=[moment.astimezone(zone) for moment in starts],
                series=[
                    Series(group=read.group, values=filled(read.values[n], fill), unit=read.unit)
                    for read in by_group.values()
                ],
            )
            for n, agg in enumerate(aggs)
        }

    return cached(uow, ("time-series", query, aggs, fill), compute)


def comparison_period(
    start: dt.datetime, end: dt.datetime, compare: Comparison
) -> tuple[dt.datetime, dt.datetime]:
    if compare is Comparison.PREVIOUS:
        return start - (end - start), start
    return _year_before(start), _year_before(end)


def _year_before(moment: dt.datetime) -> dt.datetime:
    try:
        return moment.replace(year=moment.year - 1)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - 1, day=28)


def trends(uow: UnitOfWork, query: StatisticsQuery, compare: Comparison, agg: Aggregate) -> TrendsAnswer:
    """`query` groups by series or dimension fields only; its period is compared with `compare`'s."""
    comparison_start, comparison_end = comparison_period(query.start, query.end, compare)
    earlier = dataclasses.replace(query, start=comparison_start, end=comparison_end)

    def figures(question: StatisticsQuery) -> dict[tuple[Any, ...], tuple[dict[str, Any], float | None]]:
        answer = statistics(uow, question, percentiles=agg is Aggregate.P95)
        return {tuple(g.group.values()): (g.group, getattr(g, str(agg))) for g in answer.groups}

    current, previous = figures(query), figures(earlier)
    result = []
    for key in sorted(current.keys() | previous.keys(), key=lambda k: tuple(str(v) for v in k)):
        group = (current.get(key) or previous[key])[0]
        now_value = current.get(key, (group, None))[1]
        then_value = previous.get(key, (group, None))[1]
        change = now_value - then_value if now_value is not None and then_value is not None else None
        percent = change / then_value * 100 if change is not None and then_value else None
        result.append(
            Trend(group=group, current=now_value, previous=then_value, change=change, change_percent=percent)
        )
    return TrendsAnswer(
        start=query.start,
        end=query.end,
        comparison_start=comparison_start,
        comparison_end=comparison_end,
        compare=compare,
        agg=agg,
        tz=query.tz,
        trends=result,
    )


def aggregations(uow: UnitOfWork, query: StatisticsQuery, skip: int, limit: int) -> Page[MetricAggregation]:
    """Each metric series' figures per period of `query.interval` (query groups by series, unit and that
    interval's time field), newest period first."""
    level = query.interval
    assert level is not None, "aggregations group by a time field"
    time_field = GROUP_OF_INTERVAL[level]
    # Each answer row's group values under the item's names (the unit group is the row's own `unit`).
    item_field = {
        f"g{i}": "period_start" if name == time_field else name
        for i, name in enumerate(query.group_by)
        if name != UNIT_GROUP
    }

    def compute() -> list[MetricAggregation]:
        rows = [row for row in _rows(uow, query, percentiles=True) if row["count"]]
        for row in rows:
            row.update({name: row[key] for key, name in item_field.items()}, level=level)
        items = AGGREGATIONS.validate_python(rows)
        items.sort(key=lambda item: (-item.period_start.timestamp(), item.service_name, item.metric_name))
        return items

    items = cached(uow, ("aggregations", query), compute)
    return Page[MetricAggregation](items=items[skip : skip + limit], total=len(items), skip=skip, limit=limit)
