"""Fake sibling services for integration tests: every service on loopback, empty, and the sync client
set to short timeouts and backoffs so retries take milliseconds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from analytics.enums import SiblingService
from analytics.settings import get_settings
from analytics_infra.local.siblings import FakeSibling, environment, serving_all


@pytest.fixture(name="siblings")
def siblings_fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[SiblingService, FakeSibling]]:
    """Every sibling service on loopback, empty; a client with short timeouts and backoffs."""
    with serving_all([FakeSibling(service) for service in SiblingService]) as served:
        settings = {
            **environment(served),
            "SYNC_BATCH_SIZE": "3",
            "SYNC_TIMEOUT_SECONDS": "20",
            "SYNC_MAX_RETRIES": "3",
            "SYNC_REQUEST_TIMEOUT_SECONDS": "0.5",
            "SYNC_BACKOFF_FACTOR": "0.01",
            "SYNC_BACKOFF_MAX_SECONDS": "0.05",
            "SYNC_BACKOFF_JITTER_SECONDS": "0.01",
        }
        for name, value in settings.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        yield served
    get_settings.cache_clear()
