"""The composition root: which adapters the functions use. Tests may build their own."""

from __future__ import annotations

from analytics.ports import UnitOfWork


def unit_of_work() -> UnitOfWork:
    from analytics.db.unit_of_work import SqlUnitOfWork

    return SqlUnitOfWork()
