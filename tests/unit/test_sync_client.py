"""The service client over a real loopback socket: retries with backoff on error statuses and timeouts,
the token in the header, and never past the caller's deadline."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from analytics.enums import SiblingService
from analytics.sync.client import ClientOptions, ExportClient, ServiceClient
from analytics.sync.contract import ServiceError
from analytics_infra.local.siblings import EXPORT_PATH, FakeSibling, serving

FAST = ClientOptions(timeout_seconds=0.3, max_retries=2, backoff_factor=0.01, backoff_max_seconds=0.02)
RECORD = {"id": "a", "type": "post", "timestamp": "2025-12-24T10:00:00Z", "data": {"platform": "x"}}


@pytest.fixture
def sibling() -> Iterator[FakeSibling]:
    with serving(FakeSibling(SiblingService.SOCIAL_MEDIA, [RECORD])) as fake:
        yield fake


def export(sibling: FakeSibling, token: str | None = None, options: ClientOptions = FAST) -> ExportClient:
    return ExportClient(ServiceClient(sibling.url, token=token, options=options), EXPORT_PATH)


def test_error_statuses_are_retried_and_counted(sibling: FakeSibling) -> None:
    sibling.fail_next(2, 502)

    fetched = export(sibling).fetch(since=None, cursor=None, limit=10, deadline=None)

    assert fetched.retries == 2 and fetched.page.records == [RECORD] and fetched.page.next_cursor is None
    assert len(sibling.requests) == 3 and sibling.requests[-1] == {"limit": "10"}


def test_after_the_last_retry_the_error_names_the_status_and_the_url(sibling: FakeSibling) -> None:
    sibling.fail_next(10, 503)

    with pytest.raises(ServiceError, match=r"answered 503 after 2 retries") as failed:
        export(sibling).fetch(since=None, cursor=None, limit=10, deadline=None)

    assert sibling.url in str(failed.value) and len(sibling.requests) == 3


def test_the_token_is_sent_as_a_bearer_and_never_shown(sibling: FakeSibling) -> None:
    sibling.behaviour.token = "t0ken"
    assert export(sibling, token="t0ken").fetch(since=None, cursor=None, limit=1, deadline=None).retries == 0

    with pytest.raises(ServiceError, match="answered 401") as refused:
        export(sibling, token="other").fetch(since=None, cursor=None, limit=1, deadline=None)
    assert "other" not in str(refused.value)


def test_no_retry_waits_past_the_deadline(sibling: FakeSibling) -> None:
    sibling.fail_next(100, 503)
    slow = ClientOptions(timeout_seconds=5, max_retries=50, backoff_factor=1, backoff_max_seconds=5)
    began = time.monotonic()

    with pytest.raises(ServiceError):
        export(sibling, options=slow).fetch(since=None, cursor=None, limit=1, deadline=began + 0.5)

    assert time.monotonic() - began < 1.5


def test_an_answer_that_breaks_the_contract_is_an_error(sibling: FakeSibling) -> None:
    client = ServiceClient(sibling.url, token=None, options=FAST)
    with pytest.raises(ServiceError, match="answered 404"):
        ExportClient(client, "/elsewhere").fetch(since=None, cursor=None, limit=1, deadline=None)
