"""The PostgreSQL unit of work of the simple API: the stores of every unit of work, and its own."""

from __future__ import annotations

from analytics.db.simple_store import SqlSimpleStore
from analytics.db.unit_of_work import SqlUnitOfWork


class SqlSimpleUnitOfWork(SqlUnitOfWork):
    def __enter__(self) -> SqlSimpleUnitOfWork:
        super().__enter__()
        self.simple = SqlSimpleStore(self._session)
        return self
