"""The composition root: which adapters the functions use. Tests may build their own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from analytics.ports import UnitOfWork

if TYPE_CHECKING:
    from analytics.report_ports import JobLauncher, JobRules, Mailer, ReportFiles, ReportQueue
    from analytics.services.health import Health
    from analytics.simple_ports import SimpleUnitOfWork


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


def job_rules() -> JobRules:
    from analytics.aws.job_rules import EventBridgeJobRules
    from analytics.settings import get_settings

    return EventBridgeJobRules(
        prefix=get_settings().JOB_RULE_PREFIX, scheduler_arn=_setting("SCHEDULER_FUNCTION_ARN")
    )


def job_launcher() -> JobLauncher:
    from analytics.aws.job_launcher import LambdaJobLauncher

    return LambdaJobLauncher(_setting("SCHEDULER_FUNCTION_ARN"))
