"""A deleted metric leaves the breakdowns at once, also where its day was already rolled up by dimension."""

from __future__ import annotations

import datetime as dt
import uuid

from analytics.wiring import unit_of_work
from tests.integration.test_dimension_rollups import breakdown, roll_up, store, utc
from tests.integration.test_ingest_queue import metric, scalar

DAY = dt.date(2025, 3, 1)
NEXT_DAY = DAY + dt.timedelta(days=1)


def delete(metric_id: str) -> None:
    with unit_of_work() as uow:
        assert uow.metrics.delete(uuid.UUID(metric_id))


def ids_by_value() -> dict[float, str]:
    with_values = scalar("SELECT jsonb_object_agg(metric_value, id) FROM metrics")
    return {float(value): metric_id for value, metric_id in with_values.items()}


def test_the_only_metric_of_a_rolled_up_day_is_gone_from_the_breakdown_once_deleted() -> None:
    # Given the only metric of a series-day, rolled up by dimension
    store([metric(value=7.0, dimensions={"partner_type": "ngo"}, timestamp=f"{DAY}T08:00:00Z")], "m")
    assert roll_up() == (1, False)

    # When it is deleted
    delete(ids_by_value()[7.0])

    # Then no breakdown of the day counts it
    assert breakdown(utc(DAY), utc(NEXT_DAY)) == {}
    assert scalar("SELECT count(*) FROM metric_dimension_rollups_daily") == 0


def test_the_other_metric_of_a_rolled_up_day_is_counted_once_after_a_delete() -> None:
    # Given two metrics of a series-day, rolled up by dimension, and another day left alone
    store(
        [
            metric(value=7.0, dimensions={"partner_type": "ngo"}, timestamp=f"{DAY}T08:00:00Z"),
            metric(value=3.0, dimensions={"partner_type": "ngo"}, timestamp=f"{DAY}T09:00:00Z"),
            metric(value=5.0, dimensions={"partner_type": "ngo"}, timestamp=f"{NEXT_DAY}T00:00:00Z"),
        ],
        "m",
    )
    assert roll_up() == (2, False)

    # When one of the first day's is deleted
    delete(ids_by_value()[7.0])

    # Then the day counts the other once, from its raw rows, and the other day keeps its rollups
    assert breakdown(utc(DAY), utc(NEXT_DAY + dt.timedelta(days=1))) == {
        ("donation_received", "ngo"): (2, 8.0)
    }
    assert scalar("SELECT min(day) FROM metric_dimension_rollups_daily") == NEXT_DAY
