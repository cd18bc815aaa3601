"""Answers sized for Lambda: API Gateway takes at most 6 MB from a function. A large JSON answer goes to a
client that takes gzip compressed (figures written as JSON shrink about sixfold); one that would still be
too large is refused with a 400 that says how to ask for less, rather than failing in API Gateway as a 5xx.
"""

from __future__ import annotations

import base64
import gzip
import json
from http import HTTPStatus
from typing import Any

from analytics.static_site import accepts_gzip

LAMBDA_RESPONSE_BYTES = 6 * 1024 * 1024
# Room for the status, the headers and the escaping of the body in Lambda's JSON response.
BODY_BYTES = LAMBDA_RESPONSE_BYTES - 64 * 1024
COMPRESSED_FROM_BYTES = 256 * 1024
# Fast first; harder only for an answer that would not fit otherwise (about a fifth smaller, 3x the time).
GZIP_LEVELS = (1, 6)


def sized_for_lambda(result: dict[str, Any], accept_encoding: str | None) -> dict[str, Any]:
    """The handler's `result`, its body gzip-compressed when it is large and the client takes gzip, or a
    400 in its place when its body cannot be returned at all."""
    body = result.get("body")
    if not isinstance(body, str) or result.get("isBase64Encoded") or len(body) < COMPRESSED_FROM_BYTES:
        return result
    raw = body.encode()
    if accepts_gzip(accept_encoding):
        for level in GZIP_LEVELS:
            packed = base64.b64encode(gzip.compress(raw, compresslevel=level)).decode("ascii")
            if len(packed) <= BODY_BYTES:
                headers = {
                    **(result.get("headers") or {}),
                    "Content-Encoding": "gzip",
                    "Vary": "Accept-Encoding",
                }
                return {**result, "headers": headers, "body": packed, "isBase64Encoded": True}
    if len(raw) <= BODY_BYTES:
        return result
    return _too_large(result, len(raw), accepts_gzip(accept_encoding))


def _too_large(result: dict[str, Any], size: int, took_gzip: bool) -> dict[str, Any]:
    how = "" if took_gzip else "ask with Accept-Encoding: gzip, or "
    detail = (
        f"the answer is {size / 1e6:,.1f} MB of JSON, more than the {LAMBDA_RESPONSE_BYTES / 1e6:.0f} MB an "
        f"answer can be: {how}ask for less (a shorter period, a coarser interval, fewer group_by fields "
        "or a filter)"
    )
    return {
        "statusCode": HTTPStatus.BAD_REQUEST,
        "headers": {"Content-Type": "application/json"},
        "cookies": result.get("cookies") or [],
        "body": json.dumps({"detail": detail}),
        "isBase64Encoded": False,
    }
