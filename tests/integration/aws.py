"""AWS for integration tests: moto in-process (mock_aws) with the stack's bucket, reports queue, SES
sender and the settings that name them."""

from __future__ import annotations

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
SCHEDULER_ARN = f"arn:aws:lambda:{REGION}:{DEFAULT_ACCOUNT_ID}:function:analytics-scheduler"


@dataclass(frozen=True)
class Aws:
    queue_url: str

    def queued_bodies(self) -> list[str]:
        sqs = boto3.client("sqs", region_name=REGION)
        messages = sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get("Messages", [])
        return [message["Body"] for message in messages]

    def sent_emails(self) -> list[Any]:
        return list(ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages)

    def rule(self, name: str) -> dict[str, Any]:
        events = boto3.client("events", region_name=REGION)
        rule = events.describe_rule(Name=name)
        return {**rule, "Targets": events.list_targets_by_rule(Rule=name)["Targets"]}


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
        monkeypatch.setenv("REPORTS_BUCKET", BUCKET)
        monkeypatch.setenv("REPORTS_QUEUE_URL", queue_url)
        monkeypatch.setenv("REPORTS_EMAIL_SENDER", SENDER)
        monkeypatch.setenv("SCHEDULER_FUNCTION_ARN", SCHEDULER_ARN)
        get_settings.cache_clear()
        yield Aws(queue_url)
        client.cache_clear()
    get_settings.cache_clear()
