"""Demo dashboards (spec/001's default and public dashboards): a default, public dashboard for each
dashboard type whose metrics the demo data holds, and one private dashboard, all reading the demo
metrics. Created through the dashboards API as an admin (defaults are admins' to set), after the demo
metrics are stored (a widget's metric must exist when it is saved). Loading again creates only the
dashboards the demo user does not have yet, by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from analytics.enums import Role
from analytics.settings import Settings
from analytics_infra.local.demo import call_function
from analytics_infra.local.functions import Functions
from analytics_infra.local.tokens import build_claims

DEMO_USER = "local-demo"
PATH = "/api/v1/dashboards"


def _widget(
    widget_id: str,
    title: str,
    kind: str,
    query: dict[str, Any],
    layout: tuple[int, int, int, int],
    **extra: Any,
) -> dict[str, Any]:
    x, y, w, h = layout
    return {
        "id": widget_id,
        "title": title,
        "type": kind,
        "query": query,
        "layout": {"x": x, "y": y, "w": w, "h": h},
        **extra,
    }


def _dashboard(
    name: str, dashboard_type: str, description: str, widgets: list[dict[str, Any]], **fields: Any
) -> dict[str, Any]:
    return {
        "name": name,
        "dashboard_type": dashboard_type,
        "description": description,
        "is_default": True,
        "is_public": True,
        "config": {"filters": {"relative_range": "last_30_days", "tz": "UTC"}, "widgets": widgets},
        **fields,
    }


DONATIONS = {"metric_name": "donation_received"}

DEMO_DASHBOARDS: list[dict[str, Any]] = [
    _dashboard(
        "Executive overview",
        "executive",
        "The platform at a glance: giving, reach, projects and goals over the last 30 days.",
        [
            _widget("donations", "Donations", "number", {**DONATIONS, "compare": "previous"}, (0, 0, 3, 2)),
            _widget(
                "beneficiaries",
                "Beneficiaries reached",
                "number",
                {"metric_name": "beneficiaries_reached", "compare": "previous"},
                (3, 0, 3, 2),
            ),
            _widget(
                "new-partners",
                "New partners",
                "number",
                {"metric_name": "new_partner", "agg": "count"},
                (6, 0, 3, 2),
            ),
            _widget(
                "projects-completed",
                "Projects completed",
                "number",
                {"metric_name": "project_completed", "agg": "count"},
                (9, 0, 3, 2),
            ),
            _widget(
                "donations-per-day",
                "Donations per day",
                "line",
                {**DONATIONS, "interval": "day"},
                (0, 2, 8, 4),
            ),
            _widget("goals", "Goals", "goal", {}, (8, 2, 4, 4)),
            _widget(
                "reach-by-platform",
                "Social reach by platform",
                "pie",
                {"metric_name": "reach", "group_by": ["dimensions.platform"]},
                (0, 6, 6, 4),
            ),
            _widget(
                "notifications-sent",
                "Notifications sent",
                "area",
                {"metric_name": "notification_sent", "group_by": ["dimensions.channel"], "interval": "week"},
                (6, 6, 6, 4),
                filters={"relative_range": "last_90_days"},
            ),
        ],
    ),
    _dashboard(
        "Fundraising",
        "partner",
        "Who gives, where from, and when.",
        [
            _widget("total", "Donated", "number", {**DONATIONS, "compare": "previous"}, (0, 0, 4, 2)),
            _widget("gifts", "Gifts", "number", {**DONATIONS, "agg": "count"}, (4, 0, 4, 2)),
            _widget("average", "Average gift", "number", {**DONATIONS, "agg": "avg"}, (8, 0, 4, 2)),
            _widget(
                "by-partner-type",
                "By partner type",
                "pie",
                {**DONATIONS, "group_by": ["dimensions.partner_type"]},
                (0, 2, 6, 4),
            ),
            _widget(
                "weekly",
                "Donations per week",
                "line",
                {**DONATIONS, "interval": "week", "group_by": ["dimensions.partner_type"]},
                (6, 2, 6, 4),
                filters={"relative_range": "last_365_days"},
            ),
            _widget(
                "countries",
                "Top countries",
                "table",
                {**DONATIONS, "group_by": ["dimensions.country"], "limit": 10},
                (0, 6, 6, 5),
            ),
            _widget("when", "When people give", "heatmap", {**DONATIONS, "agg": "count"}, (6, 6, 6, 5)),
            _widget("donation-goals", "Donation goals", "goal", {"metric_type": "donation"}, (0, 11, 12, 3)),
        ],
    ),
    _dashboard(
        "Projects and impact",
        "project",
        "People reached and projects delivered, by project type.",
        [
            _widget(
                "reached",
                "Beneficiaries reached",
                "number",
                {"metric_name": "beneficiaries_reached", "compare": "previous"},
                (0, 0, 4, 2),
            ),
            _widget(
                "started",
                "Projects started",
                "number",
                {"metric_name": "project_created", "agg": "count"},
                (4, 0, 4, 2),
            ),
            _widget(
                "completed",
                "Projects completed",
                "number",
                {"metric_name": "project_completed", "agg": "count"},
                (8, 0, 4, 2),
            ),
            _widget(
                "reached-by-type",
                "Reached by project type",
                "bar",
                {"metric_name": "beneficiaries_reached", "group_by": ["dimensions.project_type"]},
                (0, 2, 6, 4),
            ),
            _widget(
                "reached-per-week",
                "Reached per week",
                "area",
                {
                    "metric_name": "beneficiaries_reached",
                    "interval": "week",
                    "group_by": ["dimensions.project_type"],
                },
                (6, 2, 6, 4),
                filters={"relative_range": "last_90_days"},
            ),
        ],
    ),
    _dashboard(
        "Social media",
        "social_media",
        "Reach and engagement by platform.",
        [
            _widget(
                "reach", "Reach", "number", {"metric_name": "reach", "compare": "previous"}, (0, 0, 4, 2)
            ),
            _widget(
                "likes", "Likes", "number", {"metric_name": "post_likes", "compare": "previous"}, (4, 0, 4, 2)
            ),
            _widget(
                "posts", "Posts", "number", {"metric_name": "post_created", "agg": "count"}, (8, 0, 4, 2)
            ),
            _widget(
                "reach-by-platform",
                "Reach by platform",
                "pie",
                {"metric_name": "reach", "group_by": ["dimensions.platform"]},
                (0, 2, 6, 4),
            ),
            _widget(
                "likes-per-day",
                "Likes per day",
                "line",
                {"metric_name": "post_likes", "group_by": ["dimensions.platform"]},
                (6, 2, 6, 4),
            ),
        ],
    ),
    _dashboard(
        "Notifications",
        "notification",
        "Messages sent, delivered and failed, by channel.",
        [
            _widget(
                "sent",
                "Sent",
                "number",
                {"metric_name": "notification_sent", "compare": "previous"},
                (0, 0, 4, 2),
            ),
            _widget("failed", "Failed", "number", {"metric_name": "notification_failed"}, (4, 0, 4, 2)),
            _widget("opened", "Opened", "number", {"metric_name": "notification_opened"}, (8, 0, 4, 2)),
            _widget(
                "by-channel",
                "Notifications by channel and kind",
                "table",
                {"metric_type": "notification", "group_by": ["dimensions.channel", "metric_name"]},
                (0, 2, 6, 5),
            ),
            _widget(
                "failures",
                "Failures per day",
                "bar",
                {"metric_name": "notification_failed", "group_by": ["dimensions.channel"]},
                (6, 2, 6, 5),
            ),
        ],
    ),
    _dashboard(
        "Large gifts in the US (draft)",
        "custom",
        "A private working dashboard: only its creator and admins see it.",
        [
            _widget(
                "us-gifts",
                "US gifts per day",
                "line",
                {**DONATIONS, "interval": "day", "agg": "max"},
                (0, 0, 12, 4),
                filters={"dimensions": {"country": "US"}},
            ),
        ],
        is_default=False,
        is_public=False,
    ),
]


def load_demo_dashboards(functions: Functions, settings: Settings, progress: Callable[[str], None]) -> int:
    """Creates the demo dashboards the demo user does not have yet; returns how many it created."""
    claims = build_claims(Role.ADMIN, settings, sub=DEMO_USER)
    listed = call_function(functions, "GET", PATH, claims, query={"created_by": DEMO_USER, "limit": "1000"})
    existing = {dashboard["name"] for dashboard in listed["items"]}
    created = 0
    for dashboard in DEMO_DASHBOARDS:
        if dashboard["name"] not in existing:
            call_function(functions, "POST", PATH, claims, body=dashboard)
            created += 1
    progress(f"demo: {created} dashboards created, {len(DEMO_DASHBOARDS) - created} already there")
    return created
