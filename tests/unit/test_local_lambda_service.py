"""Lambda's Invoke API for the local functions, reached by boto3 through AWS_ENDPOINT_URL_LAMBDA:
RequestResponse answers the result, Event answers 202 and runs the function in the background, an
unknown function is Lambda's ResourceNotFoundException."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import boto3
import pytest
from botocore.config import Config

from analytics_infra.local.aws import CREDENTIALS
from analytics_infra.local.functions import Functions, function_arn, local_function
from analytics_infra.local.gateway import HttpRequest
from analytics_infra.local.lambda_service import LambdaInvokeApi, LocalLambda

Script = Callable[[Any], Any]


class ScriptedFunctions:
    """Handler modules by function name: each records its events and answers with its script (raising
    is failing); a function without a script answers None."""

    def __init__(self, **scripts: Script) -> None:
        self.scripts = scripts
        self.events: list[tuple[str, Any]] = []

    def functions(self) -> Functions:
        def import_module(module_name: str) -> ModuleType:
            name = module_name.split(".")[1]
            module = ModuleType(module_name)

            def lambda_handler(event: Any, context: Any) -> Any:
                self.events.append((name, event))
                return self.scripts.get(name, lambda event: None)(event)

            module.lambda_handler = lambda_handler  # type: ignore[attr-defined]
            return module

        return Functions(import_module)


def boom(event: Any) -> Any:
    raise RuntimeError("the job failed")


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # moto's place: never reached here


@dataclass
class Served:
    service: LocalLambda
    fake: ScriptedFunctions
    log: io.StringIO
    release: threading.Event  # lets the slow `jobs` function finish


@pytest.fixture
def served(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    release = threading.Event()

    def slow_echo(event: Any) -> Any:
        release.wait(5)
        return {"echo": event}

    fake = ScriptedFunctions(scheduler=lambda event: {"echo": event}, report_worker=boom, jobs=slow_echo)
    log = io.StringIO()
    service = LocalLambda(fake.functions(), log=log)
    service.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", service.url)
    try:
        yield Served(service, fake, log, release)
    finally:
        release.set()
        service.stop()


def lambda_client() -> Any:
    # Built from the environment alone, as the functions build theirs (analytics.aws.clients).
    return boto3.client("lambda", config=Config(retries={"total_max_attempts": 1}))


def test_boto3_reaches_the_local_functions_through_its_lambda_endpoint_variable(
    served: Served,
) -> None:
    answer = lambda_client().invoke(
        FunctionName=function_arn("scheduler"), Payload=json.dumps({"task": "retention"}).encode()
    )

    assert answer["StatusCode"] == 200
    assert "FunctionError" not in answer
    assert json.loads(answer["Payload"].read()) == {"echo": {"task": "retention"}}
    assert served.fake.events == [("scheduler", {"task": "retention"})]


def test_a_function_name_works_like_its_arn(served: Served) -> None:
    answer = lambda_client().invoke(FunctionName="analytics-scheduler", InvocationType="RequestResponse")

    assert json.loads(answer["Payload"].read()) == {"echo": {}}


def test_a_failing_function_answers_lambdas_error_document(served: Served) -> None:
    answer = lambda_client().invoke(FunctionName="analytics-report_worker", Payload=b"{}")

    assert (answer["StatusCode"], answer["FunctionError"]) == (200, "Unhandled")
    error = json.loads(answer["Payload"].read())
    assert (error["errorType"], error["errorMessage"]) == ("RuntimeError", "the job failed")
    assert "RuntimeError: the job failed" in served.log.getvalue()


def test_an_event_invocation_answers_202_at_once_and_runs_in_the_background(
    served: Served,
) -> None:
    # The jobs function blocks until released: the answer cannot have waited for it
    answer = lambda_client().invoke(
        FunctionName=function_arn("jobs"), InvocationType="Event", Payload=b'{"job_id": "j1"}'
    )
    assert answer["StatusCode"] == 202
    assert answer["Payload"].read() == b""

    assert served.fake.events in ([], [("jobs", {"job_id": "j1"})])  # started, or about to
    served.release.set()
    served.service.api.wait_for_async()
    assert served.fake.events == [("jobs", {"job_id": "j1"})]


def test_a_failed_event_invocation_goes_to_the_log(served: Served) -> None:
    answer = lambda_client().invoke(FunctionName="analytics-report_worker", InvocationType="Event")
    served.service.api.wait_for_async()

    assert answer["StatusCode"] == 202
    assert "asynchronous invocation" in served.log.getvalue()
    assert "RuntimeError: the job failed" in served.log.getvalue()


@pytest.mark.parametrize(
    "name", ["analytics-nope", "nope", "arn:aws:lambda:eu-west-1:999999999999:function:x"]
)
def test_an_unknown_function_is_resource_not_found(served: Served, name: str) -> None:
    client = lambda_client()

    with pytest.raises(client.exceptions.ResourceNotFoundException, match="Function not found"):
        client.invoke(FunctionName=name, Payload=b"{}")


def test_a_payload_that_is_not_json_is_refused(served: Served) -> None:
    client = lambda_client()

    with pytest.raises(client.exceptions.InvalidRequestContentException):
        client.invoke(FunctionName="analytics-scheduler", Payload=b"{nope")


def test_stopping_waits_for_event_invocations_in_flight(aws_env: None) -> None:
    finished = threading.Event()

    def slow(event: Any) -> None:
        threading.Event().wait(0.3)
        finished.set()

    service = LocalLambda(ScriptedFunctions(scheduler=slow).functions(), log=io.StringIO())
    service.start()
    request = HttpRequest(
        "POST",
        "/2015-03-31/functions/analytics-scheduler/invocations",
        [("X-Amz-Invocation-Type", "Event")],
    )

    assert service.api.handle(request).status == 202
    service.stop()

    assert finished.is_set()


def test_other_paths_are_unknown_operations() -> None:
    api = LambdaInvokeApi(ScriptedFunctions().functions(), log=io.StringIO())

    answer = api.handle(HttpRequest("GET", "/2015-03-31/functions/analytics-scheduler/configuration"))

    assert answer.status == 404
    assert ("x-amzn-ErrorType", "UnknownOperationException") in answer.headers


@pytest.mark.parametrize(
    ("identifier", "function"),
    [
        ("analytics-scheduler", "scheduler"),
        ("analytics-report_worker:$LATEST", "report_worker"),
        ("123456789012:function:analytics-scheduler", "scheduler"),
        ("arn:aws:lambda:us-east-1:123456789012:function:analytics-scheduler", "scheduler"),
        ("arn:aws:lambda:us-east-1:123456789012:function:analytics-scheduler:live", "scheduler"),
        ("arn:aws:lambda:us-east-1:999999999999:function:analytics-scheduler", None),
        ("arn:aws:sqs:us-east-1:123456789012:analytics-ingest", None),
        ("scheduler", None),
        ("analytics-", None),
        ("analytics-../etc", None),
        ("analytics-a.b", None),
    ],
)
def test_function_names_and_arns(identifier: str, function: str | None) -> None:
    assert local_function(identifier) == function


def test_the_arn_is_the_one_the_context_reports() -> None:
    assert function_arn("scheduler") == "arn:aws:lambda:us-east-1:123456789012:function:analytics-scheduler"
