"""Fake sibling services: one small HTTP server per service on loopback, serving its records through the
export contract (analytics.sync.contract) so pull-sync runs over real sockets, locally and in tests.

Each can be told to fail its next requests (500 or 503), to answer its next one only after a delay
longer than the client's timeout, to serve pages slowly, and to require a bearer token.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from analytics.enums import SiblingService
from analytics.settings import get_settings

HOST = "127.0.0.1"
EXPORT_PATH = "/api/v1/analytics/export"
MAX_LIMIT = 1000


def url_setting(service: SiblingService) -> str:
    return f"{service.value.upper()}_SERVICE_URL"


def _recorded_at(record: Mapping[str, Any]) -> dt.datetime:
    text = str(record.get("recorded_at") or record["timestamp"])
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _order(record: Mapping[str, Any]) -> tuple[dt.datetime, str]:
    return _recorded_at(record), str(record.get("id", ""))


def _cursor_of(record: Mapping[str, Any]) -> str:
    moment, record_id = _order(record)
    return f"{moment.isoformat()}|{record_id}"


@dataclass
class Behaviour:
    """What the next requests meet: `failures` error answers of `failure_status`, then `slow_answers`
    answers after `slow_seconds`; every page after `page_delay` seconds; a token checked if set."""

    failures: int = 0
    failure_status: int = 503
    slow_answers: int = 0
    slow_seconds: float = 0.0
    page_delay: float = 0.0
    token: str | None = None


@dataclass
class FakeSibling:
    """One service's records and behaviour; `requests` logs each request's query, in order."""

    service: SiblingService
    records: list[dict[str, Any]] = field(default_factory=list)
    behaviour: Behaviour = field(default_factory=Behaviour)
    requests: list[dict[str, str]] = field(default_factory=list)
    url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopping: threading.Event = field(default_factory=threading.Event)

    def add(self, *records: dict[str, Any]) -> None:
        with self._lock:
            self.records.extend(records)

    def fail_next(self, times: int, status: int = 503) -> None:
        with self._lock:
            self.behaviour.failures, self.behaviour.failure_status = times, status

    def stall_next(self, times: int, seconds: float) -> None:
        with self._lock:
            self.behaviour.slow_answers, self.behaviour.slow_seconds = times, seconds

    def answer(
        self, query: Mapping[str, str], authorization: str | None
    ) -> tuple[int, dict[str, Any], float]:
        """(status, body, seconds to wait before answering) for one export request."""
        with self._lock:
            self.requests.append(dict(query))
            b = self.behaviour
            if b.token is not None and authorization != f"Bearer {b.token}":
                return 401, {"detail": "a valid service token is required"}, 0.0
            if b.failures > 0:
                b.failures -= 1
                return b.failure_status, {"detail": "temporarily unavailable"}, 0.0
            delay = b.page_delay
            if b.slow_answers > 0:
                b.slow_answers -= 1
                delay = b.slow_seconds
            records = sorted(self.records, key=_order)
        try:
            limit = max(1, min(int(query.get("limit", "100")), MAX_LIMIT))
            since = dt.datetime.fromisoformat(query["since"]) if "since" in query else None
            after = query.get("cursor")
        except ValueError as exc:
            return 400, {"detail": f"bad query: {exc}"}, 0.0
        if since is not None:
            records = [r for r in records if _recorded_at(r) >= since]
        if after:
            moment, record_id = after.split("|", 1)
            boundary = (dt.datetime.fromisoformat(moment), record_id)
            records = [r for r in records if _order(r) > boundary]
        page = records[:limit]
        next_cursor = _cursor_of(page[-1]) if len(records) > limit else None
        return 200, {"records": page, "next_cursor": next_cursor}, delay


class _Handler(BaseHTTPRequestHandler):
    server: _SiblingServer

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != EXPORT_PATH:
            self._send(404, {"detail": f"no route for GET {parts.path}"})
            return
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        status, body, delay = self.server.sibling.answer(query, self.headers.get("Authorization"))
        if delay and self.server.sibling._stopping.wait(delay):
            return
        self._send(status, body)

    def _send(self, status: int, body: dict[str, Any]) -> None:
        payload = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout it was meant to see)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _SiblingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, sibling: FakeSibling) -> None:
        super().__init__((HOST, 0), _Handler)
        self.sibling = sibling


@contextmanager
def serving(sibling: FakeSibling) -> Iterator[FakeSibling]:
    """Serves the sibling on a free loopback port (its `url`) until the block ends."""
    server = _SiblingServer(sibling)
    sibling.url = f"http://{HOST}:{server.server_address[1]}"
    sibling._stopping.clear()
    thread = threading.Thread(
        target=server.serve_forever, args=(0.05,), name=f"sibling-{sibling.service}", daemon=True
    )
    thread.start()
    try:
        yield sibling
    finally:
        sibling._stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def serving_all(siblings: Sequence[FakeSibling]) -> Iterator[dict[SiblingService, FakeSibling]]:
    with ExitStack() as stack:
        yield {s.service: stack.enter_context(serving(s)) for s in siblings}


def environment(siblings: Mapping[SiblingService, FakeSibling]) -> dict[str, str]:
    """The `*_SERVICE_URL` settings pointing at the fake siblings."""
    return {url_setting(service): sibling.url for service, sibling in siblings.items()}


def demo_records(service: SiblingService, now: dt.datetime, days: int = 7) -> list[dict[str, Any]]:
    """A week of plausible records of each type the service exports, spread over the days before `now`."""
    start = (now - dt.timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    records: list[dict[str, Any]] = []

    def add(kind: str, index: int, hours: float, data: dict[str, Any]) -> None:
        moment = (start + dt.timedelta(hours=hours)).isoformat()
        records.append(
            {"id": f"{kind}-{index}", "type": kind, "timestamp": moment, "recorded_at": moment, "data": data}
        )

    for day in range(days):
        h = day * 24
        if service is SiblingService.PARTNERS_CRM:
            add(
                "partner", day, h + 9, {"partner_type": ("individual", "corporate")[day % 2], "country": "KE"}
            )
            for n in range(3):
                amount = 50.0 + 25 * ((day + n) % 4)
                add(
                    "donation",
                    day * 3 + n,
                    h + 10 + n,
                    {"amount": amount, "currency": "USD", "partner_id": f"p-{n}"},
                )
            add("interaction", day, h + 15, {"interaction_type": "call", "partner_type": "corporate"})
            add("active_partners", day, h + 23, {"count": 40 + day})
        elif service is SiblingService.PROJECTS:
            add("project_created", day, h + 9, {"project_type": "water", "country": "KE"})
            add(
                "beneficiaries",
                day,
                h + 12,
                {"count": 100 + 10 * day, "project_type": "water", "country": "KE"},
            )
            if day % 3 == 2:
                add(
                    "project_completed",
                    day,
                    h + 16,
                    {"project_type": "water", "duration_days": 90, "beneficiaries_count": 500},
                )
            add("active_projects", day, h + 23, {"count": 12 + day % 3})
        elif service is SiblingService.SOCIAL_MEDIA:
            platform = ("twitter", "facebook", "instagram")[day % 3]
            add("post", day, h + 11, {"platform": platform, "content_type": "image"})
            add(
                "engagement",
                day,
                h + 20,
                {
                    "platform": platform,
                    "post_id": f"post-{day}",
                    "likes": 30 + day,
                    "comments": 4,
                    "shares": 2,
                    "reach": 900,
                },
            )
        elif service is SiblingService.NOTIFICATION:
            for n, status in enumerate(("delivered", "opened", "clicked", "failed", "sent")):
                add(
                    "notification",
                    day * 5 + n,
                    h + 8 + n,
                    {"channel": ("email", "sms")[n % 2], "status": status},
                )
        elif service is SiblingService.AUTH:
            add("user_registered", day, h + 10, {"method": "email"})
            add("user_login", day, h + 12, {"method": "password"})
        elif service is SiblingService.CONTENT:
            add("content_published", day, h + 9, {"content_type": "article"})
            add("content_viewed", day, h + 14, {"content_type": "article"})
    return records


@contextmanager
def serving_demo_siblings(progress: Callable[[str], None]) -> Iterator[dict[SiblingService, FakeSibling]]:
    """`analytics-local up`: every sibling service faked on loopback with a week of demo records, and
    the functions' `*_SERVICE_URL` settings pointing at them, so POST /api/v1/sync works locally."""
    now = dt.datetime.now(dt.UTC)
    siblings = [FakeSibling(service, demo_records(service, now)) for service in SiblingService]
    with serving_all(siblings) as served:
        os.environ.update(environment(served))
        get_settings.cache_clear()
        progress(
            "siblings: fake "
            + ", ".join(f"{s} on {f.url}" for s, f in served.items())
            + f" serving {EXPORT_PATH}"
        )
        yield served
