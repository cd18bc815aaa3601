"""Fixtures shared by every suite: a real PostgreSQL (embedded unless DATABASE_URL is set)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from analytics.db.embedded import start_embedded_server, stop_embedded_server
from analytics.db.engine import get_engine, get_session_factory
from analytics.settings import get_settings


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
