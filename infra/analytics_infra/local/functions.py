"""The functions as Lambda runs them: each handler imported once, on first use, and invoked one event at
a time with a context object like Lambda's."""

from __future__ import annotations

import importlib
import importlib.util
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from analytics_infra.routes import API_FUNCTIONS, ApiFunction

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
# The functions' names locally: `analytics-<folder of functions/>`, in moto's account and region.
NAME_PREFIX = "analytics-"
ARN_PREFIX = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:"

Handler = Callable[[dict[str, Any], Any], Any]


class UnknownFunction(Exception):
    """There is no `functions/<name>/handler.py` with a `lambda_handler`."""


@dataclass(frozen=True)
class LambdaContext:
    """The attributes of Lambda's context object that handlers and Powertools read."""

    function_name: str
    memory_limit_in_mb: int
    timeout_seconds: int
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    started: float = field(default_factory=time.monotonic)

    @property
    def invoked_function_arn(self) -> str:
        return f"{ARN_PREFIX}{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return f"local/[{self.function_version}]{self.aws_request_id}"

    def get_remaining_time_in_millis(self) -> int:
        elapsed = time.monotonic() - self.started
        return max(0, int((self.timeout_seconds - elapsed) * 1000))


def function_arn(name: str) -> str:
    """The local ARN of `functions/<name>`, as its context reports it: the scheduler's is what the
    jobs API's rules target (SCHEDULER_FUNCTION_ARN)."""
    return f"{ARN_PREFIX}{NAME_PREFIX}{name}"


def local_function(identifier: str) -> str | None:
    """The folder of functions/ that a FunctionName or target ARN names, the way Lambda accepts them:
    `analytics-<name>`, `123456789012:function:analytics-<name>` or the full ARN, each optionally with
    a version or alias after a colon; None for anything that is not one of the local functions."""
    name = identifier
    if identifier.startswith("arn:"):
        if not identifier.startswith(ARN_PREFIX):
            return None
        name = identifier.removeprefix(ARN_PREFIX)
    elif identifier.startswith(f"{ACCOUNT_ID}:function:"):
        name = identifier.removeprefix(f"{ACCOUNT_ID}:function:")
    name = name.split(":", 1)[0]
    folder = name.removeprefix(NAME_PREFIX)
    return folder if name.startswith(NAME_PREFIX) and folder.isidentifier() else None


class Functions:
    """Handlers by function name, invoked under one lock: a Lambda container handles one event at a time,
    and the resolvers keep per-request state."""

    def __init__(self, import_module: Callable[[str], ModuleType] = importlib.import_module) -> None:
        self._import_module = import_module
        self._handlers: dict[str, Handler] = {}
        self._lock = threading.Lock()
        self._settings = {function.name: function for function in API_FUNCTIONS}

    def check(self, name: str) -> None:
        """Raises UnknownFunction unless `functions/<name>/handler.py` exists; imports no handler."""
        try:
            spec = importlib.util.find_spec(f"functions.{name}.handler")
        except (ModuleNotFoundError, ValueError):
            spec = None
        if spec is None:
            raise UnknownFunction(f"no function {name!r} (functions/{name}/handler.py)")

    def invoke(self, name: str, event: dict[str, Any]) -> Any:
        with self._lock:
            handler = self._handler(name)
            function = self._settings.get(name, ApiFunction(name, name))
            context = LambdaContext(
                function_name=f"{NAME_PREFIX}{name}",
                memory_limit_in_mb=function.memory_mb,
                timeout_seconds=function.timeout_seconds,
            )
            return handler(event, context)

    def _handler(self, name: str) -> Handler:
        if name not in self._handlers:
            module_name = f"functions.{name}.handler"
            try:
                module = self._import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name is not None and f"{module_name}.".startswith(f"{exc.name}."):
                    raise UnknownFunction(f"no function {name!r} (functions/{name}/handler.py)") from exc
                raise
            handler = getattr(module, "lambda_handler", None)
            if not callable(handler):
                raise UnknownFunction(f"functions/{name}/handler.py has no lambda_handler(event, context)")
            self._handlers[name] = handler
        return self._handlers[name]
