"""The composition root: which adapters the functions use. Tests may build their own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analytics.ports import UnitOfWork

if TYPE_CHECKING:
    from analytics.services.health import Health
    from analytics.simple_ports import SimpleUnitOfWork


def unit_of_work() -> UnitOfWork:
    from analytics.db.unit_of_work import SqlUnitOfWork

    return SqlUnitOfWork()


def simple_unit_of_work() -> SimpleUnitOfWork:
    """The unit of work of the simple API (spec/004): every store, and its own."""
    from analytics.db.simple_unit_of_work import SqlSimpleUnitOfWork

    return SqlSimpleUnitOfWork()


def health() -> Health:
    """The service's health, probing the real database."""
    from analytics.db.schema_version import database_schema_version, head_version
    from analytics.services.health import check_health

    return check_health(database_schema_version, head_version())
