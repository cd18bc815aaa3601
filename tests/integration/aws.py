"""AWS for integration tests: moto in-process (mock_aws) with the stack's bucket, reports queue, SES
sender and the settings that name them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from analytics.aws.clients import client
from analytics.settings import get_settings

REGION = "us-east-1"
BUCKET = "analytics-reports"
SENDER = "reports@example.org"
BUS = "analytics-bus"
SCHEDULER_ARN = f"arn:aws:lambda:{REGION}:{DEFAULT_ACCOUNT_ID}:function:analytics-scheduler"


@dataclass(frozen=True)
class Aws:
    queue_url: str
    events_url: str  # a queue that receives every event the service puts on its bus

    def queued_bodies(self) -> list[str]:
        sqs = boto3.client("sqs", region_name=REGION)
        messages = sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get("Messages", [])
        return [message["Body"] for message in messages]

    def bus_events(self) -> list[dict[str, Any]]:
        sqs = boto3.client("sqs", region_name=REGION)
        events = []
        while messages := sqs.receive_message(QueueUrl=self.events_url, MaxNumberOfMessages=10).get(
            "Messages"
        ):
            for message in messages:
                events.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=self.events_url, ReceiptHandle=message["ReceiptHandle"])
        return events

    def sent_emails(self) -> list[Any]:
        return list(ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages)

    def rule(self, name: str) -> dict[str, Any]:
        events = boto3.client("events", region_name=REGION)
        rule = events.describe_rule(Name=name)
        return {**rule, "Targets": events.list_targets_by_rule(Rule=name)["Targets"]}


def bus_listener() -> str:
    """The service's bus, with a rule that sends everything the service puts on it to a queue."""
    events = boto3.client("events", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    events.create_event_bus(Name=BUS)
    url = sqs.create_queue(QueueName="bus-events")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(
        Name="everything", EventBusName=BUS, EventPattern=json.dumps({"source": ["analytics-service"]})
    )
    events.put_targets(Rule="everything", EventBusName=BUS, Targets=[{"Id": "queue", "Arn": arn}])
    return url


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Aws]:
    for name, value in {
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        client.cache_clear()
        boto3.client("s3", region_name=REGION).create_bucket(Bucket=BUCKET)
        queue_url = boto3.client("sqs", region_name=REGION).create_queue(QueueName="analytics-reports")[
            "QueueUrl"
        ]
        boto3.client("ses", region_name=REGION).verify_email_identity(EmailAddress=SENDER)
        events_url = bus_listener()
        monkeypatch.setenv("REPORTS_BUCKET", BUCKET)
        monkeypatch.setenv("REPORTS_QUEUE_URL", queue_url)
        monkeypatch.setenv("REPORTS_EMAIL_SENDER", SENDER)
        monkeypatch.setenv("SCHEDULER_FUNCTION_ARN", SCHEDULER_ARN)
        monkeypatch.setenv("EVENT_BUS_NAME", BUS)
        get_settings.cache_clear()
        yield Aws(queue_url, events_url)
        client.cache_clear()
    get_settings.cache_clear()
