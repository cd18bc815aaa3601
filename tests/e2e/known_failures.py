"""Causes of fuzzer failures that issue 21 fixes in other changes than the OpenAPI document's.

Each is recognised by the request that shows it, never by the operation alone, so a new failure of the same
operation is still caught. When a fix lands its cause matches nothing; delete it then.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.e2e.fuzz import Failure, KnownCause


def _json(failure: Failure) -> Any:
    try:
        return json.loads(failure.request_body)
    except ValueError:
        return None


def _not_utf8(failure: Failure) -> bool:
    try:
        failure.request_body.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _not_json_content_type(failure: Failure) -> bool:
    media_type = failure.content_type.split(";")[0].strip().lower()
    return bool(failure.request_body) and media_type not in ("", "application/json")


def _strings(value: Any) -> Any:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _nul_in_body(failure: Failure) -> bool:
    return any("\x00" in text for text in _strings(_json(failure)))


def _non_finite(failure: Failure) -> bool:
    """NaN or ±Infinity anywhere in the body (Python's JSON reader takes them)."""
    try:
        body = json.loads(failure.request_body, parse_constant=lambda name: math.nan)
    except ValueError:
        return False

    def walk(value: Any) -> bool:
        if isinstance(value, float):
            return not math.isfinite(value)
        if isinstance(value, dict):
            return any(walk(item) for item in value.values())
        if isinstance(value, list):
            return any(walk(item) for item in value)
        return False

    return walk(body)


def _job_update_with_nulls(failure: Failure) -> bool:
    body = _json(failure)
    return (
        failure.method == "PUT"
        and re.fullmatch(r"/api/v1/jobs/[^/]+", failure.operation.split(" ", 1)[1]) is not None
        and isinstance(body, dict)
        and any(value is None for value in body.values())
    )


_FAR_OFFSET = re.compile(r"[+-](1[6-9]|[2-9]\d):?\d\d(?!\d)")


def _far_utc_offset(failure: Failure) -> bool:
    """A timestamp whose UTC offset is beyond ±15:59, in the query or the body."""
    texts = [*_strings(_json(failure)), failure.uri]
    return any(re.search(r"T\d\d:\d\d", text) and _FAR_OFFSET.search(text) for text in texts)


# The issue saw group_by fail from about 90 dimension keys; fewer than this are not its cause.
MANY_GROUP_BY_KEYS = 64


def _many_group_by_keys(failure: Failure) -> bool:
    query = parse_qsl(urlsplit(failure.uri).query, keep_blank_values=True)
    names = [name for key, value in query if key == "group_by" for name in value.split(",")]
    return sum(name.strip().startswith("dimensions.") for name in names) >= MANY_GROUP_BY_KEYS


def _runner_method(failure: Failure) -> bool:
    return failure.method in ("HEAD", "OPTIONS", "TRACE")


KNOWN_CAUSES: tuple[KnownCause, ...] = (
    KnownCause("body not valid UTF-8", _not_utf8),
    KnownCause("body of an unsupported Content-Type (to be 415)", _not_json_content_type),
    KnownCause("NUL character in a body", _nul_in_body),
    KnownCause("NaN or Infinity in a body", _non_finite),
    KnownCause("PUT /api/v1/jobs/{id} with explicit nulls", _job_update_with_nulls),
    KnownCause("UTC offset beyond ±15:59", _far_utc_offset),
    KnownCause(f"group_by with {MANY_GROUP_BY_KEYS} or more dimension keys", _many_group_by_keys),
    KnownCause("local runner: HEAD, OPTIONS or TRACE", _runner_method),
)
