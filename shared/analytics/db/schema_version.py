"""The schema version the database is at, and the one this code expects."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from analytics.db.engine import get_engine
from analytics.db.migrate import current_version, head_version
from analytics.errors import Unavailable

__all__ = ["database_schema_version", "head_version"]


def database_schema_version() -> str | None:
    try:
        return current_version(get_engine())
    except DBAPIError as exc:
        raise Unavailable(f"the database is unreachable: {exc.orig}") from exc
