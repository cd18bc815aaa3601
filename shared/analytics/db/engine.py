"""One SQLAlchemy engine per container, built on first use from the settings."""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from analytics.settings import Settings, get_settings

SOCKET_FILE = ".s.PGSQL.{port}"


def pg8000_url(url: str) -> URL:
    """Turns a libpq-style URL (also `?host=/socket/dir`) into a SQLAlchemy pg8000 URL."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    parsed = make_url(url).set(drivername="postgresql+pg8000")
    socket_dir = query.pop("host", None)
    if socket_dir and socket_dir.startswith("/"):
        port = parsed.port or 5432
        query["unix_sock"] = str(Path(socket_dir) / SOCKET_FILE.format(port=port))
        parsed = parsed.set(host=None, port=None)
    return parsed.set(query=query)


def url_from_secret(secret_json: str, host_override: str | None) -> URL:
    """The URL from an RDS-managed secret (username, password, host, port, dbname)."""
    secret = json.loads(secret_json)
    return URL.create(
        "postgresql+pg8000",
        username=secret["username"],
        password=secret["password"],
        host=host_override or secret["host"],
        port=int(secret.get("port", 5432)),
        database=secret.get("dbname", "analytics"),
    )


def resolve_database_url(settings: Settings) -> tuple[URL, dict[str, object]]:
    """Where the database is: DATABASE_URL, else the Secrets Manager secret, else the embedded server."""
    if settings.DATABASE_URL:
        return pg8000_url(settings.DATABASE_URL), {}
    if settings.DB_SECRET_ARN:
        from analytics.aws.secrets import read_secret

        url = url_from_secret(read_secret(settings.DB_SECRET_ARN), settings.DB_HOST)
        return url, {"ssl_context": ssl.create_default_context()}
    from analytics.db.embedded import start_embedded_server

    return pg8000_url(start_embedded_server(settings.LOCAL_DATA_DIR)), {}


UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/Universal", "Universal", "Zulu", "Etc/Zulu", "GMT", "Etc/GMT"})


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    settings = get_settings()
    url, connect_args = resolve_database_url(settings)
    engine = create_engine(
        url,
        # pg8000's timeout bounds every socket read, so it must outlast the longest statement.
        connect_args={"timeout": settings.DB_SOCKET_TIMEOUT_SECONDS, **connect_args},
        pool_size=settings.DB_POOL_SIZE,
        max_overflow=2,
        pool_pre_ping=True,
        pool_recycle=300,
    )
    event.listen(engine, "connect", _use_utc)
    return engine


def _use_utc(dbapi_connection: Any, connection_record: Any) -> None:
    # Timestamps without an offset are UTC, and date_trunc/::date work on UTC days. Aurora runs in UTC
    # already, and a SET there would pin the session to one database connection behind RDS Proxy.
    cursor = dbapi_connection.cursor()
    cursor.execute("SELECT current_setting('TimeZone')")
    (zone,) = cursor.fetchone()
    if zone not in UTC_NAMES:
        cursor.execute("SET TIME ZONE 'UTC'")
    cursor.close()
    dbapi_connection.commit()  # pg8000 opened a transaction; end it so AUTOCOMMIT works


@lru_cache(maxsize=1)
def get_session_factory() -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(), expire_on_commit=False)


@contextmanager
def transaction() -> Iterator[Session]:
    """A session whose work is committed on success and rolled back on any error."""
    with get_session_factory().begin() as session:
        yield session
