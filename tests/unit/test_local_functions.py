"""Handlers as Lambda runs them: imported once on first use, one event at a time, with a context."""

from __future__ import annotations

import threading
import time
from types import ModuleType
from typing import Any

import pytest

from analytics_infra.local.functions import Functions, LambdaContext, UnknownFunction


def test_handler_is_imported_lazily_and_once() -> None:
    imported: list[str] = []

    def import_module(name: str) -> ModuleType:
        imported.append(name)
        module = ModuleType(name)
        module.lambda_handler = lambda event, context: {"got": event["n"]}  # type: ignore[attr-defined]
        return module

    functions = Functions(import_module)
    assert imported == []

    results = [functions.invoke("metrics", {"n": n}) for n in range(3)]

    assert results == [{"got": 0}, {"got": 1}, {"got": 2}]
    assert imported == ["functions.metrics.handler"]


def test_context_looks_like_lambdas() -> None:
    seen: list[Any] = []

    def import_module(name: str) -> ModuleType:
        module = ModuleType(name)
        module.lambda_handler = lambda event, context: seen.append(context)  # type: ignore[attr-defined]
        return module

    functions = Functions(import_module)
    functions.invoke("health", {})
    functions.invoke("health", {})

    first, second = seen
    assert first.function_name == "analytics-health"
    assert first.memory_limit_in_mb == 256  # from the route table's ApiFunction
    assert first.invoked_function_arn == "arn:aws:lambda:us-east-1:123456789012:function:analytics-health"
    assert 0 < first.get_remaining_time_in_millis() <= 29_000
    assert first.aws_request_id != second.aws_request_id


def test_remaining_time_runs_down_to_zero() -> None:
    context = LambdaContext("f", 128, timeout_seconds=1, started=time.monotonic() - 5)

    assert context.get_remaining_time_in_millis() == 0


def test_one_event_at_a_time() -> None:
    running = 0
    most = 0
    guard = threading.Lock()

    def handler(event: dict[str, Any], context: Any) -> None:
        nonlocal running, most
        with guard:
            running += 1
            most = max(most, running)
        time.sleep(0.01)
        with guard:
            running -= 1

    def import_module(name: str) -> ModuleType:
        module = ModuleType(name)
        module.lambda_handler = handler  # type: ignore[attr-defined]
        return module

    functions = Functions(import_module)
    threads = [threading.Thread(target=functions.invoke, args=("metrics", {})) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert most == 1


def test_unknown_function() -> None:
    with pytest.raises(UnknownFunction, match=r"functions/nope/handler\.py"):
        Functions().check("nope")
    with pytest.raises(UnknownFunction):
        Functions().invoke("nope", {})


def test_real_functions_exist() -> None:
    for name in ("metrics", "events", "health", "docs", "simple"):
        Functions().check(name)


def test_module_without_lambda_handler() -> None:
    functions = Functions(lambda name: ModuleType(name))

    with pytest.raises(UnknownFunction, match="no lambda_handler"):
        functions.invoke("metrics", {})


def test_import_errors_inside_a_handler_are_not_hidden() -> None:
    def import_module(name: str) -> ModuleType:
        raise ModuleNotFoundError("No module named 'numpyy'", name="numpyy")

    with pytest.raises(ModuleNotFoundError, match="numpyy"):
        Functions(import_module).invoke("metrics", {})
