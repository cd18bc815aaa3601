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


SCHEDULED_TASKS: tuple[ScheduledTask, ...] = (
    ScheduledTask(
        "retention",
        "cron(15 3 * * ? *)",
        {"task": "retention"},
        "Daily 03:15 UTC: drop expired monthly partitions, create the coming months', prune old sync logs",
    ),
)
