"""Cached boto3 clients; boto3 is imported only when a client is first needed."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def client(service_name: str) -> Any:
    import boto3

    return boto3.client(service_name)  # type: ignore[call-overload]
