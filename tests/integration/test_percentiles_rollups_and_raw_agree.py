"""Percentiles answered from the rollups agree with the raw rows' (percentile_cont, numpy's default) within
the error every answer states, whichever rollups answer: a day's sketch, the quantiles stored once the
day is over, whole months, hourly sketches merged into local days. Migration 0012 reads the stored
quantiles again (and its downgrade too)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from analytics.db.engine import get_engine
from analytics.db.maintenance import apply_retention
from analytics.db.migrate import MIGRATIONS, upgrade_to_head
from tests.integration.conftest import Invoke
from tests.integration.test_ingest_queue import metric
from tests.integration.test_statistics_api import ask, load

VALUES = [1, 1, 1, 2, 2, 2, 3, 3, 3, 1000]
DAY = "2025-07-01"
LEVELS = (50, 90, 95, 99)


def load_the_day() -> None:
    load(
        [
            metric(value=float(v), dimensions={"batch": "all"}, timestamp=f"{DAY}T{10 + i:02d}:00:00Z")
            for i, v in enumerate(VALUES)
        ]
    )


def store_quantiles_of_days_over() -> int:
    day_after = dt.date.fromisoformat(DAY) + dt.timedelta(days=1)
    report = apply_retention(day_after, retention_days=3650, sync_log_days=365, months_to_create=1)
    return report.quantiles_stored


@pytest.mark.parametrize(
    ("tz", "group_by", "day_over"),
    [
        ("UTC", "date", False),  # the day's sketch
        ("UTC", "date", True),  # the day's stored quantiles
        ("UTC", None, False),  # the period's months and days
        ("America/New_York", "date", False),  # hourly sketches merged
    ],
)
def test_rollups_and_raw_rows_answer_the_same_percentiles(
    invoke: Invoke, tz: str, group_by: str | None, day_over: bool
) -> None:
    # Given ten values of one day, one far above the rest
    load_the_day()
    if day_over:
        assert store_quantiles_of_days_over() == 1
    question: dict[str, Any] = {"start_date": DAY, "end_date": DAY, "tz": tz}
    if group_by:
        question["group_by"] = group_by

    # When the question is asked as is, and with a dimension filter that only the raw rows answer
    rollups = ask(invoke, "statistics", **question).body
    raw = ask(invoke, "statistics", **question, **{"dimensions.batch": "all"}).body

    # Then both give numpy's percentiles, the rollups within the error they state
    assert (rollups["source"], raw["source"]) == ("rollups", "raw")
    [fast], [exact] = rollups["groups"], raw["groups"]
    assert fast["count"] == exact["count"] == len(VALUES)
    error = rollups["percentile_relative_error"]
    assert error == 0.01
    for level in LEVELS:
        assert exact[f"p{level}"] == pytest.approx(np.percentile(VALUES, level), rel=1e-12)
        assert fast[f"p{level}"] == pytest.approx(exact[f"p{level}"], rel=error)
    assert (exact["p90"], exact["p99"]) == pytest.approx((102.7, 910.27))


@pytest.mark.parametrize("day_over", [False, True])
@pytest.mark.parametrize("value", [1.0, 0.37, -2.5])
def test_percentiles_from_sketches_stay_inside_the_values(
    invoke: Invoke, value: float, day_over: bool
) -> None:
    # Given a metric that is always the same value, which a sketch holds only within 1%
    load([metric(value=value, timestamp=f"{DAY}T{10 + i:02d}:00:00Z") for i in range(5)])
    if day_over:
        store_quantiles_of_days_over()

    # When its percentiles are read from the rollups, for the day and for its month
    for question in ({"group_by": "date"}, {}):
        answer = ask(invoke, "statistics", start_date=DAY, end_date=DAY, **question).body

        # Then every one is the value itself: inside [min, max]
        [group] = answer["groups"]
        assert answer["source"] == "rollups"
        assert [group[f"p{level}"] for level in LEVELS] == [value] * 4


def migrate(to: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with get_engine().begin() as connection:
        config.attributes["connection"] = connection
        if to == "head":
            command.upgrade(config, to)
        else:
            command.downgrade(config, to)


def stored_quantiles() -> list[float]:
    with get_engine().connect() as connection:
        return connection.execute(text("SELECT quantiles FROM metric_rollups_daily")).scalar_one()


def test_stored_quantiles_are_read_again_by_the_downgrade_and_the_upgrade() -> None:
    # Given a day over whose quantiles are stored
    load_the_day()
    assert store_quantiles_of_days_over() == 1
    interpolated = list(np.percentile(VALUES, LEVELS))
    assert stored_quantiles() == pytest.approx(interpolated, rel=0.01)
    try:
        # When the database goes back to the lower-rank reading of migration 0010, then up again
        migrate(to="0011")
        lower_rank = stored_quantiles()
        migrate(to="head")
    finally:
        upgrade_to_head(get_engine())

    # Then each reads the stored quantiles again its own way
    assert lower_rank == pytest.approx([2, 3, 3, 3], rel=0.01)
    assert stored_quantiles() == pytest.approx(interpolated, rel=0.01)
