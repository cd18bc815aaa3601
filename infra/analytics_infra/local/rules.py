"""The schedule rules on moto's default event bus as the local runner reads and writes them: the stack's
built-in rules (timetable.py) under local names, and what a rule's targets invoke among the local
functions."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from analytics_infra.local.functions import ACCOUNT_ID, REGION, function_arn, local_function
from analytics_infra.timetable import ScheduledTask

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_events.type_defs import RuleTypeDef, TargetOutputTypeDef

DEFAULT_BUS = "default"  # EventBridge runs schedule expressions on the default bus only
# CloudFormation names the stack's rules; locally a built-in rule is `analytics-<rule id>`.
BUILTIN_RULE_PREFIX = "analytics-"
SCHEDULER_FUNCTION = "scheduler"
SCHEDULER_TARGET_ID = "scheduler"


class UnsupportedTarget(Exception):
    """A target the local runner cannot invoke: not a local function, or an input it does not build."""


@dataclass(frozen=True)
class Invocation:
    """What a rule's target runs: a local function and its event."""

    function: str
    event: Any


def builtin_rule_name(task: ScheduledTask) -> str:
    return f"{BUILTIN_RULE_PREFIX}{task.rule_id}"


def put_builtin_rules(events: EventBridgeClient, tasks: Sequence[ScheduledTask]) -> list[str]:
    """The stack's rules on the default bus, each with the scheduler as its target and the task's event
    as its constant input; returns their names."""
    names = []
    for task in tasks:
        name = builtin_rule_name(task)
        events.put_rule(
            Name=name,
            ScheduleExpression=task.schedule,
            State="ENABLED",
            Description=task.description,
            EventBusName=DEFAULT_BUS,
        )
        events.put_targets(
            Rule=name,
            EventBusName=DEFAULT_BUS,
            Targets=[
                {
                    "Id": SCHEDULER_TARGET_ID,
                    "Arn": function_arn(SCHEDULER_FUNCTION),
                    "Input": json.dumps(dict(task.event)),
                }
            ],
        )
        names.append(name)
    return names


def scheduled_rules(events: EventBridgeClient) -> Iterator[RuleTypeDef]:
    """The enabled rules with a schedule expression on the default bus."""
    for page in events.get_paginator("list_rules").paginate(EventBusName=DEFAULT_BUS):
        for rule in page.get("Rules", []):
            if rule.get("State") == "ENABLED" and rule.get("ScheduleExpression"):
                yield rule


def targets(events: EventBridgeClient, rule_name: str) -> list[TargetOutputTypeDef]:
    """The rule's targets; botocore's ResourceNotFoundException when there is no such rule."""
    pages = events.get_paginator("list_targets_by_rule").paginate(Rule=rule_name, EventBusName=DEFAULT_BUS)
    return [target for page in pages for target in page.get("Targets", [])]


def invocation(target: TargetOutputTypeDef, rule_name: str, minute: datetime) -> Invocation:
    """What EventBridge sends the target's function when the rule fires at `minute`: the constant
    input parsed, or without one the scheduled event itself."""
    function = local_function(target["Arn"])
    if function is None:
        raise UnsupportedTarget(f"target {target['Id']} ({target['Arn']}) is not a local function")
    if "InputPath" in target or "InputTransformer" in target:
        raise UnsupportedTarget(f"target {target['Id']}: only a constant Input is played locally")
    if "Input" in target:
        try:
            return Invocation(function, json.loads(target["Input"]))
        except ValueError as exc:
            raise UnsupportedTarget(f"target {target['Id']}: its Input is not JSON: {exc}") from exc
    return Invocation(function, scheduled_event(rule_name, minute))


def scheduled_event(rule_name: str, minute: datetime) -> dict[str, Any]:
    """EventBridge's "Scheduled Event", sent to a target that has no constant input."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT_ID,
        "time": minute.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:{ACCOUNT_ID}:rule/{rule_name}"],
        "detail": {},
    }
