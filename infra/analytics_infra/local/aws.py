"""AWS on loopback: moto's server, and in it the stack's queue, dead-letter queue, bucket and bus under
the names the CDK stack uses."""

from __future__ import annotations

import json
import logging
import socket
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
    its SQS sped up for backlogs of thousands of messages."""

    def __init__(self, port: int = 0) -> None:
        from moto.server import ThreadedMotoServer

        from analytics_infra.local.moto_sqs import speed_up_sqs

        if port:
            _ensure_free(port)
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per AWS call
        speed_up_sqs()
        self._server = ThreadedMotoServer(ip_address=HOST, port=port, verbose=False)

    def start(self) -> str:
        self._server.start()
        host, port = self._server.get_host_and_port()
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self._server.stop()


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


def _ensure_free(port: int) -> None:
    # moto's thread would wait forever on a port it cannot bind, so check first.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((HOST, port))
        except OSError as exc:
            raise LocalRunnerError(f"AWS port {port} is already in use: pick another --aws-port") from exc
