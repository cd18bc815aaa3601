"""A large answer through a handler: compressed for a client that takes gzip, and a 400 (never API
Gateway's 5xx) when Lambda could not return it."""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json

import pytest

from analytics import answer_size
from functions.metrics.handler import lambda_handler
from tests.integration.conftest import LambdaContext, load_event
from tests.integration.test_ingest_queue import consume, metric, sqs_event

FIRST = dt.datetime(2025, 5, 1, tzinfo=dt.UTC)
HOURS = 24 * 80


@pytest.fixture
def an_hourly_answer_of_hundreds_of_kilobytes() -> dict[str, str]:
    hours = [FIRST + dt.timedelta(hours=h, minutes=7) for h in range(HOURS)]
    items = [metric(value=h % 50, timestamp=moment.isoformat()) for h, moment in enumerate(hours)]
    messages = [{"metrics": items[i : i + 200]} for i in range(0, len(items), 200)]
    assert consume(sqs_event(messages)) == []
    return {"start_date": "2025-05-01", "end_date": "2025-07-19", "group_by": "hour"}


def statistics(query: dict[str, str], accept_encoding: str | None) -> dict[str, object]:
    event = load_event("metrics_list", path="/api/v1/metrics/statistics", query=query)
    if accept_encoding is not None:
        event["headers"]["accept-encoding"] = accept_encoding
    else:
        event["headers"].pop("accept-encoding", None)
    return lambda_handler(event, LambdaContext())


def test_a_large_answer_is_compressed_for_a_client_that_takes_gzip(
    an_hourly_answer_of_hundreds_of_kilobytes: dict[str, str],
) -> None:
    plain = statistics(an_hourly_answer_of_hundreds_of_kilobytes, None)
    packed = statistics(an_hourly_answer_of_hundreds_of_kilobytes, "gzip, deflate, br")

    assert plain["statusCode"] == packed["statusCode"] == 200
    assert len(str(plain["body"])) > answer_size.COMPRESSED_FROM_BYTES
    assert len(json.loads(str(plain["body"]))["groups"]) == HOURS
    assert packed["isBase64Encoded"] and packed["headers"]["Content-Encoding"] == "gzip"  # type: ignore[index]
    assert len(str(packed["body"])) < len(str(plain["body"])) / 4
    assert gzip.decompress(base64.b64decode(str(packed["body"]))).decode() == plain["body"]


def test_an_answer_too_large_for_lambda_is_a_400_that_says_how_to_ask_for_less(
    an_hourly_answer_of_hundreds_of_kilobytes: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(answer_size, "BODY_BYTES", 100_000)

    refused = statistics(an_hourly_answer_of_hundreds_of_kilobytes, None)

    assert refused["statusCode"] == 400
    detail = json.loads(str(refused["body"]))["detail"]
    assert "ask with Accept-Encoding: gzip, or ask for less" in detail
