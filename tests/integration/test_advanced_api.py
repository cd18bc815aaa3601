"""The advanced analytics endpoints over metrics sent through the API: predictions, forecasts, comparisons
and calculations, each from series with known answers."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pytest

from functions.advanced.handler import lambda_handler as advanced_api
from functions.metrics.handler import lambda_handler as metrics_api
from tests.integration.conftest import HttpResult, Invoke, load_event

TODAY = dt.datetime.now(dt.UTC).date()
DAYS = 140
WEEK_SHAPE = (1.0, 0.9, 0.95, 1.0, 1.1, 0.7, 1.6)  # Monday first


def day(offset: int) -> dt.date:
    """The day `offset` days before today."""
    return TODAY - dt.timedelta(days=offset)


def metric(
    name: str, value: float, on: dt.date, service: str = "partners_crm", **dimensions: Any
) -> dict[str, Any]:
    service_types = {"partners_crm": "donation", "projects": "beneficiary", "social_media": "engagement"}
    return {
        "service_name": service,
        "metric_type": service_types[service],
        "metric_name": name,
        "value": value,
        "unit": "USD",
        "dimensions": dimensions,
        "timestamp": f"{on.isoformat()}T12:00:00Z",
    }


def send(invoke: Invoke, metrics: list[dict[str, Any]]) -> None:
    for first in range(0, len(metrics), 1000):
        answer = invoke(
            metrics_api, load_event("metrics_bulk", body={"metrics": metrics[first : first + 1000]})
        )
        assert answer.status == 201 and answer.body["failed"] == 0, answer.body


def ask(invoke: Invoke, what: str, body: dict[str, Any], role: str | None = "analyst") -> HttpResult:
    event = load_event("advanced_predictions", path=f"/api/v1/advanced/{what}", body=body, role=role)
    return invoke(advanced_api, event)


def donations(amount_per_day: float = 1000.0, growth: float = 4.0) -> list[dict[str, Any]]:
    """A growing daily total with a weekly season and some noise, in two gifts a day, every day of DAYS."""
    rng = np.random.default_rng(3)
    metrics = []
    for offset in range(DAYS, 0, -1):
        on = day(offset)
        total = (amount_per_day + growth * (DAYS - offset)) * WEEK_SHAPE[on.weekday()] + rng.normal(0, 20)
        metrics += [metric("donation_received", round(total * share, 2), on) for share in (0.4, 0.6)]
    return metrics


def test_the_spec_example_predicts_the_next_30_days_with_bounds_trend_and_accuracy(invoke: Invoke) -> None:
    send(invoke, donations())

    answer = ask(
        invoke,
        "predictions",
        {
            "service_name": "partners_crm",
            "metric_type": "donation",
            "prediction_days": 30,
            "confidence_level": 0.95,
        },
    )

    assert answer.status == 200, answer.body
    body = answer.body
    predictions = body["predictions"]
    assert len(predictions) == 30
    assert [p["start"][:10] for p in predictions] == [
        (TODAY + dt.timedelta(days=i)).isoformat() for i in range(30)
    ]
    assert all(p["lower"] <= p["value"] <= p["upper"] for p in predictions)
    assert len(body["history"]) == DAYS and body["history"][-1]["start"][:10] == day(1).isoformat()
    assert body["trend"]["direction"] == "increasing" and body["trend"]["slope_per_period"] > 0
    assert body["seasonality"]["period"] == 7 and body["seasonality"]["strength"] > 0.5
    assert body["accuracy"]["holdout_periods"] == 28 and body["accuracy"]["mase"] < 1.5
    assert body["model"] and body["confidence_level"] == 0.95
    # The weekly season carries on: predicted Sundays above the Saturdays before them
    by_day = {dt.date.fromisoformat(p["start"][:10]): p["value"] for p in predictions}
    sundays = [d for d in by_day if d.weekday() == 6 and d - dt.timedelta(days=1) in by_day]
    assert sundays and all(by_day[d] > by_day[d - dt.timedelta(days=1)] for d in sundays)


def test_a_wider_confidence_level_widens_the_band(invoke: Invoke) -> None:
    send(invoke, donations())

    widths = []
    for level in (0.5, 0.8, 0.99):
        body = ask(
            invoke, "predictions", {"metric_name": "donation_received", "confidence_level": level}
        ).body
        widths.append(np.mean([p["upper"] - p["lower"] for p in body["predictions"]]))

    assert widths[0] < widths[1] < widths[2]


@pytest.mark.parametrize(("period", "periods"), [("day", 10), ("week", 4), ("month", 3), ("quarter", 2)])
def test_forecasts_by_period_start_with_the_current_one(invoke: Invoke, period: str, periods: int) -> None:
    send(invoke, donations())

    answer = ask(
        invoke, "forecasts", {"metric_name": "donation_received", "period": period, "periods": periods}
    )

    assert answer.status == 200, answer.body
    forecast = answer.body["forecast"]
    assert len(forecast) == periods
    first = dt.date.fromisoformat(forecast[0]["start"][:10])
    assert first <= TODAY and (TODAY - first).days < {"day": 1, "week": 7, "month": 31, "quarter": 92}[period]
    assert all(point["value"] >= 0 and point["lower"] >= 0 for point in forecast)
    assert answer.body["history"], answer.body


def test_a_quarter_is_the_sum_of_its_months(invoke: Invoke) -> None:
    send(invoke, donations())
    months = ask(invoke, "forecasts", {"metric_name": "donation_received", "period": "month"}).body["history"]
    quarters = ask(invoke, "forecasts", {"metric_name": "donation_received", "period": "quarter"}).body[
        "history"
    ]

    for quarter in quarters:
        start = dt.date.fromisoformat(quarter["start"][:10])
        inside = [
            m["value"]
            for m in months
            if start <= dt.date.fromisoformat(m["start"][:10]) < _add_months(start, 3)
        ]
        assert quarter["value"] == pytest.approx(sum(inside))


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"metric_name": "never_sent"}, 400, "no metrics match"),
        ({"metric_name": "donation_received", "prediction_days": 366}, 422, "prediction_days"),
        ({"metric_name": "donation_received", "confidence_level": 0.995}, 422, "confidence_level"),
        ({"metric_name": "donation_received", "tz": "Mars/Olympus"}, 400, "time zone"),
        ({"metric_name": "donation_received", "unknown": 1}, 422, "unknown"),
    ],
)
def test_bad_predictions_are_4xx_that_say_why(
    invoke: Invoke, body: dict[str, Any], status: int, says: str
) -> None:
    send(invoke, donations()[:20])

    answer = ask(invoke, "predictions", body)

    assert answer.status == status, answer.body
    assert says in str(answer.body["detail"])


def test_p95_quarters_cannot_be_added_up(invoke: Invoke) -> None:
    send(invoke, donations()[:40])

    answer = ask(invoke, "forecasts", {"metric_name": "donation_received", "period": "quarter", "agg": "p95"})

    assert answer.status == 400 and "p95" in answer.body["detail"]


def test_a_short_or_constant_history_answers_with_warnings_not_errors(invoke: Invoke) -> None:
    send(invoke, [metric("new_metric", 5.0, day(offset)) for offset in (3, 2, 1)])

    answer = ask(invoke, "predictions", {"metric_name": "new_metric", "prediction_days": 7})

    assert answer.status == 200, answer.body
    assert answer.body["warnings"] and "short history" in answer.body["warnings"][0]
    assert all(p["value"] == pytest.approx(5.0) for p in answer.body["predictions"])
    assert all(math.isfinite(p["upper"]) for p in answer.body["predictions"])


def test_only_analysts_and_admins_may_ask(invoke: Invoke) -> None:
    body = {"metric_name": "donation_received"}

    assert ask(invoke, "predictions", body, role=None).status == 401
    assert ask(invoke, "predictions", body, role="viewer").status == 403
    assert ask(invoke, "forecasts", body, role="service").status == 403


def comparable(invoke: Invoke) -> None:
    """30 days: partners_crm gives about 1,000 a day, projects about 100; church gifts twice individuals'."""
    rng = np.random.default_rng(5)
    metrics = []
    for offset in range(60, 0, -1):
        on = day(offset)
        metrics.append(metric("received", 1000 + rng.normal(0, 50), on, partner_type="church"))
        metrics.append(metric("received", 500 + rng.normal(0, 50), on, partner_type="individual"))
        metrics.append(metric("received", 100 + rng.normal(0, 10), on, service="projects"))
    send(invoke, metrics)


