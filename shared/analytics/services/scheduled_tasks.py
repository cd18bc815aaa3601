"""Built-in tasks that EventBridge rules name in their input (`{"task": "retention"}`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from pydantic import BaseModel

from analytics.errors import InvalidRequest
from analytics.settings import get_settings

SYNC_LOG_RETENTION_DAYS = 365  # spec/001: sync logs are kept for one year
PARTITION_MONTHS_AHEAD = 3


def retention() -> BaseModel:
    """Raw metrics and events older than ANALYTICS_RETENTION_DAYS go; rollups stay forever."""
    from analytics.db.maintenance import apply_retention

    return apply_retention(
        today=dt.datetime.now(dt.UTC).date(),
        retention_days=get_settings().ANALYTICS_RETENTION_DAYS,
        sync_log_days=SYNC_LOG_RETENTION_DAYS,
        months_to_create=PARTITION_MONTHS_AHEAD,
    )


def local_days() -> BaseModel:
    """The local daily rollups of ROLLUP_ZONES: days just over, and days changed since they were built."""
    from analytics.db.maintenance import roll_up_local_days

    now = dt.datetime.now(dt.UTC)
    settings = get_settings()
    oldest = now.date() - dt.timedelta(days=settings.ANALYTICS_RETENTION_DAYS)
    return roll_up_local_days(settings.rollup_zones, now, oldest)


def data_sync() -> BaseModel:
    """An incremental sync of every sibling service of SYNC_SERVICES (analytics.services.sync)."""
    from analytics.services.sync import sync_round
    from analytics.wiring import export_source, unit_of_work

    return sync_round(unit_of_work, export_source, get_settings(), lambda: dt.datetime.now(dt.UTC))


def goal_update() -> BaseModel:
    """Every active goal's progress from the metrics, kept on the goal, and the alerts now due."""
    from analytics.services.goals import update_all
    from analytics.wiring import goal_alerting, unit_of_work

    return update_all(unit_of_work, goal_alerting(), dt.datetime.now(dt.UTC))


TASKS: dict[str, Callable[[], BaseModel]] = {
    "retention": retention,
    "local_days": local_days,
    "data_sync": data_sync,
    "goal_update": goal_update,
}


def run_task(name: str) -> BaseModel:
    task = TASKS.get(name)
    if task is None:
        raise InvalidRequest(f"unknown task {name!r}; known tasks: {', '.join(sorted(TASKS))}")
    return task()
