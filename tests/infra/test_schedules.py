"""Scheduled tasks: one EventBridge rule per row of the timetable, each invoking the scheduler."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import App, Stack, aws_ec2, aws_lambda

from analytics_infra.constants import HANDLER
from analytics_infra.database import Database
from analytics_infra.function import FunctionPlatform
from analytics_infra.schedules import Schedules
from analytics_infra.timetable import SCHEDULED_TASKS, ScheduledTask
from tests.infra.conftest import Synth


def scheduler_function(synth: Synth) -> tuple[str, dict[str, Any]]:
    function_id = synth.logical_id(synth.stack.schedules.scheduler.function)
    return function_id, dict(synth.resources("AWS::Lambda::Function")[function_id]["Properties"])


def test_retention_runs_daily_at_night_on_the_scheduler(default_synth: Synth) -> None:
    # Given the stack; Then one enabled rule fires at 03:15 UTC every day with the retention task
    function_id, _ = scheduler_function(default_synth)
    rule_id = default_synth.logical_id(default_synth.stack.schedules.rules["retention"])
    rule = default_synth.resources("AWS::Events::Rule")[rule_id]["Properties"]
    assert rule["ScheduleExpression"] == "cron(15 3 * * ? *)"
    assert rule["State"] == "ENABLED"
    (target,) = rule["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": [function_id, "Arn"]}
    assert json.loads(target["Input"]) == {"task": "retention"}


def test_every_row_of_the_timetable_is_a_rule_that_may_invoke_the_scheduler(default_synth: Synth) -> None:
    function_id, _ = scheduler_function(default_synth)
    rules = default_synth.resources("AWS::Events::Rule")
    expressions = sorted(rule["Properties"]["ScheduleExpression"] for rule in rules.values())
    assert expressions == sorted(task.schedule for task in SCHEDULED_TASKS)
    # EventBridge may invoke the function for exactly these rules
    allowed = {
        permission["Properties"]["SourceArn"]["Fn::GetAtt"][0]
        for permission in default_synth.resources("AWS::Lambda::Permission").values()
        if permission["Properties"]["Principal"] == "events.amazonaws.com"
        and permission["Properties"]["FunctionName"] == {"Fn::GetAtt": [function_id, "Arn"]}
    }
    assert allowed == set(rules)


def test_the_scheduler_has_minutes_and_the_database(default_synth: Synth) -> None:
    _, properties = scheduler_function(default_synth)
    assert properties["Handler"] == HANDLER
    assert properties["Timeout"] >= 3 * 60
    assert {"DB_HOST", "DB_SECRET_ARN"} <= set(properties["Environment"]["Variables"])
    role_id = properties["Role"]["Fn::GetAtt"][0]
    assert "secretsmanager:GetSecretValue" in default_synth.role_actions(role_id)


def test_two_rows_with_one_rule_id_are_refused() -> None:
    # Given a timetable whose rows share an id; When the schedules are built; Then it says which id.
    stack = Stack(App(), "Timetable")
    vpc = aws_ec2.Vpc(stack, "Vpc")
    subnets = aws_ec2.SubnetSelection(subnet_type=aws_ec2.SubnetType.PRIVATE_WITH_EGRESS)
    platform = FunctionPlatform(
        layer=aws_lambda.LayerVersion.from_layer_version_arn(
            stack, "Layer", "arn:aws:lambda:eu-west-1:123456789012:layer:analytics:1"
        ),
        vpc=vpc,
        subnets=subnets,
        log_level="INFO",
        database=Database(
            stack,
            "Database",
            vpc=vpc,
            proxy_subnets=subnets,
            cluster_subnets=subnets,
            deletion_protection=False,
        ),
    )
    task = ScheduledTask("nightly", "cron(0 2 * * ? *)", {"task": "retention"}, "twice by mistake")
    with pytest.raises(ValueError, match="'nightly'"):
        Schedules(stack, "Schedules", platform=platform, tasks=(task, task))
