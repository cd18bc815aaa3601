"""Cached boto3 clients; boto3 is imported only when a client is first needed."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def client(service_name: str) -> Any:
    import boto3
    from botocore.config import Config

    # Presigned S3 URLs must be SigV4: S3 no longer accepts SigV2 in most regions.
    config = Config(signature_version="s3v4") if service_name == "s3" else None
    return boto3.client(service_name, config=config)  # type: ignore[call-overload]
