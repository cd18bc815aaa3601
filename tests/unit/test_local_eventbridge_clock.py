"""The local EventBridge clock against the runner's own moto set-up, with fake functions: which rules
fire in which minute, with which input, and what is skipped. Minutes are handed to `tick`, never
waited for."""

from __future__ import annotations

import io
import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from analytics.settings import Settings
from analytics_infra.local.aws import REGION, AwsResources
from analytics_infra.local.eventbridge_clock import EventBridgeClock, Firing
from analytics_infra.local.functions import function_arn
from analytics_infra.timetable import scheduled_tasks
from tests.unit.test_local_ingest import aws, moto_endpoint
from tests.unit.test_local_lambda_service import ScriptedFunctions, boom

__all__ = ["aws", "moto_endpoint"]  # fixtures shared with the ingest tests

JOB = "analytics-job-5b0c7d52-3c0e-4f57-9d7e-0a6f3c1d2e11"
RETENTION_MINUTE = datetime(2026, 3, 10, 3, 15, tzinfo=UTC)  # cron(15 3 * * ? *)


@pytest.fixture
def events(aws: AwsResources) -> Any:
    return boto3.client("events", endpoint_url=aws.endpoint_url, region_name=REGION)


def put_job_rule(events: Any, name: str, expression: str, *, enabled: bool = True, **target: Any) -> None:
    """A rule as the jobs API writes it: the scheduler with the job's id as input."""
    events.put_rule(Name=name, ScheduleExpression=expression, State="ENABLED" if enabled else "DISABLED")
    job_id = name.removeprefix("analytics-job-")
    target = {
        "Id": "scheduler",
        "Arn": function_arn("scheduler"),
        "Input": json.dumps({"job_id": job_id}),
        **target,
    }
    events.put_targets(
        Rule=name, Targets=[{key: value for key, value in target.items() if value is not None}]
    )


def clock(events: Any, fake: ScriptedFunctions, lines: list[str], **options: Any) -> EventBridgeClock:
    return EventBridgeClock(events, fake.functions(), lines.append, log=io.StringIO(), **options)


def test_the_built_in_rules_fire_the_scheduler_with_their_task(events: Any) -> None:
    # Given the runner's fresh set-up: the stack's rules on the default bus
    fake = ScriptedFunctions()
    lines: list[str] = []
    data_sync_minutes = Settings().SYNC_INTERVAL_MINUTES

    # When the clock reaches 03:15 UTC, the retention rule's minute, and 03:16
    fired = clock(events, fake, lines).tick(RETENTION_MINUTE)
    after = clock(events, fake, lines).tick(RETENTION_MINUTE + timedelta(minutes=1))

    # Then retention ran once, with the timetable's event, and nothing in the next minute
    assert fired == [Firing("analytics-retention", "scheduler", None)]
    assert after == []
    assert fake.events == [("scheduler", {"task": "retention"})]
    assert lines == ["eventbridge: rule analytics-retention fired scheduler (ok)"]
    assert data_sync_minutes > 1  # else data_sync would fire at 03:16 too


def test_every_built_in_rule_is_on_the_bus_with_the_timetables_schedule(
    events: Any, aws: AwsResources
) -> None:
    tasks = scheduled_tasks(Settings().SYNC_INTERVAL_MINUTES)
    rules = {rule["Name"]: rule for rule in events.list_rules(EventBusName="default")["Rules"]}

    assert list(aws.schedule_rules) == [f"analytics-{task.rule_id}" for task in tasks]
    for task in tasks:
        rule = rules[f"analytics-{task.rule_id}"]
        assert (rule["ScheduleExpression"], rule["State"]) == (task.schedule, "ENABLED")
        [target] = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
        assert target["Arn"] == aws.scheduler_function_arn
        assert json.loads(target["Input"]) == dict(task.event)


def test_an_enabled_job_rule_fires_at_its_minute_and_a_disabled_one_does_not(events: Any) -> None:
    # Given two jobs every day at 06:30, one of them paused
    put_job_rule(events, JOB, "cron(30 6 * * ? *)")
    paused = "analytics-job-00000000-0000-4000-8000-000000000000"
    put_job_rule(events, paused, "cron(30 6 * * ? *)", enabled=False)
    fake = ScriptedFunctions()
    lines: list[str] = []
    ticking = clock(events, fake, lines)

    # When the clock passes 06:29, 06:30 and 06:31
    day = datetime(2026, 3, 10, tzinfo=UTC)
    fired = [ticking.tick(day + timedelta(hours=6, minutes=minute)) for minute in (29, 30, 31)]

    # Then only the active job ran, once, at 06:30, with its id
    assert fired == [[], [Firing(JOB, "scheduler", None)], []]
    assert fake.events == [("scheduler", {"job_id": JOB.removeprefix("analytics-job-")})]
    assert lines == [f"eventbridge: rule {JOB} fired scheduler (ok)"]


