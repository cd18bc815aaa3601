"""The scheduled tasks: when EventBridge invokes the scheduler function, and with which input.

Plain data, like the route table, so that a runner playing EventBridge can read it without CDK.
Adding a schedule is one more row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ScheduledTask:
    rule_id: str  # the EventBridge rule's construct id, unique in the table
    schedule: str  # an EventBridge schedule expression, in UTC: `cron(...)` or `rate(...)`
    event: Mapping[str, Any]  # the scheduler function's event: the task or job it runs
    description: str


def rate_in_minutes(minutes: int) -> str:
    """An EventBridge rate expression: it takes the singular unit for 1 and the plural above, and
    rejects anything else (`rate(1 minutes)` and `rate(5 minute)` fail to deploy)."""
    if minutes < 1:
        raise ValueError(f"a rate needs a positive number of minutes, got {minutes}")
    return f"rate({minutes} {'minute' if minutes == 1 else 'minutes'})"


def scheduled_tasks(sync_interval_minutes: int) -> tuple[ScheduledTask, ...]:
    """The built-in tasks. The sync interval is the stack's `syncIntervalMinutes` context, which the
    scheduler also reads as SYNC_INTERVAL_MINUTES; the daily tasks run in the quiet night hours (UTC)."""
    return (
        ScheduledTask(
            "retention",
            "cron(15 3 * * ? *)",
            {"task": "retention"},
            "Daily 03:15 UTC: drop expired monthly partitions, create the coming months', "
            "prune old sync logs",
        ),
        ScheduledTask(
            "local_days",
            "cron(20 * * * ? *)",
            {"task": "local_days"},
            "Hourly: roll up the local days of ROLLUP_ZONES that ended, or changed since they were rolled up",
        ),
        ScheduledTask(
            "data_sync",
            rate_in_minutes(sync_interval_minutes),
            {"task": "data_sync"},
            f"Every {sync_interval_minutes} min: pull new data from the sibling services",
        ),
        ScheduledTask(
            "goal_update",
            # After the retention run (its function times out within minutes), so goals are measured
            # against the day's settled figures.
            "cron(0 4 * * ? *)",
            {"task": "goal_update"},
            "Daily 04:00 UTC: update the progress and status of KPI goals",
        ),
    )
