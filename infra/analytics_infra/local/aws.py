"""AWS on loopback: moto's server, and in it the stack's queue, dead-letter queue, bucket and bus under
the names the CDK stack uses."""

from __future__ import annotations

import errno
import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import boto3

from analytics_infra import resources
from analytics_infra.local.errors import LocalRunnerError

HOST = "127.0.0.1"
REGION = "us-east-1"
# Far below the stack's six minutes, so a message the ingest function failed comes back within seconds.
INGEST_VISIBILITY_TIMEOUT_SECONDS = 5

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
    ingest_queue_url: str
    dlq_url: str
    bucket: str
    event_bus: str

    def environment(self) -> dict[str, str]:
        """The variables the functions read (analytics.settings), as the stack sets them on AWS."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "INGEST_QUEUE_URL": self.ingest_queue_url,
            "INGEST_DLQ_URL": self.dlq_url,
            "REPORTS_BUCKET": self.bucket,
            "EVENT_BUS_NAME": self.event_bus,
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

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()


def create_resources(endpoint_url: str) -> AwsResources:
    """Creates the stack's resources in a fresh moto server; the queue redrives to the DLQ like on AWS."""
    sqs = boto3.client("sqs", endpoint_url=endpoint_url, region_name=REGION)
    dlq_url = sqs.create_queue(QueueName=resources.INGEST_DLQ)["QueueUrl"]
    dlq_attributes = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]
    dlq_arn = dlq_attributes["QueueArn"]
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(resources.INGEST_MAX_RECEIVES)}
    queue_url = sqs.create_queue(
        QueueName=resources.INGEST_QUEUE,
        Attributes={
            "RedrivePolicy": json.dumps(redrive),
            "VisibilityTimeout": str(INGEST_VISIBILITY_TIMEOUT_SECONDS),
        },
    )["QueueUrl"]
    boto3.client("s3", endpoint_url=endpoint_url, region_name=REGION).create_bucket(
        Bucket=resources.REPORTS_BUCKET
    )
    boto3.client("events", endpoint_url=endpoint_url, region_name=REGION).create_event_bus(
        Name=resources.EVENT_BUS
    )
    return AwsResources(endpoint_url, queue_url, dlq_url, resources.REPORTS_BUCKET, resources.EVENT_BUS)


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
