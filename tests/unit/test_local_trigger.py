"""`analytics-local trigger`: which rule an argument names, what its target runs, and the run through a
running runner's Lambda endpoint (here: the runner's moto set-up and Invoke API over fake functions)."""

from __future__ import annotations

import io
import json
import os
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from analytics_infra.local.aws import REGION, AwsResources
from analytics_infra.local.cli import build_parser
from analytics_infra.local.endpoints import ENDPOINTS_FILE, read_endpoints, write_endpoints
from analytics_infra.local.errors import LocalRunnerError
from analytics_infra.local.lambda_service import LocalLambda
from analytics_infra.local.rules import Invocation
from analytics_infra.local.trigger import RuleChoice, resolve, rule_invocation, run_trigger
from analytics_infra.timetable import scheduled_tasks
from tests.unit.test_local_eventbridge_clock import put_job_rule
from tests.unit.test_local_ingest import aws, moto_endpoint
from tests.unit.test_local_lambda_service import ScriptedFunctions, boom

__all__ = ["aws", "moto_endpoint"]  # fixtures shared with the ingest tests

JOB_ID = "5b0c7d52-3c0e-4f57-9d7e-0a6f3c1d2e11"
TASKS = scheduled_tasks(60)
PREFIX = "analytics-job-"


@pytest.mark.parametrize(
    ("argument", "rule", "fallback"),
    [
        ("retention", "analytics-retention", {"task": "retention"}),
        ("analytics-retention", "analytics-retention", {"task": "retention"}),
        ("data_sync", "analytics-data_sync", {"task": "data_sync"}),
        (JOB_ID, f"{PREFIX}{JOB_ID}", {"job_id": JOB_ID}),
        (JOB_ID.upper(), f"{PREFIX}{JOB_ID}", {"job_id": JOB_ID}),
        (f"{PREFIX}{JOB_ID}", f"{PREFIX}{JOB_ID}", {"job_id": JOB_ID}),
        ("someone-elses-rule", "someone-elses-rule", None),
    ],
)
def test_arguments_name_rules(argument: str, rule: str, fallback: dict[str, Any] | None) -> None:
    choice = resolve(argument, TASKS, PREFIX)

    assert choice.rule == rule
    assert choice.fallback == (Invocation("scheduler", fallback) if fallback else None)


def test_an_empty_argument_is_an_error() -> None:
    with pytest.raises(LocalRunnerError, match="name a rule"):
        resolve("  ", TASKS, PREFIX)


@pytest.fixture
def events(aws: AwsResources) -> Any:
    return boto3.client("events", endpoint_url=aws.endpoint_url, region_name=REGION)


def test_a_rule_on_the_bus_runs_its_targets_input(events: Any) -> None:
    # The job's rule carries an input of its own: that, not the fallback, is what runs
    put_job_rule(events, f"{PREFIX}{JOB_ID}", "rate(1 day)", Input=json.dumps({"job_id": JOB_ID, "x": 1}))

    assert rule_invocation(events, resolve(JOB_ID, TASKS, PREFIX)) == Invocation(
        "scheduler", {"job_id": JOB_ID, "x": 1}
    )
    assert rule_invocation(events, resolve("retention", TASKS, PREFIX)) == Invocation(
        "scheduler", {"task": "retention"}
    )


def test_a_job_without_a_rule_still_runs_by_its_id(events: Any) -> None:
    assert rule_invocation(events, resolve(JOB_ID, TASKS, PREFIX)) == Invocation(
        "scheduler", {"job_id": JOB_ID}
    )


def test_an_unknown_rule_is_an_error(events: Any) -> None:
    with pytest.raises(LocalRunnerError, match="no rule nope on the default bus"):
        rule_invocation(events, RuleChoice("nope"))


@pytest.fixture
def running(aws: AwsResources, tmp_path: Path) -> Iterator[tuple[Path, ScriptedFunctions]]:
    """A data folder whose endpoints.json names this process, moto and a Lambda endpoint, as `up`'s
    does; the scheduler is fake."""
    fake = ScriptedFunctions(
        scheduler=lambda event: {"status": "success", "event": event}, report_worker=boom
    )
    service = LocalLambda(fake.functions(), log=io.StringIO())
    service.start()
    endpoints = {
        "pid": os.getpid(),
        "aws_endpoint_url": aws.endpoint_url,
        "aws_region": REGION,
        "lambda_endpoint_url": service.url,
    }
    write_endpoints(tmp_path / ENDPOINTS_FILE, endpoints)
    try:
        yield tmp_path, fake
    finally:
        service.stop()


def test_trigger_runs_the_rule_in_the_running_runner_and_prints_the_result(
    running: tuple[Path, ScriptedFunctions], capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir, fake = running
    lines: list[str] = []

    run_trigger("retention", data_dir, progress=lines.append)

    assert fake.events == [("scheduler", {"task": "retention"})]
    assert json.loads(capsys.readouterr().out) == {"status": "success", "event": {"task": "retention"}}
    assert lines == ['trigger: rule analytics-retention -> scheduler with {"task": "retention"}']


def test_a_failed_run_is_an_error_after_its_result(
    running: tuple[Path, ScriptedFunctions], events: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir, _ = running
    events.put_rule(Name="render", ScheduleExpression="rate(1 hour)")
    events.put_targets(
        Rule="render",
        Targets=[
            {"Id": "w", "Arn": "arn:aws:lambda:us-east-1:123456789012:function:analytics-report_worker"}
        ],
    )

    with pytest.raises(LocalRunnerError, match="report_worker failed: RuntimeError: the job failed"):
        run_trigger("render", data_dir, progress=lambda line: None)

    assert json.loads(capsys.readouterr().out)["errorType"] == "RuntimeError"


def test_without_a_running_up_the_error_says_to_start_it(tmp_path: Path) -> None:
    with pytest.raises(LocalRunnerError, match=f"not running on {re.escape(str(tmp_path))}.*up --data-dir"):
        run_trigger("retention", tmp_path, progress=lambda line: None)


def test_endpoints_left_by_a_dead_runner_are_not_trusted(tmp_path: Path) -> None:
    write_endpoints(tmp_path / ENDPOINTS_FILE, {"pid": 2**22 + 12345})

    with pytest.raises(LocalRunnerError, match="did not stop cleanly"):
        read_endpoints(tmp_path)


def test_a_runner_that_does_not_answer_is_a_clear_error(
    running: tuple[Path, ScriptedFunctions], aws: AwsResources
) -> None:
    data_dir, _ = running
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    endpoints = read_endpoints(data_dir)
    write_endpoints(
        data_dir / ENDPOINTS_FILE, {**endpoints, "lambda_endpoint_url": f"http://127.0.0.1:{closed_port}"}
    )

    with pytest.raises(LocalRunnerError, match=r"does not answer.*analytics-local up --data-dir"):
        run_trigger("retention", data_dir, progress=lambda line: None)


def test_the_cli_documents_trigger(capsys: pytest.CaptureFixture[str]) -> None:
    args = build_parser().parse_args(["trigger", "retention", "--data-dir", "/tmp/x"])
    assert (args.rule, str(args.data_dir)) == ("retention", "/tmp/x")

    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    help_text = capsys.readouterr().out
    assert "analytics-local trigger retention" in help_text

    with pytest.raises(SystemExit):
        build_parser().parse_args(["trigger", "--help"])
    trigger_help = capsys.readouterr().out
    assert all(task.rule_id in trigger_help for task in TASKS)
