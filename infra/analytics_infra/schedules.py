"""The scheduler function, one EventBridge rule per row of the timetable, and the jobs' rules."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import ArnFormat, Duration, Stack, aws_events, aws_events_targets, aws_iam
from constructs import Construct

from analytics_infra.constants import (
    SCHEDULER_FUNCTION,
    SCHEDULER_MEMORY_MB,
    SCHEDULER_TIMEOUT,
)
from analytics_infra.function import AnalyticsFunction, FunctionPlatform, function_code
from analytics_infra.nag import acknowledge, resource_finding
from analytics_infra.timetable import ScheduledTask

EVENTS = aws_iam.ServicePrincipal("events.amazonaws.com")
# What the reports and jobs functions do to a job's rule: create or change it and its target, switch
# it on and off, read it back, and delete it (targets first, as EventBridge requires).
JOB_RULE_ACTIONS = [
    "events:PutRule",
    "events:PutTargets",
    "events:RemoveTargets",
    "events:DeleteRule",
    "events:EnableRule",
    "events:DisableRule",
    "events:DescribeRule",
    "events:ListTargetsByRule",
]


class Schedules(Construct):
    """Every rule targets the same function; the rule's constant input names the task to run.

    Built-in tasks have rules in the stack (timetable.py). Jobs that users schedule get rules made at
    run time on the default bus by the reports and jobs functions, named `job_rule_prefix` plus the
    job's id, with `{"job_id": ...}` as input: the scheduler accepts invocations from exactly those
    rules, and the functions may manage exactly those rules.

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
        job_rule_prefix: str,
        environment: Mapping[str, str] | None = None,
        timeout: Duration = SCHEDULER_TIMEOUT,
    ) -> None:
        super().__init__(scope, construct_id)
        self.job_rule_prefix = job_rule_prefix
        self.scheduler = AnalyticsFunction(
            self,
            SCHEDULER_FUNCTION,
            platform=platform,
            description="Scheduled tasks and jobs, one EventBridge rule each",
            code=function_code(SCHEDULER_FUNCTION),
            memory_mb=SCHEDULER_MEMORY_MB,
            timeout=timeout,
            environment=environment,
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

        stack = Stack.of(self)
        # Rules on the default bus have ARNs without the bus's name.
        self.job_rules_arn = stack.format_arn(
            service="events",
            resource="rule",
            resource_name=f"{job_rule_prefix}*",
            arn_format=ArnFormat.SLASH_RESOURCE_NAME,
        )
        target_function.add_permission(
            "JobRules",
            principal=EVENTS,
            action="lambda:InvokeFunction",
            source_arn=self.job_rules_arn,
            source_account=stack.account,
        )

    @property
    def environment(self) -> dict[str, str]:
        return {
            "SCHEDULER_FUNCTION_ARN": self.scheduler.function.function_arn,
            "JOB_RULE_PREFIX": self.job_rule_prefix,
        }

    def allow_managing_jobs(self, function: AnalyticsFunction) -> None:
        """Lets the function create, change, switch and delete the jobs' rules (and no other rule),
        and tells it the prefix and the scheduler to target."""
        function.role.add_to_principal_policy(
            aws_iam.PolicyStatement(actions=JOB_RULE_ACTIONS, resources=[self.job_rules_arn])
        )
        for name, value in self.environment.items():
            function.function.add_environment(name, value)
        acknowledge(
            function.role,
            f"AwsSolutions-IAM5[{resource_finding(self, self.job_rules_arn)}]",
            "Job rules are created at run time, one per job, named the job rule prefix plus the job's "
            "UUID; the prefix confines the function to those rules on the default bus.",
        )

    def grant_trigger(self, function: AnalyticsFunction) -> None:
        """Lets the function run a job now: an asynchronous invocation of the scheduler (unqualified,
        so no version or alias ARN is granted)."""
        self.scheduler.function.grant_invoke_latest_version(function.role)
        for name, value in self.environment.items():
            function.function.add_environment(name, value)
