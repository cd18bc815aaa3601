"""Domain errors. Handlers map them to HTTP statuses in one place (analytics.http)."""

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


class Unavailable(DomainError):
    """A dependency (database, AWS) is unreachable for now: 503, the caller may retry."""
