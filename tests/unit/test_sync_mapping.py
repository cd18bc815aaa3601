"""Each sibling service's export records become the metrics spec/002 names, with deterministic keys."""

from __future__ import annotations

from typing import Any

import pytest

from analytics.enums import MetricType, SiblingService
from analytics.sync.mapping import MAPPING, RecordRejected, record_metrics

WHEN = "2025-12-24T10:00:00Z"


def record(kind: str, data: dict[str, Any], record_id: str = "r-1") -> dict[str, Any]:
    return {"id": record_id, "type": kind, "timestamp": WHEN, "data": data}


def names(service: SiblingService, kind: str, data: dict[str, Any]) -> list[tuple[str, str, float]]:
    _, metrics = record_metrics(service, record(kind, data))
    return [(m.metric_type.value, m.metric_name, m.value) for m in metrics]


def test_a_donation_is_donation_received_with_its_amount_currency_and_transaction() -> None:
    _, (metric,) = record_metrics(
        SiblingService.PARTNERS_CRM,
        record(
            "donation", {"amount": 250.5, "currency": "EUR", "partner_id": "p-9", "transaction_id": "tx-1"}
        ),
    )
    assert (metric.metric_type, metric.metric_name, metric.value, metric.unit) == (
        MetricType.DONATION,
        "donation_received",
        250.5,
        "EUR",
    )
    assert metric.dimensions == {"partner_id": "p-9", "currency": "EUR"}
    assert metric.meta["transaction_id"] == "tx-1" and metric.meta["sync_record_id"] == "r-1"
    assert metric.idempotency_key == "sync:partners_crm:r-1:donation_received"
    assert metric.timestamp is not None and metric.timestamp.isoformat() == "2025-12-24T10:00:00+00:00"


@pytest.mark.parametrize(
    ("service", "kind", "data", "expected"),
    [
        (
            SiblingService.PARTNERS_CRM,
            "partner",
            {"partner_type": "corporate"},
            [("partner", "new_partner", 1)],
        ),
        (
            SiblingService.PROJECTS,
            "project_completed",
            {"project_type": "water", "beneficiaries_count": 120},
            [("project", "project_completed", 1), ("beneficiary", "beneficiaries_reached", 120)],
        ),
        (
            SiblingService.SOCIAL_MEDIA,
            "engagement",
            {"platform": "x", "likes": 5, "comments": 0, "reach": 300},
            [
                ("engagement", "post_likes", 5),
                ("engagement", "post_comments", 0),
                ("engagement", "reach", 300),
            ],
        ),
        (
            SiblingService.NOTIFICATION,
            "notification",
            {"channel": "email", "status": "clicked"},
            [
                ("notification", "notification_sent", 1),
                ("notification", "notification_delivered", 1),
                ("notification", "notification_opened", 1),
                ("notification", "notification_clicked", 1),
            ],
        ),
        (
            SiblingService.NOTIFICATION,
            "notification",
            {"channel": "sms", "status": "failed"},
            [("notification", "notification_sent", 1), ("notification", "notification_failed", 1)],
        ),
        (SiblingService.AUTH, "user_registered", {}, [("conversion", "user_registered", 1)]),
        (SiblingService.CONTENT, "content_viewed", {}, [("engagement", "content_viewed", 1)]),
    ],
)
def test_each_record_type_maps_to_its_metrics(
    service: SiblingService, kind: str, data: dict[str, Any], expected: list[tuple[str, str, float]]
) -> None:
    assert names(service, kind, data) == expected


def test_every_sibling_service_has_a_mapping() -> None:
    assert set(MAPPING) == set(SiblingService)


@pytest.mark.parametrize(
    ("raw", "loc"),
    [
        (record("donation", {"amount": -1}), ["data", "amount"]),
        (record("donation", {"amount": 1, "currency": "dollars"}), ["data", "currency"]),
        (record("refund", {}), ["type"]),
        ({"type": "donation", "timestamp": WHEN}, ["id"]),
        ({**record("donation", {"amount": 1}), "timestamp": "yesterday"}, ["timestamp"]),
        (record("notification", {"channel": "sms", "status": "lost"}), ["data", "status"]),
    ],
)
def test_a_record_that_cannot_become_metrics_is_rejected_naming_the_field(
    raw: dict[str, Any], loc: list[str]
) -> None:
    service = SiblingService.NOTIFICATION if raw["type"] == "notification" else SiblingService.PARTNERS_CRM
    with pytest.raises(RecordRejected) as rejected:
        record_metrics(service, raw)
    assert rejected.value.errors[0]["loc"] == loc
