"""ServiceClient (spec/000): JSON over HTTP to a sibling service, with a timeout, retries with exponential
backoff and jitter, and a service token; built on urllib3, which the Lambda runtime already ships with
botocore (2.x on the Python 3.12+ runtimes), so the layer carries no HTTP library of its own.

A run of a sync has a time budget: no retry, backoff or Retry-After wait reaches past its deadline.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlencode

import urllib3
from pydantic import ValidationError
from urllib3.exceptions import HTTPError, MaxRetryError
from urllib3.response import BaseHTTPResponse
from urllib3.util import Retry, Timeout

from analytics.sync.contract import ExportPage, FetchedPage, ServiceError

# Worth another try: rate limited, or the service (or what is in front of it) failing for now.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_BODY_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class ClientOptions:
    timeout_seconds: float = 10.0
    max_retries: int = 3
    backoff_factor: float = 0.5
    backoff_max_seconds: float = 20.0
    backoff_jitter_seconds: float = 0.5


class BudgetedRetry(Retry):
    """urllib3's Retry that also stops at a deadline (time.monotonic()) and never sleeps past it."""

    deadline: float | None = None

    def new(self, **kw: Any) -> Self:
        retry = super().new(**kw)
        retry.deadline = self.deadline
        return retry

    def _remaining(self) -> float | None:
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def is_exhausted(self) -> bool:
        remaining = self._remaining()
        return super().is_exhausted() or remaining == 0.0

    def get_backoff_time(self) -> float:
        remaining = self._remaining()
        backoff = super().get_backoff_time()
        return backoff if remaining is None else min(backoff, remaining)

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        after = super().get_retry_after(response)
        remaining = self._remaining()
        return after if after is None or remaining is None else min(after, remaining)


@dataclass(frozen=True)
class JsonAnswer:
    body: Any
    retries: int  # how many times the request was repeated before this answer


class ServiceClient:
    """One sibling service at `base_url`; a context manager that closes its connections."""

    def __init__(self, base_url: str, *, token: str | None, options: ClientOptions | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.options = options or ClientOptions()
        headers = {"Accept": "application/json", "User-Agent": "analytics-service-sync"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._pool = urllib3.PoolManager(headers=headers, maxsize=2)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._pool.clear()

    def _retry(self, deadline: float | None) -> BudgetedRetry:
        o = self.options
        retry = BudgetedRetry(
            total=o.max_retries,
            connect=o.max_retries,
            read=o.max_retries,
            status=o.max_retries,
            other=0,
            redirect=0,
            allowed_methods=frozenset({"GET"}),
            status_forcelist=RETRY_STATUSES,
            backoff_factor=o.backoff_factor,
            backoff_max=o.backoff_max_seconds,
            backoff_jitter=o.backoff_jitter_seconds,
            respect_retry_after_header=True,
            raise_on_status=False,  # the last error answer is returned, to be reported with its status
            raise_on_redirect=False,
        )
        retry.deadline = deadline
        return retry

    def get_json(self, path: str, params: dict[str, str], *, deadline: float | None = None) -> JsonAnswer:
        url = f"{self.base_url}{path}"
        if params:
            url = f"{url}?{urlencode(params)}"
        seconds = self.options.timeout_seconds
        if deadline is not None:
            seconds = max(0.1, min(seconds, deadline - time.monotonic()))
        try:
            response = self._pool.request(
                "GET",
                url,
                retries=self._retry(deadline),
                timeout=Timeout(connect=seconds, read=seconds),
                preload_content=False,
            )
        except MaxRetryError as exc:
            raise ServiceError(
                f"GET {url} failed after {self.options.max_retries} retries: {_cause(exc.reason)}"
            ) from exc
        except HTTPError as exc:
            raise ServiceError(f"GET {url} failed: {_cause(exc)}") from exc
        try:
            raw = response.read(MAX_BODY_BYTES + 1)
        except HTTPError as exc:
            raise ServiceError(f"GET {url}: the answer broke off: {_cause(exc)}") from exc
        finally:
            response.release_conn()
        retries = len(response.retries.history) if response.retries else 0
        if response.status != 200:
            repeated = f" after {retries} retries" if retries else ""
            raise ServiceError(f"GET {url} answered {response.status}{repeated}: {_snippet(raw)}")
        if len(raw) > MAX_BODY_BYTES:
            raise ServiceError(f"GET {url}: the answer is larger than {MAX_BODY_BYTES} bytes")
        try:
            return JsonAnswer(json.loads(raw), retries)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ServiceError(f"GET {url}: the answer is not JSON ({exc})") from exc


class ExportClient:
    """Reads pages of a sibling service's export (analytics.sync.contract)."""

    def __init__(self, client: ServiceClient, export_path: str) -> None:
        self._client = client
        self._path = export_path
        self.url = f"{client.base_url}{export_path}"

    def fetch(
        self, *, since: str | None, cursor: str | None, limit: int, deadline: float | None
    ) -> FetchedPage:
        params = {"limit": str(limit)}
        if since is not None:
            params["since"] = since
        if cursor is not None:
            params["cursor"] = cursor
        answer = self._client.get_json(self._path, params, deadline=deadline)
        try:
            page = ExportPage.model_validate(answer.body)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors()
            )
            raise ServiceError(f"{self.url} broke the export contract: {problems}") from exc
        return FetchedPage(page, answer.retries)

    def close(self) -> None:
        self._client.close()


def _cause(exc: BaseException | None) -> str:
    return f"{type(exc).__name__}: {exc}" if exc is not None else "unknown cause"


def _snippet(raw: bytes, length: int = 200) -> str:
    text = raw[:length].decode("utf-8", errors="replace").strip()
    return text or "(empty body)"
