"""The domain insights (/api/v1/analytics/...) and the executive summary against a known data set sent
through the bulk API, with every expected figure worked out by hand below."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from analytics import goal_progress
from analytics.db.engine import get_session_factory
from analytics.db.maintenance import roll_up_dimensions
from analytics.db.models import Goal
from analytics.enums import GoalStatus, MetricType
from analytics.services import statistics as statistics_service
from analytics.services.insights import InsightPeriod, executive_summary
from analytics.wiring import unit_of_work
from functions.insights.handler import lambda_handler
from functions.metrics.handler import lambda_handler as metrics_handler
from tests.demo_data import demo_metrics
from tests.integration.conftest import HttpResult, Invoke, load_event

MARCH = {"start_date": "2025-03-01", "end_date": "2025-03-31"}  # the previous period: 29 Jan to 28 Feb
ENDPOINTS = [
    "partners/statistics",
    "partners/donations",
    "partners/engagement",
    "partners/breakdown",
    "projects/statistics",
    "projects/impact",
    "projects/completion",
    "projects/beneficiaries",
    "social-media/performance",
    "social-media/platforms",
    "social-media/engagement",
    "notifications/statistics",
    "notifications/delivery",
    "notifications/channels",
]
SERVICE_OF = {
    "partners": "partners_crm",
    "projects": "projects",
    "social": "social_media",
    "notes": "notification",
}
TYPE_OF = {
    "new_partner": "partner",
    "active_partners": "partner",
    "donation_received": "donation",
    "partner_interaction": "engagement",
    "project_created": "project",
    "project_completed": "project",
    "active_projects": "project",
    "beneficiaries_reached": "beneficiary",
    "post_created": "social_post",
    "post_likes": "engagement",
    "post_comments": "engagement",
    "post_shares": "engagement",
    "reach": "engagement",
    "post_reach": "engagement",
}


def item(service: str, name: str, value: float, day: str, **dimensions: str) -> dict[str, Any]:
    return {
        "service_name": SERVICE_OF[service],
        "metric_type": TYPE_OF.get(name, "notification"),
        "metric_name": name,
        "value": value,
        "unit": "USD" if name == "donation_received" else "count",
        "dimensions": dimensions,
        "timestamp": f"{day}T12:00:00Z",
    }


KNOWN = [
    # Partners: March donations 100 + 300 + 1000 + 50 = 1450 (4), February 500; 3 new partners.
    item("partners", "new_partner", 1, "2025-03-02", partner_type="individual"),
    item("partners", "new_partner", 1, "2025-03-10", partner_type="individual"),
    item("partners", "new_partner", 1, "2025-03-20", partner_type="church"),
    item("partners", "active_partners", 100, "2025-03-01"),
    item("partners", "active_partners", 118, "2025-03-30"),
    item("partners", "active_partners", 122, "2025-03-30"),  # the latest day's average: 120
    item("partners", "donation_received", 100, "2025-03-02", partner_type="individual"),
    item("partners", "donation_received", 300, "2025-03-03", partner_type="individual"),
    item("partners", "donation_received", 1000, "2025-03-20", partner_type="foundation"),
    item("partners", "donation_received", 50, "2025-03-20"),  # sent without a partner type
    item("partners", "donation_received", 500, "2025-02-15", partner_type="individual"),  # before
    item("partners", "donation_received", 999, "2025-04-01", partner_type="individual"),  # after
    item("partners", "partner_interaction", 1, "2025-03-05", interaction_type="call"),
    item("partners", "partner_interaction", 1, "2025-03-06", interaction_type="call"),
    item("partners", "partner_interaction", 1, "2025-03-06", interaction_type="meeting"),
    item("partners", "partner_interaction", 2, "2025-02-20", interaction_type="call"),  # before
    # Projects: 4 created, 2 completed, 180 beneficiaries (60 before), 7 active.
    item("projects", "project_created", 1, "2025-03-04", project_type="water"),
    item("projects", "project_created", 1, "2025-03-05", project_type="water"),
    item("projects", "project_created", 1, "2025-03-06", project_type="health"),
    item("projects", "project_created", 1, "2025-03-07", project_type="health"),
    item("projects", "project_completed", 1, "2025-03-25", project_type="water"),
    item("projects", "project_completed", 1, "2025-03-26", project_type="education"),
    item("projects", "active_projects", 7, "2025-03-31"),
    item("projects", "beneficiaries_reached", 100, "2025-03-10", project_type="water"),
    item("projects", "beneficiaries_reached", 50, "2025-03-11", project_type="water"),
    item("projects", "beneficiaries_reached", 30, "2025-03-12", project_type="health"),
    item("projects", "beneficiaries_reached", 60, "2025-02-10", project_type="water"),  # before
    # Social media: 3 posts; likes 100, comments 10, shares 15 (125 engagements; 50 before); reach 1500.
    item("social", "post_created", 1, "2025-03-01", platform="facebook"),
    item("social", "post_created", 1, "2025-03-08", platform="facebook"),
    item("social", "post_created", 1, "2025-03-08", platform="instagram"),
    item("social", "post_likes", 40, "2025-03-01", platform="facebook"),
    item("social", "post_comments", 10, "2025-03-01", platform="facebook"),
    item("social", "reach", 500, "2025-03-01", platform="facebook"),
    item("social", "post_likes", 60, "2025-03-08", platform="instagram"),
    item("social", "post_shares", 15, "2025-03-08", platform="instagram"),
    item("social", "post_reach", 1000, "2025-03-08", platform="instagram"),  # reach's other name
    item("social", "post_likes", 50, "2025-02-20", platform="facebook"),  # before
    # Notifications: sent 160, delivered 152, failed 8, opened 52, clicked 15.
    *(
        item("notes", f"notification_{what}", value, day, channel=channel)
        for channel, day, figures in (
            ("email", "2025-03-05", (100, 95, 5, 30, 10)),
            ("sms", "2025-03-05", (50, 49, 1, 20, 5)),
            ("push", "2025-03-12", (10, 8, 2, 2, 0)),
        )
        for what, value in zip(("sent", "delivered", "failed", "opened", "clicked"), figures, strict=True)
        if value
    ),
]


def send(items: list[dict[str, Any]], invoke: Invoke) -> None:
    result = invoke(metrics_handler, load_event("metrics_bulk", body={"metrics": items}))
    assert (result.status, result.body["created"], result.body["failed"]) == (201, len(items), 0), result.body


def ask(invoke: Invoke, endpoint: str, **query: Any) -> HttpResult:
    event = load_event("insights_partners_statistics", path=f"/api/v1/analytics/{endpoint}", query=query)
    return invoke(lambda_handler, event)


def answer(invoke: Invoke, endpoint: str, **query: Any) -> dict[str, Any]:
    result = ask(invoke, endpoint, **query)
    assert result.status == 200, result.body
    body: dict[str, Any] = result.body
    assert body["period"] == {
        "start": "2025-03-01T00:00:00Z",
        "end": "2025-04-01T00:00:00Z",
        "tz": "UTC",
    }
    return body


@pytest.fixture
def known(invoke: Invoke) -> None:
    send(KNOWN, invoke)


WEEKS = ["2025-02-24", "2025-03-03", "2025-03-10", "2025-03-17", "2025-03-24", "2025-03-31"]


def week_starts(points: list[dict[str, Any]]) -> list[str]:
    return [point["start"][:10] for point in points]


@pytest.mark.usefixtures("known")
def test_partner_statistics_and_donation_trends(invoke: Invoke) -> None:
    stats = answer(invoke, "partners/statistics", **MARCH)
    assert stats["new_partners"] == 3
    assert stats["active_partners"] == {"value": 120.0, "as_of": "2025-03-30"}
    assert (stats["donations_total"], stats["donations_count"], stats["average_donation"]) == (1450, 4, 362.5)
    assert stats["donations_change"] == {
        "current": 1450,
        "previous": 500,
        "change": 950,
        "change_percent": 190.0,
    }
    assert stats["interactions"] == 3

    trends = answer(invoke, "partners/donations", interval="week", **MARCH)
    assert trends["interval"] == "week"
    assert (trends["total"], trends["count"], trends["change"]["change_percent"]) == (1450, 4, 190.0)
    assert week_starts(trends["points"]) == WEEKS
    assert [(p["total"], p["count"], p["average"]) for p in trends["points"]] == [
        (100, 1, 100),
        (300, 1, 300),
        (0, 0, 0),
        (1050, 2, 525),
        (0, 0, 0),
        (0, 0, 0),
    ]


@pytest.mark.usefixtures("known")
def test_partner_engagement_and_breakdown(invoke: Invoke) -> None:
    engagement = answer(invoke, "partners/engagement", **MARCH)
    assert engagement["interactions"] == 3
    assert engagement["interactions_per_active_partner"] == pytest.approx(0.025)  # 3 / 120
    assert (engagement["change"]["previous"], engagement["change"]["change_percent"]) == (2, 50.0)
    assert [(t["interaction_type"], t["interactions"]) for t in engagement["by_interaction_type"]] == [
        ("call", 2),
        ("meeting", 1),
    ]
    assert engagement["by_interaction_type"][0]["share_percent"] == pytest.approx(66.6667, abs=1e-4)

    breakdown = answer(invoke, "partners/breakdown", **MARCH)
    rows = [
        (r["partner_type"], r["new_partners"], r["donations_total"], r["donations_count"])
        for r in breakdown["partner_types"]
    ]
    assert rows == [
        ("church", 1, 0, 0),
        ("foundation", 0, 1000, 1),
        ("individual", 2, 400, 2),
        (None, 0, 50, 1),
    ]
    shares = [r["share_of_donations_percent"] for r in breakdown["partner_types"]]
    assert shares == pytest.approx([0.0, 68.9655, 27.5862, 3.4483], abs=1e-4)  # of 1450


@pytest.mark.usefixtures("known")
def test_project_statistics_impact_completion_and_beneficiaries(invoke: Invoke) -> None:
    stats = answer(invoke, "projects/statistics", **MARCH)
    assert (stats["projects_created"], stats["projects_completed"], stats["beneficiaries_reached"]) == (
        4,
        2,
        180,
    )
    assert stats["active_projects"] == {"value": 7.0, "as_of": "2025-03-31"}
    assert stats["completion_rate_percent"] == 50.0

    impact = answer(invoke, "projects/impact", **MARCH)
    assert (impact["beneficiaries_reached"], impact["beneficiaries_per_completed_project"]) == (180, 90)
    assert impact["change"] == {"current": 180, "previous": 60, "change": 120, "change_percent": 200.0}
    assert [
        (r["project_type"], r["beneficiaries_reached"], r["projects_completed"])
        for r in impact["by_project_type"]
    ] == [("education", 0, 1), ("health", 30, 0), ("water", 150, 1)]
    assert [r["share_percent"] for r in impact["by_project_type"]] == pytest.approx(
        [0, 16.6667, 83.3333], abs=1e-4
    )

    completion = answer(invoke, "projects/completion", **MARCH)
    assert (completion["projects_created"], completion["projects_completed"]) == (4, 2)
    assert completion["completion_rate_percent"] == 50.0
    assert [
        (r["project_type"], r["projects_created"], r["projects_completed"], r["completion_rate_percent"])
        for r in completion["by_project_type"]
    ] == [("education", 0, 1, None), ("health", 2, 0, 0.0), ("water", 2, 1, 50.0)]

    beneficiaries = answer(invoke, "projects/beneficiaries", interval="month", **MARCH)
    assert beneficiaries["points"] == [{"start": "2025-03-01T00:00:00Z", "value": 180.0}]
    assert (beneficiaries["total"], beneficiaries["change"]["change_percent"]) == (180, 200.0)


@pytest.mark.usefixtures("known")
def test_social_performance_platforms_and_engagement_trends(invoke: Invoke) -> None:
    performance = answer(invoke, "social-media/performance", **MARCH)
    assert {k: performance[k] for k in ("posts", "likes", "comments", "shares", "engagements", "reach")} == {
        "posts": 3,
        "likes": 100,
        "comments": 10,
        "shares": 15,
        "engagements": 125,
        "reach": 1500,
    }
    assert performance["engagement_rate_percent"] == pytest.approx(8.3333, abs=1e-4)  # 125 / 1500
    assert performance["engagements_per_post"] == pytest.approx(41.6667, abs=1e-4)
    assert performance["engagements_change"] == {
        "current": 125,
        "previous": 50,
        "change": 75,
        "change_percent": 150.0,
    }

    platforms = answer(invoke, "social-media/platforms", **MARCH)["platforms"]
    assert [
        (p["platform"], p["posts"], p["likes"], p["comments"], p["shares"], p["engagements"], p["reach"])
        for p in platforms
    ] == [("instagram", 1, 60, 0, 15, 75, 1000), ("facebook", 2, 40, 10, 0, 50, 500)]
    assert [(p["engagement_rate_percent"], p["share_of_engagements_percent"]) for p in platforms] == [
        (7.5, 60.0),
        (10.0, 40.0),
    ]

    trends = answer(invoke, "social-media/engagement", interval="week", **MARCH)
    assert week_starts(trends["points"]) == WEEKS
    assert [(p["engagements"], p["reach"], p["engagement_rate_percent"]) for p in trends["points"]] == [
        (50, 500, 10.0),
        (75, 1000, 7.5),
        (0, 0, None),
        (0, 0, None),
        (0, 0, None),
        (0, 0, None),
    ]


@pytest.mark.usefixtures("known")
def test_notification_statistics_delivery_and_channels(invoke: Invoke) -> None:
    stats = answer(invoke, "notifications/statistics", **MARCH)
    assert [stats[k] for k in ("sent", "delivered", "failed", "opened", "clicked")] == [160, 152, 8, 52, 15]
    assert (stats["delivery_rate_percent"], stats["failure_rate_percent"]) == (95.0, 5.0)
    assert stats["open_rate_percent"] == pytest.approx(34.2105, abs=1e-4)  # 52 / 152
    assert stats["click_rate_percent"] == pytest.approx(9.8684, abs=1e-4)  # 15 / 152

    delivery = answer(invoke, "notifications/delivery", interval="week", **MARCH)
    assert (
        delivery["sent"],
        delivery["delivered"],
        delivery["failed"],
        delivery["delivery_rate_percent"],
    ) == (
        160,
        152,
        8,
        95.0,
    )
    assert [(p["sent"], p["delivered"], p["delivery_rate_percent"]) for p in delivery["points"]] == [
        (0, 0, None),
        (150, 144, 96.0),
        (10, 8, 80.0),
        (0, 0, None),
        (0, 0, None),
        (0, 0, None),
    ]

    channels = answer(invoke, "notifications/channels", **MARCH)
    figures = {
        c["channel"]: (c["sent"], c["delivered"], c["failed"], c["opened"], c["clicked"])
        for c in channels["channels"]
    }
    assert figures == {"email": (100, 95, 5, 30, 10), "push": (10, 8, 2, 2, 0), "sms": (50, 49, 1, 20, 5)}
    rates = {
        c["channel"]: (c["delivery_rate_percent"], c["open_rate_percent"], c["click_rate_percent"])
        for c in channels["channels"]
    }
    assert rates["email"] == pytest.approx((95.0, 31.5789, 10.5263), abs=1e-4)
    assert rates["sms"] == pytest.approx((98.0, 40.8163, 10.2041), abs=1e-4)
    assert rates["push"] == pytest.approx((80.0, 25.0, 0.0))
    assert channels["most_effective_channel"] == "email"  # the highest click rate


def add_goal(
    name: str,
    start: dt.date,
    end: dt.date,
    target: float,
    current: float,
    status: GoalStatus,
    probability: float | None = None,
) -> None:
    """A goal as the goals' computation keeps it (analytics.goal_progress): its chance and outlook."""
    outlook = None if probability is None else goal_progress.outlook_of(probability)
    with get_session_factory()() as session, session.begin():
        session.add(
            Goal(
                name=name,
                metric_type=MetricType.DONATION,
                target_value=target,
                current_value=current,
                progress_percentage=current / target * 100,
                start_date=start,
                end_date=end,
                status=status,
                probability=probability,
                outlook=outlook,
            )
        )


