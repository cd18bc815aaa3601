"""Items that pass every check but that PostgreSQL refuses (a data error no retry cures) never fail their
batch: the refused ones become rejections or per-item errors with the database's reason, and every other
item is stored once. A check constraint added for the test stands for any such refusal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from analytics.db.engine import get_engine
from analytics.enums import SiblingService
from analytics_infra.local.siblings import FakeSibling
from functions.events.handler import lambda_handler as events_api
from functions.metrics.handler import lambda_handler as metrics_api
from functions.simple.handler import lambda_handler as simple_api
from functions.sync import handler as sync_handler
from tests.integration.conftest import Invoke, load_event
from tests.integration.siblings import siblings_fixture  # noqa: F401 (the fixture `siblings`)
from tests.integration.test_ingest_queue import consume, metric, scalar, sqs_event
from tests.integration.test_sync_runs import InlineLauncher, donation, fetch, stored_metrics, trigger

REFUSED_VALUE = 666.0
REFUSED_USER = "refused-user"


@pytest.fixture
def refusing() -> Iterator[None]:
    """The database refuses metrics of value 666 and events of user `refused-user`."""
    with get_engine().begin() as connection:
        connection.execute(
            text(f"ALTER TABLE metrics ADD CONSTRAINT refuses_666 CHECK (metric_value <> {REFUSED_VALUE})")
        )
        connection.execute(
            text(
                "ALTER TABLE events ADD CONSTRAINT refuses_user "
                f"CHECK (user_id IS DISTINCT FROM '{REFUSED_USER}')"
            )
        )
    yield
    with get_engine().begin() as connection:
        connection.execute(text("ALTER TABLE metrics DROP CONSTRAINT refuses_666"))
        connection.execute(text("ALTER TABLE events DROP CONSTRAINT refuses_user"))


def rejections() -> list[tuple[str, int, str, str]]:
    with get_engine().connect() as connection:
        rows = connection.execute(
            text("SELECT message_id, position, kind, reason::text FROM ingest_rejections ORDER BY 1, 2")
        ).all()
    return [(row[0], row[1], row[2], row[3]) for row in rows]


def test_one_refused_item_in_a_batch_is_rejected_and_every_valid_item_is_stored_once(refusing: None) -> None:
    batch = sqs_event(
        [
            {"metrics": [metric("a", value=float(n)) for n in range(50)]},
            {
                "metrics": [metric("b", value=1.0), metric("poison", value=REFUSED_VALUE), metric("b", 2.0)],
                "events": [{"event_name": "signup", "user_id": "u1"}],
            },
            metric("c", value=3.0),
            {"events": [{"event_name": "signup", "user_id": REFUSED_USER}, {"event_name": "visit"}]},
        ]
    )

    retry = consume(batch)
    again = consume(batch)  # a redelivery stores nothing twice and records nothing twice

    assert retry == again == []
    assert scalar("SELECT count(*) FROM metrics") == 53
    assert scalar("SELECT count(*) FROM metrics WHERE metric_name = 'poison'") == 0
    assert scalar("SELECT count(*) FROM events") == 2
    assert scalar("SELECT sum(count) FROM metric_rollups_hourly") == 53
    refused = rejections()
    assert [(message, position, kind) for message, position, kind, _ in refused] == [
        ("msg-1", 1, "metric"),
        ("msg-3", 0, "event"),
    ]
    assert all("refuses_" in reason and "database_refused" in reason for *_, reason in refused)


def test_the_bulk_endpoints_name_the_refused_items_and_store_the_rest(invoke: Invoke, refusing: None) -> None:
    items = [metric("kept", value=1.0), metric("poison", value=REFUSED_VALUE), metric("kept", value=2.0)]
    answer = invoke(metrics_api, load_event("metrics_bulk", body={"metrics": [*items, {"value": "x"}]}))

    assert answer.status == 201, answer.body
    assert (answer.body["created"], answer.body["failed"]) == (2, 2)
    assert [item["index"] for item in answer.body["items"]] == [0, 2]
    assert [error["index"] for error in answer.body["errors"]] == [1, 3]
    assert answer.body["errors"][0]["detail"][0]["type"] == "database_refused"

    events = [{"event_name": "a", "user_id": REFUSED_USER}, {"event_name": "b", "user_id": "u2"}]
    answer = invoke(events_api, load_event("events_bulk", body={"events": events}))
    assert (answer.body["created"], answer.body["failed"]) == (1, 1), answer.body
    assert "refuses_user" in json.dumps(answer.body["errors"])


def test_a_single_refused_item_is_a_422_with_the_databases_reason(invoke: Invoke, refusing: None) -> None:
    answer = invoke(metrics_api, load_event("metrics_create", body=metric(value=REFUSED_VALUE)))
    assert answer.status == 422 and "refuses_666" in answer.body["detail"][0]["msg"]

    answer = invoke(
        events_api, load_event("events_create", body={"event_name": "a", "user_id": REFUSED_USER})
    )
    assert answer.status == 422 and "refuses_user" in answer.body["detail"][0]["msg"]

    simple = load_event("simple_metrics_create", body={"metric_name": "m", "value": REFUSED_VALUE})
    answer = invoke(simple_api, simple)
    assert answer.status == 422, answer.body
    assert scalar("SELECT count(*) FROM metrics") == 0


def test_a_sync_page_with_a_refused_record_stores_the_others_and_rejects_that_record(
    invoke: Invoke,
    aws: Any,
    siblings: dict[SiblingService, FakeSibling],
    refusing: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sync_handler, "sync_launcher", InlineLauncher)
    siblings[SiblingService.PARTNERS_CRM].add(
        donation(1), donation(2, amount=REFUSED_VALUE), donation(3), donation(4)
    )

    (started,) = trigger(invoke, {"service_name": "partners_crm"})["syncs"]

    run = fetch(invoke, started["id"])
    assert run["status"] == "completed", run
    assert (run["records_processed"], run["records_failed"]) == (3, 1)
    assert stored_metrics(SiblingService.PARTNERS_CRM) == 3
    [(message_id, position, kind, reason)] = rejections()
    assert (message_id, position, kind) == (f"sync:{started['id']}", 1, "sync_record")
    assert "refuses_666" in reason
