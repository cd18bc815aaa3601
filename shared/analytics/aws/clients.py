"""Cached boto3 clients; boto3 is imported only when a client is first needed."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=None)
def client(service_name: str) -> Any:
    import boto3

    return boto3.client(service_name)