def test_a_comparison_by_service_names_the_best_and_finds_the_difference_real(invoke: Invoke) -> None:
    comparable(invoke)

    answer = ask(invoke, "comparisons", {"compare_by": "service", "metric_name": "received"})

    assert answer.status == 200, answer.body
    body = answer.body
    assert [g["name"] for g in body["groups"]] == ["partners_crm", "projects"]
    assert (body["best"], body["worst"]) == ("partners_crm", "projects")
    assert body["groups"][0]["share_percent"] == pytest.approx(1500 / 1600 * 100, rel=0.02)
    assert body["test"]["significant"] and body["test"]["p_value"] < 1e-6
    assert body["test"]["observations"] == 60
    assert any("partners_crm leads" in sentence for sentence in body["insights"])
    assert any("larger than chance" in sentence for sentence in body["insights"])


def test_a_comparison_by_segment_and_with_earlier_periods(invoke: Invoke) -> None:
    comparable(invoke)

    segments = ask(
        invoke,
        "comparisons",
        {"compare_by": "segment", "metric_name": "received", "dimension": "partner_type", "agg": "avg"},
    ).body
    periods = ask(
        invoke,
        "comparisons",
        {"compare_by": "time_period", "service_name": "projects", "metric_name": "received", "periods": 1},
    ).body
    missing = ask(invoke, "comparisons", {"compare_by": "segment", "metric_name": "received"})

    assert [g["name"] for g in segments["groups"]] == ["church", "individual"]
    assert segments["groups"][0]["value"] == pytest.approx(1000, rel=0.05)
    assert segments["groups"][0]["share_percent"] is None  # shares of averages mean nothing
    assert [g["name"] for g in periods["groups"]] == ["current period", "1 period before"]
    assert periods["groups"][0]["value"] == pytest.approx(periods["groups"][1]["value"], rel=0.1)
    assert not periods["test"]["significant"]
    assert "period before" in periods["insights"][0]
    assert missing.status == 400 and "dimension" in missing.body["detail"]


