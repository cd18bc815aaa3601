"""Domain errors. Handlers map them to HTTP statuses in one place (analytics.http)."""


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


class Unavailable(DomainError):
    """A dependency (database, AWS) is unreachable for now: 503, the caller may retry."""
