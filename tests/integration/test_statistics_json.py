"""The statistics endpoint's answer, written by PostgreSQL, is the statistics service's answer as the API
would write it: every figure of every group, each kind of group (series fields, unit, dimensions, days,
hours, weeks, months), in UTC, in a zone of rolled-up local days and in one read from raw rows; one group
when nothing matches and no group is asked for; and a 400 naming both units when a group mixes two."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from analytics.errors import InvalidRequest
from analytics.services import statistics as statistics_service
from analytics.settings import get_settings
from analytics.statistics import StatisticsQuery, period_in_zone
from analytics.wiring import unit_of_work
from tests.integration.test_ingest_queue import metric
from tests.integration.test_local_day_rollups import roll_up
from tests.integration.test_tiled_periods import some_metrics, store

# Each with the filter that keeps its groups in one unit where its groups do not.
GROUPINGS: tuple[tuple[tuple[str, ...], dict[str, str]], ...] = (
    ((), {"metric_name": "post_likes"}),
    (("metric_name",), {}),
    (("service_name", "unit"), {}),
    (("metric_name", "date"), {}),
    (("date", "metric_type"), {}),
    (("metric_name", "hour"), {}),
    (("week",), {"metric_type": "engagement"}),
    (("unit", "month"), {}),
    (("metric_name", "dimensions.channel"), {}),
)
ZONES = ("UTC", "Asia/Kolkata", "America/New_York")


@pytest.fixture
def rolled_up_zones(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("ROLLUP_ZONES", "Asia/Kolkata")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def as_written(query: StatisticsQuery) -> Any:
    statistics_service.forget_answers()
    written = statistics_service.statistics_json(unit_of_work(), query)
    # As compact as pydantic writes it: the largest answers are near what Lambda can return.
    assert len(written) <= len(statistics_service.statistics(unit_of_work(), query).model_dump_json())
    return json.loads(written)


def as_modelled(query: StatisticsQuery) -> Any:
    statistics_service.forget_answers()
    return statistics_service.statistics(unit_of_work(), query).model_dump(mode="json")


def query_of(tz: str, group_by: tuple[str, ...], **filters: Any) -> StatisticsQuery:
    start, end = period_in_zone(dt.date(2025, 2, 1), dt.date(2025, 3, 20), tz)
    return StatisticsQuery(start=start, end=end, tz=tz, group_by=group_by, **filters)


@pytest.mark.usefixtures("rolled_up_zones")
def test_the_written_answer_is_the_modelled_one() -> None:
    metrics = some_metrics(seed=7)
    for i, each in enumerate(metrics[::5]):
        each["dimensions"] = {"channel": ("email", "sms")[i % 2]}
    store(metrics, prefix="json")
    assert roll_up() > 0
    for tz in ZONES:
        for group_by, filters in GROUPINGS:
            query = query_of(tz, group_by, **filters)
            written, modelled = as_written(query), as_modelled(query)
            assert written["groups"], (tz, group_by)
            assert written == modelled, (tz, group_by)
    hours = StatisticsQuery(
        start=dt.datetime(2025, 3, 8, 22, tzinfo=dt.UTC),
        end=dt.datetime(2025, 3, 9, 9, 30, tzinfo=dt.UTC),
        tz="America/New_York",
        group_by=("hour",),
        metric_name="post_likes",
    )
    assert as_written(hours) == as_modelled(hours)


def test_nothing_asked_without_groups_is_one_empty_group() -> None:
    query = query_of("UTC", (), metric_name="never_sent")
    written = as_written(query)
    assert written == as_modelled(query)
    assert [(g["count"], g["sum"], g["group"]) for g in written["groups"]] == [(0, 0.0, {})]
    assert as_written(query_of("UTC", ("date",), metric_name="never_sent"))["groups"] == []


def test_a_group_of_two_units_is_refused_naming_both() -> None:
    store(
        [
            metric("gift", value=5, unit="USD", timestamp="2025-02-03T10:00:00Z"),
            metric("gift", value=7, unit="EUR", timestamp="2025-02-04T10:00:00Z"),
        ],
        prefix="units",
    )
    query = query_of("UTC", ("metric_name",), metric_name="gift")
    with pytest.raises(InvalidRequest) as written:
        as_written(query)
    with pytest.raises(InvalidRequest) as modelled:
        as_modelled(query)
    assert str(written.value) == str(modelled.value)
    assert "EUR" in str(written.value) and "USD" in str(written.value)