@pytest.mark.usefixtures("known")
def test_executive_summary_of_march() -> None:
    active = GoalStatus.ACTIVE
    add_goal("Q1 donations", dt.date(2025, 1, 1), dt.date(2025, 3, 31), 10_000, 5_000, active, 0.02)
    add_goal("Spring beneficiaries", dt.date(2025, 3, 1), dt.date(2025, 4, 30), 1_000, 200, active, 0.4)
    add_goal("Spring partners", dt.date(2025, 3, 1), dt.date(2025, 5, 30), 100, 60, active, 0.85)
    add_goal("Cancelled", dt.date(2025, 1, 1), dt.date(2025, 3, 31), 100, 0, GoalStatus.CANCELLED)
    add_goal("April", dt.date(2025, 4, 1), dt.date(2025, 4, 30), 100, 0, active)  # after the period

    summary = executive_summary(unit_of_work(), InsightPeriod.of(dt.date(2025, 3, 1), dt.date(2025, 3, 31)))

    assert (summary.previous_period.start, summary.previous_period.end) == (
        dt.datetime(2025, 1, 29, tzinfo=dt.UTC),
        dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
    )
    assert (summary.donations.current, summary.donations.previous, summary.donations.change_percent) == (
        1450,
        500,
        190.0,
    )
    assert (summary.donations_count, summary.new_partners) == (4, 3)
    assert (summary.active_partners.value, summary.active_projects.value) == (120, 7)
    assert (summary.projects_completed, summary.beneficiaries_reached) == (2, 180)
    assert summary.social_engagements == 125
    assert summary.social_engagement_rate_percent == pytest.approx(8.3333, abs=1e-4)
    assert (summary.notifications_sent, summary.notification_delivery_rate_percent) == (160, 95.0)
    assert summary.active_goals == 3
    assert [(g.name, g.progress_percent) for g in summary.goals_at_risk] == [
        ("Q1 donations", 50.0),
        ("Spring beneficiaries", 20.0),
    ]
    assert [g.elapsed_percent for g in summary.goals_at_risk] == pytest.approx([100.0, 50.8197], abs=1e-4)
    assert [(g.probability, g.status) for g in summary.goals_at_risk] == [
        (0.02, "off_track"),
        (0.4, "at_risk"),
    ]


