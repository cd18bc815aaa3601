"""Is the service able to answer: the database's reachability and schema version."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, Field

from analytics.errors import Unavailable


class DatabaseHealth(BaseModel):
    reachable: bool
    schema_version: str | None = Field(description="The migration the database is at")
    expected_version: str = Field(description="The newest migration this code knows")
    error: str | None = None


class Health(BaseModel):
    status: str = Field(description="`ok`, or `degraded` when the database is unreachable or not migrated")
    service: str = "analytics-service"
    database: DatabaseHealth

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def check_health(read_schema_version: Callable[[], str | None], expected_version: str) -> Health:
    try:
        version, error = read_schema_version(), None
    except Unavailable as exc:
        version, error = None, str(exc)
    database = DatabaseHealth(
        reachable=error is None, schema_version=version, expected_version=expected_version, error=error
    )
    healthy = database.reachable and version == expected_version
    return Health(status="ok" if healthy else "degraded", database=database)
