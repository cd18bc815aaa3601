"""A cached answer never hides a write that committed before the question: the cache is keyed on the
database's snapshot, so it holds across containers too (here, one answer computed, then a write through
another path, then the same question)."""

from __future__ import annotations

import pytest

from analytics.services import statistics as statistics_service
from analytics.settings import get_settings
from tests.integration.conftest import Invoke
from tests.integration.test_ingest_queue import metric
from tests.integration.test_statistics_api import ask, load

QUESTION = {"start_date": "2025-03-01", "end_date": "2025-03-31", "tz": "Europe/Berlin", "group_by": "date"}


def test_a_metric_written_after_an_answer_is_in_the_next_answer(invoke: Invoke) -> None:
    assert get_settings().CACHE_ENABLED and get_settings().CACHE_METRICS_TTL_SECONDS == 300
    load([metric(value=10.0, timestamp="2025-03-05T10:00:00Z")])
    before = ask(invoke, "statistics", **QUESTION).body

    load([metric(value=32.0, timestamp="2025-03-05T11:00:00Z", idempotency_key="the-second")])
    after = ask(invoke, "statistics", **QUESTION).body
    series = ask(
        invoke, "time-series/data", interval="day", start_date="2025-03-05", end_date="2025-03-05"
    ).body

    assert [g["sum"] for g in before["groups"]] == [10.0]
    assert [g["sum"] for g in after["groups"]] == [42.0]
    assert series["series"][0]["values"] == [42.0]


def test_an_unchanged_question_is_answered_from_the_cache(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    load([metric(value=10.0, timestamp="2025-03-05T10:00:00Z")])
    first = ask(invoke, "statistics", **QUESTION).body
    asked = []
    real_rows = statistics_service._rows
    monkeypatch.setattr(statistics_service, "_rows", lambda *args: asked.append(1) or real_rows(*args))

    again = ask(invoke, "statistics", **QUESTION).body

    assert again == first and asked == []
