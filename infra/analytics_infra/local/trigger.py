"""`analytics-local trigger`: fire one schedule rule of a running `up` now, as if its minute had come.

The rule is a built-in rule id of timetable.py (`retention`), a rule name (`analytics-job-<uuid>`) or a
job's id. Its target's input is read from the running runner's moto, and the target function runs in
that runner through its Lambda Invoke API (RequestResponse), so the result can be printed."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from botocore.config import Config
from botocore.exceptions import ClientError

from analytics.settings import get_settings
from analytics_infra.local.endpoints import aws_session, read_endpoints, talking_to
from analytics_infra.local.errors import LocalRunnerError
from analytics_infra.local.functions import function_arn
from analytics_infra.local.rules import (
    SCHEDULER_FUNCTION,
    Invocation,
    UnsupportedTarget,
    builtin_rule_name,
    invocation,
    targets,
)
from analytics_infra.timetable import ScheduledTask, scheduled_tasks

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient

# The scheduler may run for minutes (its timeout is five); the answer is awaited that long, and never
# asked for twice: a retried invoke would run the job again.
READ_TIMEOUT_SECONDS = 15 * 60


@dataclass(frozen=True)
class RuleChoice:
    """The rule an argument names, and what to run when that rule is not on the bus: a job's id still
    runs the job (as the jobs API's trigger does), a built-in task its event."""

    rule: str
    fallback: Invocation | None = None


def resolve(argument: str, tasks: Sequence[ScheduledTask], job_rule_prefix: str) -> RuleChoice:
    argument = argument.strip()
    for task in tasks:
        if argument in (task.rule_id, builtin_rule_name(task)):
            return RuleChoice(builtin_rule_name(task), Invocation(SCHEDULER_FUNCTION, dict(task.event)))
    job_id = _uuid(argument.removeprefix(job_rule_prefix))
    if job_id is not None:
        return RuleChoice(
            f"{job_rule_prefix}{job_id}", Invocation(SCHEDULER_FUNCTION, {"job_id": str(job_id)})
        )
    if not argument:
        raise LocalRunnerError("name a rule: a built-in rule id, a rule name or a job id")
    return RuleChoice(argument)


def run_trigger(argument: str, data_dir: Path, *, progress: Callable[[str], None]) -> None:
    """Prints the function's result as JSON on stdout; a failed run is an error after its result."""
    data_dir = data_dir.resolve()
    endpoints = read_endpoints(data_dir)
    settings = get_settings()
    choice = resolve(argument, scheduled_tasks(settings.SYNC_INTERVAL_MINUTES), settings.JOB_RULE_PREFIX)
    session = aws_session(endpoints)
    events = session.client("events", endpoint_url=endpoints["aws_endpoint_url"])
    call = talking_to(data_dir, lambda: rule_invocation(events, choice))
    progress(f"trigger: rule {choice.rule} -> {call.function} with {json.dumps(call.event)}")
    lambda_client = session.client(
        "lambda",
        endpoint_url=endpoints["lambda_endpoint_url"],
        config=Config(read_timeout=READ_TIMEOUT_SECONDS, retries={"total_max_attempts": 1}),
    )
    response = talking_to(
        data_dir,
        lambda: lambda_client.invoke(
            FunctionName=function_arn(call.function),
            InvocationType="RequestResponse",
            Payload=json.dumps(call.event).encode(),
        ),
    )
    result = json.loads(response["Payload"].read() or b"null")
    print(json.dumps(result, indent=2, default=str))
    if "FunctionError" in response:
        raise LocalRunnerError(
            f"{call.function} failed: {result.get('errorType')}: {result.get('errorMessage')} "
            "(the traceback is in up's output)"
        )


def rule_invocation(events: EventBridgeClient, choice: RuleChoice) -> Invocation:
    """What the rule's (first local) target runs; the fallback when the rule is not on the bus."""
    try:
        rule_targets = targets(events, choice.rule)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
            raise
        if choice.fallback is None:
            raise LocalRunnerError(
                f"no rule {choice.rule} on the default bus: name a built-in rule id, a rule name or a job id"
            ) from exc
        return choice.fallback
    problems = []
    for target in rule_targets:
        try:
            return invocation(target, choice.rule, datetime.now(UTC).replace(second=0, microsecond=0))
        except UnsupportedTarget as exc:
            problems.append(str(exc))
    raise LocalRunnerError(
        f"rule {choice.rule} has no target the local runner can invoke: {problems or 'none'}"
    )


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None
