"""Scheduled tasks and jobs: one EventBridge rule per row of the timetable, each invoking the scheduler,
and the jobs' rules the reports and jobs functions manage at run time."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import App, Stack, aws_ec2, aws_lambda

from analytics_infra.config import StackConfig
from analytics_infra.constants import (
    GOALS_API_FUNCTION,
    HANDLER,
    JOB_RULE_PREFIX,
    JOBS_API_FUNCTION,
    REPORTS_API_FUNCTION,
)
from analytics_infra.database import Database
from analytics_infra.function import FunctionPlatform
from analytics_infra.pull_sync import SYNC_API_FUNCTION
from analytics_infra.schedules import JOB_RULE_ACTIONS, Schedules
from analytics_infra.timetable import ScheduledTask, rate_in_minutes, scheduled_tasks
from tests.infra.conftest import Synth, actions_of, resources_of, role_of

# The ARN of every rule on the default bus whose name starts with the prefix, as the template writes it.
JOB_RULES_ARN = {
    "Fn::Join": [
        "",
        [
            "arn:",
            {"Ref": "AWS::Partition"},
            ":events:",
            {"Ref": "AWS::Region"},
            ":",
            {"Ref": "AWS::AccountId"},
            f":rule/{JOB_RULE_PREFIX}*",
        ],
    ]
}


def scheduler_function(synth: Synth) -> tuple[str, dict[str, Any]]:
    function_id = synth.logical_id(synth.stack.schedules.scheduler.function)
    return function_id, dict(synth.resources("AWS::Lambda::Function")[function_id]["Properties"])


def rule_properties(synth: Synth, rule_id: str) -> dict[str, Any]:
    logical_id = synth.logical_id(synth.stack.schedules.rules[rule_id])
    return dict(synth.resources("AWS::Events::Rule")[logical_id]["Properties"])


def api_function(synth: Synth, name: str) -> dict[str, Any]:
    return synth.function(synth.stack.api.functions[name].function)


def test_retention_runs_daily_at_night_on_the_scheduler(default_synth: Synth) -> None:
    # Given the stack; Then one enabled rule fires at 03:15 UTC every day with the retention task
    function_id, _ = scheduler_function(default_synth)
    rule = rule_properties(default_synth, "retention")
    assert rule["ScheduleExpression"] == "cron(15 3 * * ? *)"
    assert rule["State"] == "ENABLED"
    (target,) = rule["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": [function_id, "Arn"]}
    assert json.loads(target["Input"]) == {"task": "retention"}


def test_data_sync_runs_every_hour_and_goals_update_after_retention(default_synth: Synth) -> None:
    # Given cdk.json's syncIntervalMinutes of 60; Then four rules invoke the scheduler with their task
    function_id, _ = scheduler_function(default_synth)
    expected = {
        "retention": ("cron(15 3 * * ? *)", {"task": "retention"}),
        "local_days": ("cron(20 * * * ? *)", {"task": "local_days"}),
        "data_sync": ("rate(60 minutes)", {"task": "data_sync"}),
        "goal_update": ("cron(0 4 * * ? *)", {"task": "goal_update"}),
    }
    assert set(default_synth.stack.schedules.rules) == set(expected)
    for rule_id, (expression, event) in expected.items():
        rule = rule_properties(default_synth, rule_id)
        assert rule["ScheduleExpression"] == expression, rule_id
        assert rule["State"] == "ENABLED", rule_id
        (target,) = rule["Targets"]
        assert target["Arn"] == {"Fn::GetAtt": [function_id, "Arn"]}, rule_id
        assert json.loads(target["Input"]) == event, rule_id


def test_the_sync_interval_follows_the_context_in_eventbridge_units(custom_synth: Synth) -> None:
    # Given syncIntervalMinutes=1; Then the rule says `1 minute` (EventBridge refuses `1 minutes`),
    # and the scheduler is told the same interval.
    assert rule_properties(custom_synth, "data_sync")["ScheduleExpression"] == "rate(1 minute)"
    _, scheduler = scheduler_function(custom_synth)
    assert scheduler["Environment"]["Variables"]["SYNC_INTERVAL_MINUTES"] == "1"


@pytest.mark.parametrize(
    ("minutes", "expression"),
    [(1, "rate(1 minute)"), (2, "rate(2 minutes)"), (60, "rate(60 minutes)"), (1440, "rate(1440 minutes)")],
)
def test_rates_use_the_singular_only_for_one(minutes: int, expression: str) -> None:
    assert rate_in_minutes(minutes) == expression
    (sync,) = [task for task in scheduled_tasks(minutes) if task.event == {"task": "data_sync"}]
    assert sync.schedule == expression


def test_the_rollup_zones_reach_every_function(default_synth: Synth, custom_synth: Synth) -> None:
    # Given rollupZones as -c passes it; Then the scheduler rolls them up and every reader knows them
    for synth, zones in ((default_synth, ""), (custom_synth, "America/New_York,Asia/Kolkata")):
        functions = synth.template.find_resources("AWS::Lambda::Function").values()
        settings = [f["Properties"].get("Environment", {}).get("Variables", {}) for f in functions]
        ours = [variables for variables in settings if "INGEST_QUEUE_URL" in variables]  # the stack's own
        assert len(ours) > 10 and all(variables["ROLLUP_ZONES"] == zones for variables in ours)


@pytest.mark.parametrize("value", ["Mars/Olympus", "America/New_York,Nowhere"])
def test_unknown_rollup_zones_are_refused(value: str) -> None:
    app = App(context={"rollupZones": value})
    with pytest.raises(ValueError, match="rollupZones"):
        StackConfig.from_context(app.node)


@pytest.mark.parametrize("value", ["0", "-5", "hourly"])
def test_a_sync_interval_that_is_not_a_positive_number_is_refused(value: str) -> None:
    app = App(context={"syncIntervalMinutes": value})
    with pytest.raises(ValueError, match="syncIntervalMinutes"):
        StackConfig.from_context(app.node)


def test_the_timetable_has_unique_rule_ids_and_tasks() -> None:
    tasks = scheduled_tasks(60)
    assert len({task.rule_id for task in tasks}) == len(tasks)
    assert [task.event["task"] for task in tasks] == ["retention", "local_days", "data_sync", "goal_update"]


def test_every_row_of_the_timetable_is_a_rule_that_may_invoke_the_scheduler(default_synth: Synth) -> None:
    function_id, _ = scheduler_function(default_synth)
    rules = default_synth.resources("AWS::Events::Rule")
    expressions = sorted(rule["Properties"]["ScheduleExpression"] for rule in rules.values())
    assert expressions == sorted(task.schedule for task in scheduled_tasks(60))
    # EventBridge may invoke the function for exactly these rules, and for the jobs' rules by name
    sources = [
        permission["Properties"]["SourceArn"]
        for permission in default_synth.resources("AWS::Lambda::Permission").values()
        if permission["Properties"]["Principal"] == "events.amazonaws.com"
        and permission["Properties"]["FunctionName"] == {"Fn::GetAtt": [function_id, "Arn"]}
    ]
    stack_rules = {source["Fn::GetAtt"][0] for source in sources if "Fn::GetAtt" in source}
    assert stack_rules == set(rules)
    assert [source for source in sources if "Fn::GetAtt" not in source] == [JOB_RULES_ARN]


def test_eventbridge_may_invoke_the_scheduler_for_job_rules_of_this_account_only(
    default_synth: Synth,
) -> None:
    # Given the jobs' rules, made at run time on the default bus; Then the scheduler's resource policy
    # admits EventBridge for rules with the prefix, from this account, and for nothing else.
    function_id, _ = scheduler_function(default_synth)
    (permission,) = [
        permission["Properties"]
        for permission in default_synth.resources("AWS::Lambda::Permission").values()
        if permission["Properties"]["SourceArn"] == JOB_RULES_ARN
    ]
    assert permission == {
        "Action": "lambda:InvokeFunction",
        "FunctionName": {"Fn::GetAtt": [function_id, "Arn"]},
        "Principal": "events.amazonaws.com",
        "SourceAccount": {"Ref": "AWS::AccountId"},
        "SourceArn": JOB_RULES_ARN,
    }


@pytest.mark.parametrize("name", [REPORTS_API_FUNCTION, JOBS_API_FUNCTION])
def test_the_reports_and_jobs_functions_manage_only_the_job_rules(default_synth: Synth, name: str) -> None:
    function = api_function(default_synth, name)
    role = role_of(function)
    # Then every EventBridge action the role holds is on the jobs' rules, and it holds all it needs
    events_statements = [
        statement
        for statement in default_synth.role_statements(role)
        if any(action.startswith("events:") for action in actions_of(statement))
    ]
    (statement,) = events_statements
    assert statement["Effect"] == "Allow"
    assert sorted(actions_of(statement)) == sorted(JOB_RULE_ACTIONS)
    assert resources_of(statement) == [JOB_RULES_ARN]
    assert "Condition" not in statement
    # And it knows the prefix and the scheduler it points the rules at
    scheduler_id, _ = scheduler_function(default_synth)
    variables = function["Environment"]["Variables"]
    assert variables["JOB_RULE_PREFIX"] == JOB_RULE_PREFIX
    assert variables["SCHEDULER_FUNCTION_ARN"] == {"Fn::GetAtt": [scheduler_id, "Arn"]}


def test_only_the_jobs_and_sync_functions_may_invoke_the_scheduler_and_only_unqualified(
    default_synth: Synth,
) -> None:
    scheduler_id, _ = scheduler_function(default_synth)
    scheduler_arn = {"Fn::GetAtt": [scheduler_id, "Arn"]}
    jobs_role = role_of(api_function(default_synth, JOBS_API_FUNCTION))
    assert default_synth.allowed_actions(jobs_role, scheduler_arn) == {"lambda:InvokeFunction"}
    invoke_statements = [
        statement
        for statement in default_synth.role_statements(jobs_role)
        if "lambda:InvokeFunction" in actions_of(statement)
    ]
    # the function itself and its $LATEST, which is what an unqualified invocation runs; no versions
    (statement,) = invoke_statements
    assert resources_of(statement) == [scheduler_arn, {"Fn::Join": ["", [scheduler_arn, ":$LATEST"]]}]
    # No other role but the sync API's (it starts syncs the same way) may invoke the scheduler (the
    # migration's provider invokes only its own function)
    sync_role = role_of(api_function(default_synth, SYNC_API_FUNCTION))
    assert default_synth.allowed_actions(sync_role, scheduler_arn) == {"lambda:InvokeFunction"}
    for policy in default_synth.resources("AWS::IAM::Policy").values():
        if {"Ref": jobs_role} in policy["Properties"]["Roles"] or {"Ref": sync_role} in policy["Properties"][
            "Roles"
        ]:
            continue
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if "lambda:InvokeFunction" in actions_of(statement):
                assert scheduler_id not in json.dumps(resources_of(statement))
                assert "*" not in resources_of(statement)


def test_no_other_function_may_touch_eventbridge_rules(default_synth: Synth) -> None:
    managers = {
        role_of(api_function(default_synth, name)) for name in (REPORTS_API_FUNCTION, JOBS_API_FUNCTION)
    }
    roles = {role_of(f["Properties"]) for f in default_synth.resources("AWS::Lambda::Function").values()}
    for role in roles - managers:
        rule_actions = {a for a in default_synth.role_actions(role) if a.startswith("events:")} - {
            "events:PutEvents"
        }
        assert not rule_actions, role


def test_only_the_goal_alert_senders_put_events_on_the_bus(default_synth: Synth) -> None:
    publishers = {
        role_of(api_function(default_synth, GOALS_API_FUNCTION)),
        role_of(scheduler_function(default_synth)[1]),
    }
    roles = {role_of(f["Properties"]) for f in default_synth.resources("AWS::Lambda::Function").values()}
    allowed = {role for role in roles if "events:PutEvents" in default_synth.role_actions(role)}
    assert allowed == publishers


def test_the_scheduler_has_minutes_and_the_database(default_synth: Synth) -> None:
    _, properties = scheduler_function(default_synth)
    assert properties["Handler"] == HANDLER
    assert properties["Timeout"] >= 3 * 60
    assert {"DB_HOST", "DB_SECRET_ARN"} <= set(properties["Environment"]["Variables"])
    assert properties["Environment"]["Variables"]["SYNC_INTERVAL_MINUTES"] == "60"
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
        Schedules(stack, "Schedules", platform=platform, tasks=(task, task), job_rule_prefix=JOB_RULE_PREFIX)
