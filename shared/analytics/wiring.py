"""The composition root: which adapters the functions use. Tests may build their own."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from analytics.ports import UnitOfWork

if TYPE_CHECKING:
    from analytics.enums import SiblingService
    from analytics.report_ports import GoalAlerting, JobLauncher, JobRules, Mailer, ReportFiles, ReportQueue
    from analytics.services.health import Health
    from analytics.simple_ports import SimpleUnitOfWork
    from analytics.sync.ports import ExportPageSource, SyncLauncher


def unit_of_work() -> UnitOfWork:
    from analytics.db.unit_of_work import SqlUnitOfWork

    return SqlUnitOfWork()


def simple_unit_of_work() -> SimpleUnitOfWork:
    """The unit of work of the simple API (spec/004): every store, and its own."""
    from analytics.db.simple_unit_of_work import SqlSimpleUnitOfWork

    return SqlSimpleUnitOfWork()


def health() -> Health:
    """The service's health, probing the real database."""
    from analytics.db.schema_version import database_schema_version, head_version
    from analytics.services.health import check_health

    return check_health(database_schema_version, head_version())


def _setting(name: str) -> str:
    """A resource name the stack sets on the functions that use it."""
    from analytics.errors import Unavailable
    from analytics.settings import get_settings

    value = getattr(get_settings(), name)
    if not value:
        raise Unavailable(f"{name} is not set: this function is not wired to that resource")
    return str(value)


def report_files() -> ReportFiles:
    from analytics.aws.report_files import S3ReportFiles

    return S3ReportFiles(_setting("REPORTS_BUCKET"))


def report_queue() -> ReportQueue:
    from analytics.aws.report_queue import SqsReportQueue

    return SqsReportQueue(_setting("REPORTS_QUEUE_URL"))


def mailer() -> Mailer:
    from analytics.aws.mailer import SesMailer

    return SesMailer()


def goal_alerting() -> GoalAlerting:
    from analytics.aws.goal_events import EventBridgeGoalEvents
    from analytics.report_ports import GoalAlerting
    from analytics.settings import get_settings

    events = EventBridgeGoalEvents(_setting("EVENT_BUS_NAME"))
    return GoalAlerting(events=events, mailer=mailer(), sender=get_settings().REPORTS_EMAIL_SENDER)


def job_rules() -> JobRules:
    from analytics.aws.job_rules import EventBridgeJobRules
    from analytics.settings import get_settings

    return EventBridgeJobRules(
        prefix=get_settings().JOB_RULE_PREFIX, scheduler_arn=_setting("SCHEDULER_FUNCTION_ARN")
    )


def job_launcher() -> JobLauncher:
    from analytics.aws.job_launcher import LambdaJobLauncher

    return LambdaJobLauncher(_setting("SCHEDULER_FUNCTION_ARN"))


def sync_launcher() -> SyncLauncher:
    from analytics.sync.launcher import LambdaSyncLauncher

    return LambdaSyncLauncher(_setting("SCHEDULER_FUNCTION_ARN"))


@lru_cache(maxsize=4)
def _token_in_secret(secret_arn: str) -> str:
    """The secret's string: the token itself, or a JSON object with a `token` field."""
    import json

    from analytics.aws.secrets import read_secret
    from analytics.errors import Unavailable

    try:
        value = read_secret(secret_arn)
    except Unavailable as exc:
        raise Unavailable(f"cannot read the sync token's secret {secret_arn}") from exc
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        return value.strip()
    return str(parsed["token"]) if isinstance(parsed, dict) and "token" in parsed else value.strip()


def sync_token() -> str | None:
    """The bearer token sent to sibling services: SYNC_SERVICE_TOKEN, else the secret's (read once)."""
    from analytics.settings import get_settings

    settings = get_settings()
    if settings.SYNC_SERVICE_TOKEN is not None:
        return settings.SYNC_SERVICE_TOKEN.get_secret_value()
    if settings.SYNC_SERVICE_TOKEN_SECRET_ARN:
        return _token_in_secret(settings.SYNC_SERVICE_TOKEN_SECRET_ARN)
    return None


def export_source(service: SiblingService) -> ExportPageSource:
    """A sibling service's export over HTTP, with the SYNC_* client settings."""
    from analytics.services.sync import service_url
    from analytics.settings import get_settings
    from analytics.sync.client import ClientOptions, ExportClient, ServiceClient

    settings = get_settings()
    options = ClientOptions(
        timeout_seconds=settings.SYNC_REQUEST_TIMEOUT_SECONDS,
        max_retries=settings.SYNC_MAX_RETRIES,
        backoff_factor=settings.SYNC_BACKOFF_FACTOR,
        backoff_max_seconds=settings.SYNC_BACKOFF_MAX_SECONDS,
        backoff_jitter_seconds=settings.SYNC_BACKOFF_JITTER_SECONDS,
    )
    client = ServiceClient(service_url(settings, service), token=sync_token(), options=options)
    return ExportClient(client, settings.SYNC_EXPORT_PATH)