def test_a_rate_rule_fires_every_n_minutes(events: Any) -> None:
    put_job_rule(events, JOB, "rate(5 minutes)")
    fake = ScriptedFunctions()
    ticking = clock(events, fake, [])
    start = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)  # away from the built-in rules' minutes

    fired_at = [minute for minute in range(20) if ticking.tick(start + timedelta(minutes=minute))]

    assert fired_at == [0, 5, 10, 15]  # epoch-aligned, so on the hour too
    assert [event for _, event in fake.events].count({"job_id": JOB.removeprefix("analytics-job-")}) == 4


def test_a_failing_run_is_reported_and_the_clock_goes_on(events: Any) -> None:
    put_job_rule(events, JOB, "cron(30 6 * * ? *)")
    lines: list[str] = []
    log = io.StringIO()
    ticking = EventBridgeClock(events, ScriptedFunctions(scheduler=boom).functions(), lines.append, log=log)

    fired = ticking.tick(datetime(2026, 3, 10, 6, 30, tzinfo=UTC))

    assert fired == [Firing(JOB, "scheduler", "RuntimeError: the job failed")]
    assert lines == [f"eventbridge: rule {JOB} fired scheduler (failed: RuntimeError: the job failed)"]
    assert "Traceback" in log.getvalue()


def test_an_unreadable_expression_is_reported_once_and_skipped(events: Any) -> None:
    # Given a rule the local runner cannot read (L: the month's last day) beside a good one
    put_job_rule(events, "analytics-job-last-day", "cron(30 6 L * ? *)")
    put_job_rule(events, JOB, "cron(30 6 * * ? *)")
    fake = ScriptedFunctions()
    lines: list[str] = []
    ticking = clock(events, fake, lines)

    for minute in (30, 31):
        ticking.tick(datetime(2026, 3, 31, 6, minute, tzinfo=UTC))

    skipped = [line for line in lines if "analytics-job-last-day" in line]
    assert len(skipped) == 1 and "skipped" in skipped[0] and "'L'" in skipped[0]
    assert [name for name, _ in fake.events] == ["scheduler"]


def test_targets_it_cannot_invoke_are_reported_once(events: Any) -> None:
    queue = f"arn:aws:sqs:{REGION}:123456789012:analytics-ingest"
    events.put_rule(Name="to-a-queue", ScheduleExpression="rate(1 minute)")
    events.put_targets(Rule="to-a-queue", Targets=[{"Id": "q", "Arn": queue}])
    lines: list[str] = []
    ticking = clock(events, ScriptedFunctions(), lines)

    for minute in (1, 2):
        assert ticking.tick(datetime(2026, 3, 10, 10, minute, tzinfo=UTC)) == []

    assert lines == [f"eventbridge: rule to-a-queue: target q ({queue}) is not a local function, skipped"]


def test_a_target_without_input_gets_the_scheduled_event(events: Any) -> None:
    events.put_rule(Name="plain", ScheduleExpression="rate(1 minute)")
    events.put_targets(Rule="plain", Targets=[{"Id": "f", "Arn": function_arn("scheduler")}])
    fake = ScriptedFunctions()

    clock(events, fake, []).tick(datetime(2026, 3, 10, 10, 1, 30, tzinfo=UTC))

    [(function, event)] = fake.events
    assert (event["detail-type"], event["source"], event["time"]) == (
        "Scheduled Event",
        "aws.events",
        "2026-03-10T10:01:00Z",
    )
    assert function == "scheduler"
    assert event["resources"] == [f"arn:aws:events:{REGION}:123456789012:rule/plain"]


def test_the_thread_fires_at_the_minute_boundary_and_stops_promptly(events: Any) -> None:
    # Given a clock whose time is 0.2 s before 06:30:00 when it starts
    put_job_rule(events, JOB, "cron(30 6 * * ? *)")
    offset = datetime(2026, 3, 10, 6, 29, 59, 800000, tzinfo=UTC) - datetime.now(UTC)
    fired = threading.Event()
    fake = ScriptedFunctions(scheduler=lambda event: fired.set())
    lines: list[str] = []
    running = clock(events, fake, lines, now=lambda: datetime.now(UTC) + offset)

    # When it runs past the boundary
    running.start()
    assert fired.wait(5)
    began = datetime.now(UTC)
    running.stop()

    # Then the rule of 06:30 ran, and stopping did not wait for the next minute
    assert lines == [f"eventbridge: rule {JOB} fired scheduler (ok)"]
    assert (datetime.now(UTC) - began).total_seconds() < 1
