"""The scheduler function and one EventBridge rule per row of the timetable."""

from __future__ import annotations

from aws_cdk import aws_events, aws_events_targets
from constructs import Construct

from analytics_infra.constants import (
    SCHEDULER_FUNCTION,
    SCHEDULER_MEMORY_MB,
    SCHEDULER_TIMEOUT,
)
from analytics_infra.function import AnalyticsFunction, FunctionPlatform, function_code
from analytics_infra.timetable import ScheduledTask


class Schedules(Construct):
    """Every rule targets the same function; the rule's constant input names the task to run.

    EventBridge invokes the function asynchronously, and Lambda retries a failed run twice (its
    default for asynchronous invocations), so every task must be safe to repeat.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: FunctionPlatform,
        tasks: tuple[ScheduledTask, ...],
    ) -> None:
        super().__init__(scope, construct_id)
        self.scheduler = AnalyticsFunction(
            self,
            SCHEDULER_FUNCTION,
            platform=platform,
            description="Scheduled tasks, one EventBridge rule each (timetable.py)",
            code=function_code(SCHEDULER_FUNCTION),
            memory_mb=SCHEDULER_MEMORY_MB,
            timeout=SCHEDULER_TIMEOUT,
        )
        target_function = self.scheduler.function
        self.rules: dict[str, aws_events.Rule] = {}
        for task in tasks:
            if task.rule_id in self.rules:
                raise ValueError(f"two scheduled tasks share the rule id {task.rule_id!r}")
            self.rules[task.rule_id] = aws_events.Rule(
                self,
                task.rule_id,
                description=task.description,
                schedule=aws_events.Schedule.expression(task.schedule),
                targets=[
                    aws_events_targets.LambdaFunction(
                        target_function, event=aws_events.RuleTargetInput.from_object(dict(task.event))
                    )
                ],
            )
