"""The stack's settings from CDK context (`cdk.json`, or `-c name=value` on the command line)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from zoneinfo import available_timezones

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


SIBLING_SERVICES = ("auth", "content", "partners_crm", "projects", "social_media", "notification")


def _as_service_urls(name: str, value: object) -> dict[str, str]:
    """A JSON object of sibling service to base URL, e.g. {"partners_crm": "https://crm.internal"}."""
    parsed = json.loads(value) if isinstance(value, str) else value
    if not isinstance(parsed, dict) or not all(isinstance(url, str) for url in parsed.values()):
        raise ValueError(f"context {name} must be an object of service name to URL, got {value!r}")
    unknown = set(parsed) - set(SIBLING_SERVICES)
    if unknown:
        raise ValueError(
            f"context {name} names unknown services {sorted(unknown)}; known: {SIBLING_SERVICES}"
        )
    bad = [url for url in parsed.values() if not url.startswith(("http://", "https://"))]
    if bad:
        raise ValueError(f"context {name} must hold http(s) URLs, got {bad}")
    return dict(parsed)


def _as_zones(name: str, value: object) -> str:
    """IANA zone names, as a list or one comma-separated string; passed on as ROLLUP_ZONES."""
    names = value if isinstance(value, list) else str(value).split(",")
    zones = [str(zone).strip() for zone in names if str(zone).strip()]
    unknown = sorted(set(zones) - available_timezones())
    if unknown:
        raise ValueError(
            f"context {name} names unknown time zones {unknown}; use IANA names such as Europe/Berlin"
        )
    return ",".join(zones)


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
    # Pull-sync: the sibling services' base URLs (unnamed ones keep the settings' defaults), the page
    # size asked for, and a sync round's time budget (the scheduler's timeout follows it).
    sync_service_urls: dict[str, str] = field(default_factory=dict)
    sync_batch_size: int = 1000
    sync_timeout_seconds: int = 300
    # The zones the organisation reads its answers in, whose local days are rolled up like UTC days.
    rollup_zones: str = ""

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
            sync_service_urls=_as_service_urls("syncServiceUrls", get("syncServiceUrls", {})),
            sync_batch_size=_as_positive_int("syncBatchSize", get("syncBatchSize", defaults.sync_batch_size)),
            sync_timeout_seconds=_as_positive_int(
                "syncTimeoutSeconds", get("syncTimeoutSeconds", defaults.sync_timeout_seconds)
            ),
            rollup_zones=_as_zones("rollupZones", get("rollupZones", defaults.rollup_zones)),
        )
