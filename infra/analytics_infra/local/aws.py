"""AWS on loopback: moto's server, and in it the stack's queues, dead-letter queues, bucket, bus, SES
sender and schedule rules under the names the CDK stack uses."""

from __future__ import annotations

import errno
import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import boto3

from analytics.settings import Settings
from analytics_infra import resources
from analytics_infra.local.errors import LocalRunnerError
from analytics_infra.local.functions import function_arn
from analytics_infra.local.rules import SCHEDULER_FUNCTION, put_builtin_rules
from analytics_infra.timetable import scheduled_tasks

if TYPE_CHECKING:
    from moto.s3.models import S3Backend
    from mypy_boto3_sqs import SQSClient

HOST = "127.0.0.1"
REGION = "us-east-1"
# Far below the stack's minutes, so a message a function failed comes back within seconds. The report
# worker renders one report per message: its messages get a little longer than ingest's.
INGEST_VISIBILITY_TIMEOUT_SECONDS = 5
REPORTS_VISIBILITY_TIMEOUT_SECONDS = 10

# Dummy credentials: nothing the runner starts can reach a real AWS account.
CREDENTIALS = {
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


@dataclass(frozen=True)
class AwsResources:
    endpoint_url: str
    lambda_endpoint_url: str
    ingest_queue_url: str
    dlq_url: str
    reports_queue_url: str
    reports_dlq_url: str
    bucket: str
    event_bus: str
    email_sender: str
    schedule_rules: tuple[str, ...]

    @property
    def scheduler_function_arn(self) -> str:
        return function_arn(SCHEDULER_FUNCTION)

    def environment(self) -> dict[str, str]:
        """The variables the functions read (analytics.settings), as the stack sets them on AWS; boto3
        sends Lambda's calls to the local Invoke API and everything else to moto."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_ENDPOINT_URL_LAMBDA": self.lambda_endpoint_url,
            "INGEST_QUEUE_URL": self.ingest_queue_url,
            "INGEST_DLQ_URL": self.dlq_url,
            "REPORTS_QUEUE_URL": self.reports_queue_url,
            "REPORTS_BUCKET": self.bucket,
            "EVENT_BUS_NAME": self.event_bus,
            "SCHEDULER_FUNCTION_ARN": self.scheduler_function_arn,
        }


class MotoServer:
    """moto's server in a thread of this process, on 127.0.0.1 (a free port unless one is given), with
    its SQS sped up for backlogs of thousands of messages and S3's expiry of presigned URLs enforced.
    Built as moto's ThreadedMotoServer builds it, with the middleware around moto's application."""

    def __init__(self, port: int = 0, *, clock: Callable[[], float] = time.time) -> None:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        from analytics_infra.local.moto_sqs import speed_up_sqs
        from analytics_infra.local.presigned import ExpiredPresignedUrls

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per AWS call
        speed_up_sqs()
        app = ExpiredPresignedUrls(DomainDispatcherApplication(create_backend_app), clock=clock)
        # werkzeug exits the process when it cannot bind, so it is handed a socket bound here.
        with _listening(port) as listener:
            self._server = make_server(
                HOST, port, app, threaded=True, request_handler=MotoRequestHandler, fd=listener.fileno()
            )
        self._thread = threading.Thread(target=self._server.serve_forever, name="moto", daemon=True)

    def start(self) -> str:
        self._thread.start()
        return f"http://{HOST}:{self._server.port}"

    @staticmethod
    def s3_backend() -> S3Backend:
        """moto's S3 in this process: the buckets of every request signed with the runner's dummy
        credentials, which moto files under its default account."""
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.s3.models import s3_backends

        return s3_backends[DEFAULT_ACCOUNT_ID]["aws"]

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()


def create_resources(endpoint_url: str, settings: Settings, *, lambda_endpoint_url: str) -> AwsResources:
    """Creates the stack's resources in a fresh moto server: each queue redrives to its DLQ like on AWS,
    SES accepts the reports' sender (moto refuses unverified ones) and the default bus holds the
    stack's schedule rules, targeting the local scheduler."""
    sqs = boto3.client("sqs", endpoint_url=endpoint_url, region_name=REGION)
    ingest_queue_url, ingest_dlq_url = _queue_with_dlq(
        sqs,
        resources.INGEST_QUEUE,
        resources.INGEST_DLQ,
        max_receives=resources.INGEST_MAX_RECEIVES,
        visibility_timeout=INGEST_VISIBILITY_TIMEOUT_SECONDS,
    )
    reports_queue_url, reports_dlq_url = _queue_with_dlq(
        sqs,
        resources.REPORTS_QUEUE,
        resources.REPORTS_DLQ,
        max_receives=resources.REPORTS_MAX_RECEIVES,
        visibility_timeout=REPORTS_VISIBILITY_TIMEOUT_SECONDS,
    )
    boto3.client("s3", endpoint_url=endpoint_url, region_name=REGION).create_bucket(
        Bucket=resources.REPORTS_BUCKET
    )
    boto3.client("ses", endpoint_url=endpoint_url, region_name=REGION).verify_email_identity(
        EmailAddress=settings.REPORTS_EMAIL_SENDER
    )
    events = boto3.client("events", endpoint_url=endpoint_url, region_name=REGION)
    events.create_event_bus(Name=resources.EVENT_BUS)
    rules = put_builtin_rules(events, scheduled_tasks(settings.SYNC_INTERVAL_MINUTES))
    return AwsResources(
        endpoint_url=endpoint_url,
        lambda_endpoint_url=lambda_endpoint_url,
        ingest_queue_url=ingest_queue_url,
        dlq_url=ingest_dlq_url,
        reports_queue_url=reports_queue_url,
        reports_dlq_url=reports_dlq_url,
        bucket=resources.REPORTS_BUCKET,
        event_bus=resources.EVENT_BUS,
        email_sender=settings.REPORTS_EMAIL_SENDER,
        schedule_rules=tuple(rules),
    )


def _listening(port: int) -> socket.socket:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((HOST, port))
        listener.listen(128)
    except OSError as exc:
        listener.close()
        if exc.errno == errno.EADDRINUSE:
            raise LocalRunnerError(f"AWS port {port} is already in use: pick another --aws-port") from exc
        raise LocalRunnerError(f"cannot listen on {HOST}:{port} for AWS: {exc.strerror}") from exc
    return listener


def _queue_with_dlq(
    sqs: SQSClient, name: str, dlq_name: str, *, max_receives: int, visibility_timeout: int
) -> tuple[str, str]:
    """The queue's and its dead-letter queue's URLs."""
    dlq_url = sqs.create_queue(QueueName=dlq_name)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receives)}
    queue_url = sqs.create_queue(
        QueueName=name,
        Attributes={"RedrivePolicy": json.dumps(redrive), "VisibilityTimeout": str(visibility_timeout)},
    )["QueueUrl"]
    return queue_url, dlq_url