def related(invoke: Invoke) -> None:
    """90 days: reach grows with posts (reach = 30 x posts + noise); a spike of posts 10 days ago."""
    rng = np.random.default_rng(11)
    metrics = []
    for offset in range(90, 0, -1):
        posts = 20 + 10 * math.sin(offset / 5) + rng.normal(0, 1) + (60 if offset == 10 else 0)
        metrics.append(metric("posts", posts, day(offset), service="social_media"))
        metrics.append(metric("reach", 30 * posts + rng.normal(0, 20), day(offset), service="social_media"))
    send(invoke, metrics)


def test_correlation_and_regression_find_the_known_relation(invoke: Invoke) -> None:
    related(invoke)
    posts, reach = {"metric_name": "posts"}, {"metric_name": "reach"}

    found = ask(invoke, "calculate", {"calculation": "correlation", "x": posts, "y": reach}).body
    fitted = ask(
        invoke, "calculate", {"calculation": "regression", "target": reach, "predictors": [posts]}
    ).body

    assert found["n"] == 90 and found["pearson_r"] > 0.99 and found["pearson_p_value"] < 1e-10
    assert found["spearman_rho"] > 0.95
    assert fitted["coefficients"][0] == pytest.approx(30, rel=0.02)
    assert fitted["r_squared"] > 0.99 and len(fitted["standard_errors"]) == 2
    assert found["parameters"]["interval"] == "day"


