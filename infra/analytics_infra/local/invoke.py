"""`analytics-local invoke`: one function, one event, in this process, like `sam local invoke`."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import Any

from analytics_infra.local.environment import local_environment
from analytics_infra.local.errors import LocalRunnerError
from analytics_infra.local.functions import Functions


def run_invoke(function: str, event_file: Path, data_dir: Path, *, progress: Callable[[str], None]) -> None:
    """Prints the function's response on stdout (a JSON body parsed); logs and progress go to stderr."""
    functions = Functions()
    functions.check(function)
    event = read_event(event_file)
    # Logs of Event invocations the function started (awaited on exit) go to stderr too.
    with (
        redirect_stdout(sys.stderr),
        logs_to_stderr(),
        local_environment(data_dir, progress, functions=functions),
    ):
        result = functions.invoke(function, event)
    print(json.dumps(readable(result), indent=2, default=str))


@contextmanager
def logs_to_stderr() -> Iterator[None]:
    """The functions' logger writes to the stdout it found at import, out of redirect_stdout's reach."""
    from analytics.observability import logger

    handler = logger.registered_handler
    assert isinstance(handler, logging.StreamHandler)
    previous = handler.setStream(sys.stderr)
    try:
        yield
    finally:
        handler.setStream(previous)


def read_event(path: Path) -> dict[str, Any]:
    try:
        event = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise LocalRunnerError(f"no event file {path}") from exc
    except (OSError, ValueError) as exc:
        raise LocalRunnerError(f"cannot read the event in {path}: {exc}") from exc
    if not isinstance(event, dict):
        raise LocalRunnerError(f"the event in {path} is not a JSON object")
    return event


def readable(result: Any) -> Any:
    """The response with a JSON body shown as JSON rather than as a string."""
    if isinstance(result, dict) and isinstance(result.get("body"), str) and not result.get("isBase64Encoded"):
        try:
            return {**result, "body": json.loads(result["body"])}
        except ValueError:
            return result
    return result
