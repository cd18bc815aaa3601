"""Settings validation and where the database is."""

from __future__ import annotations

import json

import pytest

from analytics.db.engine import pg8000_url, url_from_secret
from analytics.settings import SettingsError, load_settings


def test_defaults_follow_the_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("ANALYTICS_RETENTION_DAYS", raising=False)
    settings = load_settings()
    assert settings.ANALYTICS_RETENTION_DAYS == 1095
    assert settings.SYNC_BATCH_SIZE == 1000
    assert settings.CACHE_METRICS_TTL_SECONDS == 300
    assert settings.REQUIRE_AUTH_FOR_READS is False


def test_malformed_settings_name_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNC_BATCH_SIZE", "lots")
    monkeypatch.setenv("DATABASE_URL", "mysql://x")
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert "SYNC_BATCH_SIZE" in str(error.value)
    assert "DATABASE_URL" in str(error.value)


def test_socket_directory_urls_become_pg8000_unix_sockets() -> None:
    url = pg8000_url("postgresql://postgres:@/postgres?host=/tmp/data")
    assert url.drivername == "postgresql+pg8000"
    assert url.host is None
    assert url.query["unix_sock"] == "/tmp/data/.s.PGSQL.5432"


def test_tcp_urls_keep_host_and_port() -> None:
    url = pg8000_url("postgresql://app:secret@db.internal:6543/analytics")
    assert (url.host, url.port, url.database, url.username) == ("db.internal", 6543, "analytics", "app")


def test_secret_url_prefers_the_proxy_host() -> None:
    secret = json.dumps({"username": "u", "password": "p", "host": "cluster", "port": 5432, "dbname": "db"})
    assert url_from_secret(secret, "proxy.internal").host == "proxy.internal"
    assert url_from_secret(secret, None).host == "cluster"