def test_anomaly_detection_flags_the_spike_and_trend_reads_the_series(invoke: Invoke) -> None:
    # Given 90 days of visits around 100, rising slowly, with a burst 10 days ago
    rng = np.random.default_rng(13)
    visits = [
        100 + 0.2 * (90 - offset) + rng.normal(0, 5) + (80 if offset == 10 else 0)
        for offset in range(90, 0, -1)
    ]
    send(
        invoke,
        [
            metric("visits", v, day(offset), service="social_media")
            for v, offset in zip(visits, range(90, 0, -1), strict=False)
        ],
    )
    series = {"metric_name": "visits"}

    anomalies = ask(invoke, "calculate", {"calculation": "anomaly_detection", "series": series}).body
    trend = ask(invoke, "calculate", {"calculation": "trend", "series": series}).body

    flagged = [point["start"][:10] for point in anomalies["anomalies"]]
    assert day(10).isoformat() in flagged and len(flagged) <= 2, flagged
    assert len(anomalies["points"]) == 90 and all(0 <= p["score"] <= 1 for p in anomalies["points"])
    assert (anomalies["parameters"]["threshold"], anomalies["parameters"]["cooldown"]) == (0.55, 7)
    assert trend["direction"] == "increasing" and trend["n"] == 90
    assert trend["slope_per_period"] == pytest.approx(0.2, abs=0.1)


def test_clustering_groups_partners_by_their_giving(invoke: Invoke) -> None:
    # Ten small frequent givers and five large rare ones
    metrics = []
    for partner in range(10):
        metrics += [
            metric("gift", 20.0 + partner, day(d), partner_id=f"small-{partner}") for d in range(1, 21)
        ]
    for partner in range(5):
        metrics += [
            metric("gift", 5000.0 + 100 * partner, day(d), partner_id=f"large-{partner}") for d in (3, 9)
        ]
    send(invoke, metrics)
    features = [{"metric_name": "gift", "agg": "count"}, {"metric_name": "gift", "agg": "avg"}]

    answer = ask(
        invoke, "calculate", {"calculation": "clustering", "group_by": "partner_id", "features": features}
    )

    assert answer.status == 200, answer.body
    body = answer.body
    assert body["k"] == 2 and body["silhouette"] > 0.8
    assert [c["size"] for c in body["clusters"]] == [10, 5]
    assert sorted(body["clusters"][1]["members"]) == [f"large-{i}" for i in range(5)]
    assert body["clusters"][1]["centroid"]["avg of gift"] == pytest.approx(5200)
    assert body["parameters"]["members"] == 15


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (
            {
                "calculation": "correlation",
                "x": {"metric_name": "flat", "agg": "avg"},
                "y": {"metric_name": "flat", "agg": "avg"},
            },
            "constant",
        ),
        (
            {"calculation": "clustering", "group_by": "nobody", "features": [{"metric_name": "flat"}]},
            "clustering",
        ),
    ],
)
def test_a_calculation_without_an_answer_is_a_400_that_says_why(
    invoke: Invoke, body: dict[str, Any], says: str
) -> None:
    send(invoke, [metric("flat", 1.0, day(offset)) for offset in range(1, 20)])

    answer = ask(invoke, "calculate", body)

    assert answer.status == 400, answer.body
    assert says in answer.body["detail"]


def test_an_unknown_calculation_is_a_422(invoke: Invoke) -> None:
    answer = ask(invoke, "calculate", {"calculation": "astrology", "series": {"metric_name": "x"}})

    assert answer.status == 422, answer.body