def test_executive_summary_with_nothing_sent() -> None:
    summary = executive_summary(unit_of_work(), InsightPeriod.of(dt.date(2025, 3, 1), dt.date(2025, 3, 31)))

    assert summary.donations.current == summary.donations.previous == 0
    assert summary.donations.change_percent is None
    assert summary.active_partners.value == 0 and summary.active_partners.as_of is None
    assert (summary.beneficiaries_reached, summary.social_engagements, summary.notifications_sent) == (
        0,
        0,
        0,
    )
    assert summary.notification_delivery_rate_percent is None
    assert (summary.active_goals, summary.goals_at_risk) == (0, [])


def figures_of(value: Any) -> list[Any]:
    """Every number, null and list in an answer, nested ones too."""
    if isinstance(value, dict):
        return [figure for item in value.values() for figure in figures_of(item)]
    if isinstance(value, list):
        return [value]
    return [value] if value is None or isinstance(value, int | float) else []


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_endpoint_answers_zeros_with_nothing_sent(invoke: Invoke, endpoint: str) -> None:
    body = answer(invoke, endpoint, interval="week", **MARCH)  # endpoints without trends ignore interval

    points = body.pop("points", [])
    assert all(figure in (0, None, []) for figure in figures_of({**body, "period": None}))
    assert week_starts(points) == (WEEKS if points else [])
    assert all(figure in (0, None) for point in points for figure in figures_of(point))
    if endpoint.endswith(("donations", "beneficiaries", "social-media/engagement", "delivery")):
        assert len(points) == len(WEEKS)


