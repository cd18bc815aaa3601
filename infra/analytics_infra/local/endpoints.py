"""`<data-dir>/endpoints.json`: every URL of a running `up`, for people, tests and the commands that talk
to it (`trigger`, `redrive`). Written when `up` is ready, removed when it stops."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import boto3
from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

from analytics_infra.local.errors import LocalRunnerError

T = TypeVar("T")

ENDPOINTS_FILE = "endpoints.json"


def write_endpoints(path: Path, content: dict[str, Any]) -> None:
    # Written whole then renamed, so whoever waits for the file never reads half of it.
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
    partial.replace(path)


def read_endpoints(data_dir: Path) -> dict[str, Any]:
    """The endpoints of the `up` running on `data_dir`; a clear error when none is."""
    path = data_dir / ENDPOINTS_FILE
    start_it = f"start it first: analytics-local up --data-dir {data_dir}"
    try:
        endpoints: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise LocalRunnerError(
            f"analytics-local up is not running on {data_dir} (no {path}): {start_it}"
        ) from exc
    except (OSError, ValueError) as exc:
        raise LocalRunnerError(f"cannot read {path}: {exc}") from exc
    if not _alive(endpoints.get("pid")):
        raise LocalRunnerError(
            f"analytics-local up is not running on {data_dir} (its {ENDPOINTS_FILE} is left from a run "
            f"that did not stop cleanly): {start_it}"
        )
    return endpoints


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def aws_session(endpoints: dict[str, Any]) -> boto3.Session:
    """A session with the dummy credentials the running `up`'s moto and Lambda API accept."""
    return boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=endpoints["aws_region"]
    )


def talking_to(data_dir: Path, call: Callable[[], T]) -> T:
    """`call`'s answer; a clear error when the running `up` does not answer or refuses the request."""
    try:
        return call()
    except EndpointConnectionError as exc:
        raise LocalRunnerError(
            f"analytics-local up on {data_dir} does not answer ({exc}): start it with "
            f"analytics-local up --data-dir {data_dir}"
        ) from exc
    except (BotoCoreError, ClientError) as exc:
        raise LocalRunnerError(f"the running analytics-local up failed the request: {exc}") from exc
