"""All configuration, read from environment variables once per container and validated."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from zoneinfo import available_timezones

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from analytics.enums import MetricType, ServiceName, SiblingService

# Each zone's local days cost the daily maintenance a pass over the new raw rows, and their storage.
MAX_ROLLUP_ZONES = 8


class SettingsError(RuntimeError):
    """A setting is missing or malformed; the message names the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=True, extra="ignore")

    # Database: an explicit URL, else a Secrets Manager secret (AWS), else the embedded server.
    DATABASE_URL: str | None = None
    DB_SECRET_ARN: str | None = None
    DB_HOST: str | None = Field(None, description="Overrides the secret's host, e.g. the RDS Proxy endpoint.")
    DB_POOL_SIZE: int = Field(2, ge=1, le=50)
    DB_SOCKET_TIMEOUT_SECONDS: int = Field(300, ge=1, description="Longest wait for the database to answer")
    LOCAL_DATA_DIR: Path = Path(".local")

    # AWS resources (boto3 reads AWS_ENDPOINT_URL itself).
    AWS_ENDPOINT_URL: str | None = None
    INGEST_QUEUE_URL: str | None = None
    INGEST_DLQ_URL: str | None = None
    REPORTS_BUCKET: str | None = None
    REPORTS_QUEUE_URL: str | None = None
    EVENT_BUS_NAME: str | None = None
    # The scheduler function: the target of every job's EventBridge rule, invoked for manual triggers.
    SCHEDULER_FUNCTION_ARN: str | None = None

    # Auth: API Gateway's JWT authorizer verifies tokens; handlers read the claims.
    REQUIRE_AUTH_FOR_READS: bool = False
    JWT_ISSUER: str = "analytics-local"
    JWT_AUDIENCE: str = "analytics-service"
    JWT_ROLES_CLAIM: str = "roles"

    # API limits.
    MAX_BULK_ITEMS: int = Field(1000, ge=1)
    MAX_DIMENSIONS: int = Field(64, ge=1, le=1000, description="Most keys in a metric's dimensions")
    # A dimension value is copied into the dimension rollups' unique index, whose rows PostgreSQL caps
    # at about 2.7 kB: 500 characters of up to 4 bytes stay below it beside the rest of the key.
    MAX_DIMENSION_VALUE_LENGTH: int = Field(
        256, ge=1, le=500, description="Longest text value of a dimension, in characters"
    )
    MAX_META_BYTES: int = Field(
        65536, ge=1024, description="Largest `meta` of a metric or `properties` of an event, as JSON"
    )

    # The simple API (spec/004) at the root: what its metrics are stored as, and its development deletes.
    SIMPLE_API_SERVICE_NAME: ServiceName = Field(
        ServiceName.EXTERNAL,
        description="service_name of metrics posted to POST /metrics; its reads see only these",
    )
    SIMPLE_API_METRIC_TYPE: MetricType = Field(
        MetricType.CUSTOM, description="metric_type of metrics posted to POST /metrics"
    )
    ENABLE_DEVELOPMENT_DELETES: bool = Field(
        False, description="Allow DELETE /metrics/{name} and DELETE /events (admin only); never in production"
    )

    # Sibling services (spec/000); ports are configuration, never hard-coded elsewhere.
    AUTH_SERVICE_URL: str = "http://localhost:8002"
    CONTENT_SERVICE_URL: str = "http://localhost:8003"
    PARTNERS_CRM_SERVICE_URL: str = "http://localhost:8005"
    PROJECTS_SERVICE_URL: str = "http://localhost:8006"
    SOCIAL_MEDIA_SERVICE_URL: str = "http://localhost:8007"
    NOTIFICATION_SERVICE_URL: str = "http://localhost:8008"

    # Data synchronisation.
    SYNC_ENABLED: bool = True
    SYNC_INTERVAL_MINUTES: int = Field(60, ge=1)
    SYNC_BATCH_SIZE: int = Field(1000, ge=1)
    SYNC_TIMEOUT_SECONDS: int = Field(300, ge=1)
    SYNC_MAX_RETRIES: int = Field(3, ge=0)
    SYNC_SERVICES: list[SiblingService] = Field(
        default_factory=lambda: list(SiblingService),
        description="The services aggregate-all and the hourly sync pull from (a JSON list)",
    )
    SYNC_EXPORT_PATH: str = Field(
        "/api/v1/analytics/export", description="The export endpoint every sibling service serves"
    )
    SYNC_REQUEST_TIMEOUT_SECONDS: float = Field(
        10, gt=0, description="Connect and read timeout of one request"
    )
    SYNC_BACKOFF_FACTOR: float = Field(0.5, ge=0, description="Retry n waits factor * 2**(n-1) seconds")
    SYNC_BACKOFF_MAX_SECONDS: float = Field(20, ge=0)
    SYNC_BACKOFF_JITTER_SECONDS: float = Field(0.5, ge=0, description="Up to this much random wait is added")
    SYNC_SERVICE_TOKEN: SecretStr | None = Field(
        None, description="Bearer token sent to sibling services (locally; on AWS see the secret below)"
    )
    SYNC_SERVICE_TOKEN_SECRET_ARN: str | None = Field(
        None, description="Secrets Manager secret holding the token; read once per container"
    )

    # Caching.
    CACHE_ENABLED: bool = True
    CACHE_TTL_SECONDS: int = Field(3600, ge=0)
    CACHE_METRICS_TTL_SECONDS: int = Field(300, ge=0)
    CACHE_DASHBOARD_TTL_SECONDS: int = Field(600, ge=0)

    # Reports: download links, e-mail, and the EventBridge rules of scheduled jobs.
    REPORT_DOWNLOAD_URL_EXPIRY_SECONDS: int = Field(
        900,
        ge=1,
        le=604800,
        description="Lifetime of the presigned URL GET /reports/{id}/download redirects to",
    )
    REPORT_EMAIL_LINK_EXPIRY_SECONDS: int = Field(
        86400,
        ge=1,
        le=604800,
        description="Lifetime of the link in a report e-mail (on Lambda also capped by its role's session)",
    )
    REPORTS_EMAIL_SENDER: str = Field(
        "reports@example.org", description="The From address of report e-mails; verified in SES"
    )
    GOAL_PROGRESS_MAX_AGE_SECONDS: int = Field(
        300, ge=0, description="A goal's stored progress older than this is computed again when read"
    )
    PUBLIC_API_URL: str | None = Field(
        None, description="The API's public base URL, for links in e-mails (e.g. https://api.example.org)"
    )
    JOB_RULE_PREFIX: str = Field(
        "analytics-job-", max_length=27, description="Name prefix of the EventBridge rules of scheduled jobs"
    )

    # Retention (three years by default).
    ANALYTICS_RETENTION_DAYS: int = Field(1095, ge=1)

    # The zones answers are mostly asked in: their local days are rolled up as UTC days are.
    ROLLUP_ZONES: str = Field(
        "",
        description="Comma-separated IANA time zones whose local days are rolled up (at most "
        f"{MAX_ROLLUP_ZONES}), e.g. America/New_York,Asia/Kolkata; other zones are merged from hours",
    )

    @property
    def rollup_zones(self) -> frozenset[str]:
        names = (name.strip() for name in self.ROLLUP_ZONES.split(","))
        return frozenset(name for name in names if name and name != "UTC")  # UTC days are rolled up anyway

    @field_validator("ROLLUP_ZONES")
    @classmethod
    def _known_zones(cls, value: str) -> str:
        names = [name.strip() for name in value.split(",") if name.strip()]
        unknown = sorted(set(names) - available_timezones() - {"UTC"})
        if unknown:
            raise ValueError(f"unknown time zones {unknown}: use IANA names such as Europe/Berlin")
        if len(set(names)) > MAX_ROLLUP_ZONES:
            raise ValueError(f"at most {MAX_ROLLUP_ZONES} zones")
        return value

    @field_validator("DATABASE_URL")
    @classmethod
    def _postgres_only(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(
            ("postgresql://", "postgresql+pg8000://", "postgres://")
        ):
            raise ValueError("must be a postgresql:// URL")
        return value


def load_settings() -> Settings:
    """Builds the settings, turning pydantic's error into one that names each bad variable."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise SettingsError(f"invalid configuration: {problems}") from exc


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
