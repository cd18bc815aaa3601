"""On AWS the database credentials come from Secrets Manager (moto here)."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from analytics.aws.clients import client
from analytics.db.engine import resolve_database_url
from analytics.errors import Unavailable
from analytics.settings import Settings


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("DATABASE_URL")  # the secret is only read when no URL is given
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client.cache_clear()
    with mock_aws():
        yield boto3.client("secretsmanager")
    client.cache_clear()


def test_credentials_come_from_the_secret_and_host_from_the_proxy(aws) -> None:
    secret = {"username": "analytics", "password": "s3cret", "host": "cluster.internal", "port": 5432}
    arn = aws.create_secret(Name="analytics-db", SecretString=json.dumps(secret))["ARN"]

    url, connect_args = resolve_database_url(Settings(DB_SECRET_ARN=arn, DB_HOST="proxy.internal"))

    assert (url.username, url.password, url.host, url.port) == ("analytics", "s3cret", "proxy.internal", 5432)
    assert "ssl_context" in connect_args


def test_a_missing_secret_is_unavailable_not_a_crash(aws) -> None:
    with pytest.raises(Unavailable) as error:
        resolve_database_url(
            Settings(DB_SECRET_ARN="arn:aws:secretsmanager:us-east-1:123456789012:secret:nope")
        )
    assert "nope" in str(error.value)
