"""Every connection works in UTC, and sets it only where the server runs in another zone (a SET would pin
the session behind RDS Proxy)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from analytics.db.engine import UTC_NAMES, _use_utc, get_engine


def zone_and_source(dbapi_connection: object) -> tuple[str, str]:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("SELECT setting, source FROM pg_settings WHERE name = 'TimeZone'")
    row = cursor.fetchone()
    cursor.close()
    return row[0], row[1]


def test_a_connection_in_another_zone_is_set_to_utc() -> None:
    with get_engine().connect() as connection:
        raw = connection.connection.dbapi_connection
        connection.execute(text("SET TIME ZONE 'Europe/Berlin'"))
        connection.commit()

        _use_utc(raw, None)

        assert zone_and_source(raw) == ("UTC", "session")
        connection.invalidate()  # not back into the pool with a session setting


def test_a_server_already_in_utc_gets_no_set() -> None:
    with get_engine().connect() as connection:
        raw = connection.connection.dbapi_connection
        connection.execute(text("RESET TIME ZONE"))
        connection.commit()
        if zone_and_source(raw)[0] not in UTC_NAMES:
            connection.invalidate()
            pytest.skip("this server runs in another zone (the test above covers it)")

        _use_utc(raw, None)

        assert zone_and_source(raw)[1] != "session"
        connection.invalidate()
