"""Secrets Manager adapter."""

from __future__ import annotations

from analytics.aws.clients import client
from analytics.errors import Unavailable


def read_secret(secret_arn: str) -> str:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        response = client("secretsmanager").get_secret_value(SecretId=secret_arn)
    except (BotoCoreError, ClientError) as exc:
        raise Unavailable(f"cannot read the database secret {secret_arn}") from exc
    return str(response["SecretString"])
