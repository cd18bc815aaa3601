"""The stack's settings from CDK context (`cdk.json`, or `-c name=value` on the command line)."""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Node

TRUE_WORDS = {"true", "1", "yes"}
FALSE_WORDS = {"false", "0", "no"}


def _as_bool(name: str, value: object) -> bool:
    """Context from cdk.json is JSON (a bool); from `-c name=value` it is a string."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS | FALSE_WORDS:
        return word in TRUE_WORDS
    raise ValueError(f"context {name} must be true or false, got {value!r}")


def _as_positive_int(name: str, value: object) -> int:
    number = int(str(value))
    if number < 1:
        raise ValueError(f"context {name} must be a positive whole number, got {value!r}")
    return number


@dataclass(frozen=True)
class StackConfig:
    """Defaults here apply when the context lacks a value (cdk.json repeats them for visibility)."""

    jwt_issuer: str = "https://auth.example.org"
    jwt_audience: str = "analytics-service"
    require_auth_for_reads: bool = False
    deletion_protection: bool = True
    reports_expiry_days: int = 30
    log_level: str = "INFO"

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
        )
