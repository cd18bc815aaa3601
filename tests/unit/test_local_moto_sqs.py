"""moto's SQS sped up: the replacements give the answers of moto's own code."""

from __future__ import annotations

import datetime as dt
import time
from types import SimpleNamespace
from typing import Any

import pytest
from moto.core.utils import unix_time_millis as original_unix_time_millis
from moto.sqs import models

from analytics_infra.local.moto_sqs import speed_up_sqs, unix_time, unix_time_millis, within_retention


def test_the_clock_reads_as_moto_reads_it() -> None:
    moment = dt.datetime(2026, 1, 2, 3, 4, 5, 678000)

    assert unix_time_millis(moment) == original_unix_time_millis(moment)
    assert abs(unix_time_millis() - original_unix_time_millis()) < 50
    assert abs(unix_time() - time.time()) < 0.05


class Backend:
    """What the retention check reads of moto's backend: a queue by name."""

    def __init__(self, retention_seconds: int) -> None:
        self.queue = SimpleNamespace(message_retention_period=retention_seconds)

    def get_queue(self, name: str) -> Any:
        return self.queue


@pytest.mark.parametrize(("age_seconds", "kept"), [(0, True), (59, True), (61, False)])
def test_messages_past_the_retention_period_are_not_handed_out(age_seconds: int, kept: bool) -> None:
    message = SimpleNamespace(sent_timestamp=int((time.time() - age_seconds) * 1000))

    assert within_retention(Backend(60), "analytics-ingest", message) is kept  # type: ignore[arg-type]


def test_moto_uses_the_replacements() -> None:
    speed_up_sqs()

    assert models.unix_time is unix_time
    assert models.unix_time_millis is unix_time_millis
    assert models.SQSBackend.is_message_valid_based_on_retention_period is within_retention
