"""S3's check of a presigned URL's expiry, which moto's server leaves out (it downloads a two-second URL
long after it expired): WSGI middleware in front of moto that answers an S3 request past its expiry the
way S3 does, 403 AccessDenied "Request has expired", and passes everything else through."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

MAX_EXPIRES_SECONDS = 604800  # SigV4 presigned URLs live at most a week
AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class S3Error:
    status: str
    code: str
    message: str
    details: tuple[tuple[str, str], ...] = ()

    def body(self, request_id: str, host_id: str) -> bytes:
        fields = [("Code", self.code), ("Message", self.message), *self.details]
        fields += [("RequestId", request_id), ("HostId", host_id)]
        inner = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in fields)
        return f'<?xml version="1.0" encoding="UTF-8"?>\n<Error>{inner}</Error>'.encode()


def presigned_error(query: Mapping[str, list[str]], now: float) -> S3Error | None:
    """S3's answer to a presigned request with this query string at `now` (epoch seconds), or None when
    it is not a presigned S3 request or is still valid. SigV4 (X-Amz-Date + X-Amz-Expires, scope
    `.../s3/aws4_request`) and the legacy SigV2 form (Expires, an epoch second, beside Signature and
    AWSAccessKeyId) that boto3 still produces for S3 unless told `signature_version="s3v4"`."""
    if "X-Amz-Date" in query and "X-Amz-Expires" in query:
        if _scope_service(query) != "s3":
            return None
        return _sigv4_error(_first(query, "X-Amz-Date"), _first(query, "X-Amz-Expires"), now)
    if {"Expires", "Signature", "AWSAccessKeyId"} <= query.keys():
        return _sigv2_error(_first(query, "Expires"), now)
    return None


class ExpiredPresignedUrls:
    """Wraps moto's WSGI application; `clock` (epoch seconds) is replaceable in tests."""

    def __init__(self, app: WSGIApplication, *, clock: Callable[[], float] = time.time) -> None:
        self._app = app
        self._clock = clock

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        query = environ.get("QUERY_STRING", "")
        error = presigned_error(parse_qs(query, keep_blank_values=True), self._clock()) if query else None
        if error is None:
            return self._app(environ, start_response)
        request_id = uuid.uuid4().hex[:16].upper()
        host_id = uuid.uuid4().hex
        body = error.body(request_id, host_id)
        start_response(
            error.status,
            [
                ("Content-Type", "application/xml"),
                ("Content-Length", str(len(body))),
                ("x-amz-request-id", request_id),
                ("x-amz-id-2", host_id),
            ],
        )
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]


def _sigv4_error(amz_date: str, expires: str, now: float) -> S3Error | None:
    try:
        signed_at = datetime.strptime(amz_date, AMZ_DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return _query_parameters_error(
            "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""
        )
    if not expires.isdigit():
        return _query_parameters_error("X-Amz-Expires should be a number")
    seconds = int(expires)
    if seconds > MAX_EXPIRES_SECONDS:
        return _query_parameters_error(
            f"X-Amz-Expires must be less than a week (in seconds) that is {MAX_EXPIRES_SECONDS}"
        )
    expires_at = signed_at.timestamp() + seconds
    if now <= expires_at:
        return None
    return _expired((("X-Amz-Expires", expires), ("Expires", _iso(expires_at)), ("ServerTime", _iso(now))))


def _sigv2_error(expires: str, now: float) -> S3Error | None:
    if not expires.isdigit():
        return S3Error("403 Forbidden", "AccessDenied", "Invalid date (should be seconds since epoch)")
    expires_at = int(expires)
    if now <= expires_at:
        return None
    return _expired((("Expires", _iso(expires_at)), ("ServerTime", _iso(now))))


def _expired(details: tuple[tuple[str, str], ...]) -> S3Error:
    return S3Error("403 Forbidden", "AccessDenied", "Request has expired", details)


def _query_parameters_error(message: str) -> S3Error:
    return S3Error("400 Bad Request", "AuthorizationQueryParametersError", message)


def _scope_service(query: Mapping[str, list[str]]) -> str | None:
    # AKID/yyyymmdd/region/service/aws4_request
    parts = _first(query, "X-Amz-Credential").split("/")
    return parts[3] if len(parts) == 5 else None


def _first(query: Mapping[str, list[str]], name: str) -> str:
    return (query.get(name) or [""])[0]


def _iso(epoch_seconds: float) -> str:
    return datetime.fromtimestamp(epoch_seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