@pytest.mark.parametrize("tz", ["UTC", "Asia/Kolkata", "America/New_York"])
def test_the_default_period_is_the_last_30_whole_local_days_today_included(invoke: Invoke, tz: str) -> None:
    before = dt.datetime.now(ZoneInfo(tz))
    result = ask(invoke, "notifications/statistics", tz=tz)
    after = dt.datetime.now(ZoneInfo(tz))

    assert result.status == 200, result.body
    start = dt.datetime.fromisoformat(result.body["period"]["start"]).astimezone(ZoneInfo(tz))
    end = dt.datetime.fromisoformat(result.body["period"]["end"]).astimezone(ZoneInfo(tz))
    assert (start.time(), end.time()) == (dt.time(0), dt.time(0))  # local midnights
    assert end.date() - start.date() == dt.timedelta(days=30)
    assert end.date() - dt.timedelta(days=1) in (before.date(), after.date())  # today is the last day


@pytest.mark.usefixtures("known")
def test_a_time_zone_moves_the_days(invoke: Invoke) -> None:
    # In Los Angeles, March runs from 08:00 UTC on 1 March (PST) to 07:00 UTC on 1 April (PDT): the
    # donations at 12:00 UTC from 2 to 20 March are in, the 999 at 12:00 UTC on 1 April is not.
    body = ask(invoke, "partners/statistics", tz="America/Los_Angeles", **MARCH).body

    assert body["period"] == {
        "start": "2025-03-01T00:00:00-08:00",
        "end": "2025-04-01T00:00:00-07:00",
        "tz": "America/Los_Angeles",
    }
    assert (body["donations_total"], body["donations_count"]) == (1450, 4)


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"start_date": "2025-13-01"}, 422),
        ({"end_date": "yesterday"}, 422),
        ({"start_date": "2025-03-31", "end_date": "2025-03-01"}, 400),
        ({"tz": "Mars/Olympus"}, 400),
        ({"interval": "fortnight"}, 422),
    ],
)
def test_bad_dates_zones_and_intervals_are_refused(
    invoke: Invoke, query: dict[str, str], status: int
) -> None:
    result = ask(invoke, "partners/donations", **query)

    assert result.status == status, result.body
    assert result.body["detail"]


