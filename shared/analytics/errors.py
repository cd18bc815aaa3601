"""Domain errors, and the HTTP status of each (HTTP_STATUS, the one table the API and the dashboards' widget
errors read)."""

from http import HTTPStatus
from typing import Any


class DomainError(Exception):
    """Base class: the message is safe to show to the caller."""

    def __init__(self, detail: object) -> None:
        super().__init__(str(detail))
        self.detail = detail


class InvalidRequest(DomainError):
    """Well formed but makes no sense (end before start, ...): 400."""


class Unauthorized(DomainError):
    """No valid token where one is needed: 401."""


class Forbidden(DomainError):
    """A valid token without the needed role: 403."""


class NotFound(DomainError):
    """404."""


class Conflict(DomainError):
    """409."""


class Gone(DomainError):
    """It was there and is not any more, for good (a report's file that left the bucket): 410."""


class PayloadTooLarge(DomainError):
    """413."""


class RefusedByDatabase(DomainError):
    """Input that passed every check but that PostgreSQL cannot hold (a data exception, a constraint, a
    size limit): 422. Its detail gives the database's reason; retrying the same input never helps."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        self.errors: list[dict[str, Any]] = [
            {"loc": [], "msg": f"the database refused it: {reason}", "type": "database_refused"}
        ]
        super().__init__(self.errors)


class InvalidDashboardConfig(InvalidRequest):
    """A config that is well formed but names metrics the store does not hold. Its detail has the shape
    of a validation error's (loc, msg, type per problem), and the API answers it like one: 422."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        super().__init__(problems)


class ReportFailed(DomainError):
    """A report could not be rendered; the message says why (recorded on the report and its job run)."""


class Unavailable(DomainError):
    """A dependency (database, AWS) is unreachable for now: 503, the caller may retry."""


HTTP_STATUS: dict[type[DomainError], HTTPStatus] = {
    DomainError: HTTPStatus.INTERNAL_SERVER_ERROR,
    InvalidRequest: HTTPStatus.BAD_REQUEST,
    Unauthorized: HTTPStatus.UNAUTHORIZED,
    Forbidden: HTTPStatus.FORBIDDEN,
    NotFound: HTTPStatus.NOT_FOUND,
    Conflict: HTTPStatus.CONFLICT,
    Gone: HTTPStatus.GONE,
    PayloadTooLarge: HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
    InvalidDashboardConfig: HTTPStatus.UNPROCESSABLE_ENTITY,
    RefusedByDatabase: HTTPStatus.UNPROCESSABLE_ENTITY,
    ReportFailed: HTTPStatus.INTERNAL_SERVER_ERROR,
    Unavailable: HTTPStatus.SERVICE_UNAVAILABLE,
}


def http_status(error: DomainError) -> HTTPStatus:
    """The status of the error's own class, or of its nearest ancestor in HTTP_STATUS."""
    return next(HTTP_STATUS[cls] for cls in type(error).__mro__ if cls in HTTP_STATUS)
