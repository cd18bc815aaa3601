"""The PostgreSQL unit of work: one session, one transaction, driver errors turned into domain errors."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from analytics.db.dashboard_store import SqlDashboardStore
from analytics.db.engine import get_session_factory
from analytics.db.event_store import SqlEventStore
from analytics.db.goal_store import SqlGoalStore
from analytics.db.job_store import SqlJobStore
from analytics.db.metric_store import SqlMetricStore
from analytics.db.rejection_store import SqlRejectionStore
from analytics.db.report_store import SqlReportStore
from analytics.db.statistics_queries import SqlStatisticsReader
from analytics.db.sync_store import SqlSyncStore
from analytics.errors import RefusedByDatabase, Unavailable

# SQLSTATEs worth retrying: serialization failure, deadlock, lock timeout, statement timeout, and the
# server shutting down or refusing connections.
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03", "57014", "57P01", "57P02", "57P03", "53300"})

# SQLSTATE classes of errors caused by the data a statement was given: data exception, integrity
# constraint violation, program limit exceeded (a value too large for an index, say).
DATA_SQLSTATE_CLASSES = frozenset({"22", "23", "54"})


def _server_fields(exc: DBAPIError) -> dict[str, str]:
    details = exc.orig.args[0] if exc.orig is not None and exc.orig.args else None
    return details if isinstance(details, dict) else {}


def sqlstate(exc: DBAPIError) -> str | None:
    return _server_fields(exc).get("C")


def refused_data(exc: BaseException | None) -> RefusedByDatabase | None:
    """The domain error for a statement that failed because of the data it was given, else None."""
    if not isinstance(exc, DBAPIError) or (sqlstate(exc) or "")[:2] not in DATA_SQLSTATE_CLASSES:
        return None
    return RefusedByDatabase(_server_fields(exc).get("M") or str(exc.orig))


def is_transient(exc: BaseException | None) -> bool:
    """Whether a failure may pass if the same work is tried again later."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    return isinstance(exc, DBAPIError) and (
        exc.connection_invalidated or sqlstate(exc) in TRANSIENT_SQLSTATES
    )


class SqlUnitOfWork:
    def __enter__(self) -> SqlUnitOfWork:
        self._session: Session = get_session_factory()()
        self._session.begin()
        self.metrics = SqlMetricStore(self._session)
        self.events = SqlEventStore(self._session)
        self.rejections = SqlRejectionStore(self._session)
        self.statistics = SqlStatisticsReader(self._session)
        self.goals = SqlGoalStore(self._session)
        self.reports = SqlReportStore(self._session)
        self.jobs = SqlJobStore(self._session)
        self.syncs = SqlSyncStore(self._session)
        self.dashboards = SqlDashboardStore(self._session)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if exc is None:
                self._session.commit()
            else:
                self._session.rollback()
        except (OperationalError, InterfaceError) as db_error:
            raise Unavailable("the database is unavailable for now; try again shortly") from db_error
        finally:
            self._session.close()
        if is_transient(exc):
            raise Unavailable("the database is unavailable for now; try again shortly") from exc
        refused = refused_data(exc)
        if refused is not None:
            raise refused from exc