def test_a_breakdown_over_years_is_the_same_before_and_after_the_maintenance_rolls_it_up(
    invoke: Invoke,
) -> None:
    first = dt.date.today() - dt.timedelta(days=1000)  # within the retention window, over two years ago
    days = [(first + dt.timedelta(days=offset)).isoformat() for offset in (0, 500, 999)]
    send(
        [
            item("notes", "notification_sent", 10, days[0], channel="sms"),
            item("notes", "notification_sent", 7, days[1], channel="email"),
            item("notes", "notification_sent", 5, days[2], channel="sms"),
        ],
        invoke,
    )
    years = {"start_date": days[0], "end_date": days[2], "tz": "Europe/Berlin"}

    def sent_per_channel() -> dict[str, int]:
        body = ask(invoke, "notifications/channels", **years).body
        return {c["channel"]: c["sent"] for c in body["channels"]}

    before = sent_per_channel()
    roll_up_dimensions(oldest=dt.date(2020, 1, 1), seconds=60)
    statistics_service.forget_answers()

    assert before == sent_per_channel() == {"sms": 15, "email": 7}


def test_an_unknown_insight_is_404(invoke: Invoke) -> None:
    assert ask(invoke, "partners/unknown").status == 404


HEADLINE = {
    "partners/statistics": "donations_total",
    "partners/donations": "total",
    "partners/engagement": "interactions",
    "partners/breakdown": "partner_types",
    "projects/statistics": "beneficiaries_reached",
    "projects/impact": "by_project_type",
    "projects/completion": "projects_completed",
    "projects/beneficiaries": "total",
    "social-media/performance": "engagements",
    "social-media/platforms": "platforms",
    "social-media/engagement": "points",
    "notifications/statistics": "clicked",
    "notifications/delivery": "delivered",
    "notifications/channels": "channels",
}


def test_the_demo_data_fills_every_insight(invoke: Invoke) -> None:
    metrics = demo_metrics(29, dt.datetime.now(dt.UTC))
    for start in range(0, len(metrics), 1000):
        send(metrics[start : start + 1000], invoke)

    for endpoint in ENDPOINTS:
        body = ask(invoke, endpoint).body  # the last 30 days

        assert body[HEADLINE[endpoint]], f"{endpoint} is empty on demo data: {body}"
    stats = ask(invoke, "partners/statistics").body
    assert stats["active_partners"]["value"] > 0 and stats["new_partners"] > 0
    channels = ask(invoke, "notifications/channels").body
    assert {c["channel"] for c in channels["channels"]} == {"email", "sms", "push"}
    trends = ask(invoke, "social-media/engagement").body
    assert sum(point["engagements"] for point in trends["points"]) > 0
