"""Integration fixtures: a migrated database emptied before each test, and handler invocation."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from analytics.db.engine import get_engine
from analytics.db.migrate import upgrade_to_head
from analytics.db.models import Base
from analytics.services import statistics as statistics_service
from tests.conftest import reset_caches
from tests.integration.aws import aws  # noqa: F401 (a fixture: moto with the stack's resources)

EVENTS_DIR = Path(__file__).resolve().parents[2] / "events"


@pytest.fixture(scope="session")
def migrated(database_url: str) -> str:
    reset_caches()
    return upgrade_to_head(get_engine())


@pytest.fixture(autouse=True)
def empty_tables(migrated: str) -> None:
    names = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with get_engine().begin() as connection:
        connection.execute(text(f"TRUNCATE {names}"))
    statistics_service.forget_answers()


@pytest.fixture(autouse=True)
def tracer_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")


@dataclass
class LambdaContext:
    function_name: str = "analytics-test"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:analytics-test"
    aws_request_id: str = "test-request"

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


@dataclass
class HttpResult:
    status: int
    headers: dict[str, str]
    body: Any


def load_event(name: str, **overrides: Any) -> dict[str, Any]:
    """An events/ sample, with `body` (JSON-encoded here), `query`, `path` or `role` replaced."""
    event: dict[str, Any] = json.loads((EVENTS_DIR / f"{name}.json").read_text())
    if "body" in overrides:
        event["body"] = json.dumps(overrides["body"])
    if "query" in overrides:
        query = overrides["query"]
        event["queryStringParameters"] = query
        event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in (query or {}).items())
    if "path" in overrides:
        event["rawPath"] = event["requestContext"]["http"]["path"] = overrides["path"]
    if "role" in overrides:
        role = overrides["role"]
        if role is None:
            event["requestContext"].pop("authorizer", None)
            event["headers"].pop("authorization", None)
        else:
            event["requestContext"]["authorizer"] = {
                "jwt": {"claims": {"sub": f"{role}-user", "roles": f"[{role}]"}, "scopes": None}
            }
    return event


Invoke = Callable[..., HttpResult]


@pytest.fixture
def invoke() -> Iterator[Invoke]:
    def call(handler: Callable[[dict[str, Any], Any], dict[str, Any]], event: dict[str, Any]) -> HttpResult:
        response = handler(event, LambdaContext())
        raw = response.get("body")
        body = json.loads(raw) if raw and "json" in response["headers"].get("Content-Type", "") else raw
        return HttpResult(response["statusCode"], response["headers"], body)

    yield call
