"""Fixtures shared by every suite: a real PostgreSQL (embedded unless DATABASE_URL is set)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from analytics.db.embedded import start_embedded_server, stop_embedded_server
from analytics.db.engine import get_engine, get_session_factory
from analytics.settings import get_settings

# Test data sits at fixed dates (2024, 2025, ...): a retention window reaching back to 2000 keeps it inside
# on whatever date the suite runs. Tests of the window itself set ANALYTICS_RETENTION_DAYS.
FIXED_DATES_SINCE = dt.date(2000, 1, 1)


def pytest_configure(config: pytest.Config) -> None:
    days = (dt.date.today() - FIXED_DATES_SINCE).days
    os.environ.setdefault("ANALYTICS_RETENTION_DAYS", str(days))


def reset_caches() -> None:
    """Settings, engine and sessions are cached per container; tests change the environment."""
    for cached in (get_settings, get_engine, get_session_factory):
        cached.cache_clear()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    configured = os.environ.get("DATABASE_URL")
    if configured:
        yield configured
        return
    data_dir: Path = tmp_path_factory.mktemp("db")
    url = start_embedded_server(data_dir, throwaway=True)
    os.environ["DATABASE_URL"] = url
    try:
        yield url
    finally:
        del os.environ["DATABASE_URL"]
        reset_caches()
        stop_embedded_server(data_dir, throwaway=True)
