"""The stack's settings from CDK context (`cdk.json`, or `-c name=value` on the command line)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from constructs import Node

TRUE_WORDS = {"true", "1", "yes"}
FALSE_WORDS = {"false", "0", "no"}
# One address, no display name: it becomes part of an SES identity ARN in the functions' policies.
EMAIL_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _as_bool(name: str, value: object) -> bool:
    """Context from cdk.json is JSON (a bool); from `-c name=value` it is a string."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS | FALSE_WORDS:
        return word in TRUE_WORDS
    raise ValueError(f"context {name} must be true or false, got {value!r}")


def _as_positive_int(name: str, value: object) -> int:
    try:
        number = int(str(value))
    except ValueError:
        raise ValueError(f"context {name} must be a positive whole number, got {value!r}") from None
    if number < 1:
        raise ValueError(f"context {name} must be a positive whole number, got {value!r}")
    return number


def _as_email_address(name: str, value: object) -> str:
    address = str(value).strip()
    if not EMAIL_ADDRESS.fullmatch(address):
        raise ValueError(
            f"context {name} must be one e-mail address such as reports@example.org, got {value!r}"
        )
    return address


@dataclass(frozen=True)
class StackConfig:
    """Defaults here apply when the context lacks a value (cdk.json repeats them for visibility)."""

    jwt_issuer: str = "https://auth.example.org"
    jwt_audience: str = "analytics-service"
    require_auth_for_reads: bool = False
    deletion_protection: bool = True
    reports_expiry_days: int = 30
    log_level: str = "INFO"
    # The From address of report e-mails; SES must have it (or its domain) verified.
    reports_email_sender: str = "reports@example.org"
    # How often the scheduler pulls from the sibling services (spec/000's SYNC_INTERVAL_MINUTES).
    sync_interval_minutes: int = 60

    @classmethod
    def from_context(cls, node: Node) -> StackConfig:
        def get(name: str, default: object) -> object:
            value = node.try_get_context(name)
            return default if value is None else value

        defaults = cls()
        return cls(
            jwt_issuer=str(get("jwtIssuer", defaults.jwt_issuer)),
            jwt_audience=str(get("jwtAudience", defaults.jwt_audience)),
            require_auth_for_reads=_as_bool(
                "requireAuthForReads", get("requireAuthForReads", defaults.require_auth_for_reads)
            ),
            deletion_protection=_as_bool(
                "deletionProtection", get("deletionProtection", defaults.deletion_protection)
            ),
            reports_expiry_days=_as_positive_int(
                "reportsExpiryDays", get("reportsExpiryDays", defaults.reports_expiry_days)
            ),
            log_level=str(get("logLevel", defaults.log_level)).upper(),
            reports_email_sender=_as_email_address(
                "reportsEmailSender", get("reportsEmailSender", defaults.reports_email_sender)
            ),
            sync_interval_minutes=_as_positive_int(
                "syncIntervalMinutes", get("syncIntervalMinutes", defaults.sync_interval_minutes)
            ),
        )
