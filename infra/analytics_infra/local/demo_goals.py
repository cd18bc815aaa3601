"""Demo goals over the demo data, for the current quarter and month: created once each (by name), as the
demo user, through the goals API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from analytics.enums import Role
from analytics.settings import Settings
from analytics_infra.local.demo import call_function
from analytics_infra.local.demo_dashboards import DEMO_USER
from analytics_infra.local.functions import Functions
from analytics_infra.local.tokens import build_claims

PATH = "/api/v1/goals"


def demo_goals(today: date) -> list[dict[str, Any]]:
    quarter = (today.month - 1) // 3
    quarter_start = date(today.year, quarter * 3 + 1, 1)
    quarter_end = _month_end(date(today.year, quarter * 3 + 3, 1))
    month_start = today.replace(day=1)
    return [
        {
            "name": f"Donations Q{quarter + 1} {today.year}",
            "description": "Donations received this quarter",
            "metric_type": "donation",
            "metric_name": "donation_received",
            "target_value": 3_000_000,
            "unit": "USD",
            "start_date": quarter_start.isoformat(),
            "end_date": quarter_end.isoformat(),
            "alert_threshold": 75,
            "alert_recipients": ["board@example.org"],
        },
        {
            "name": f"New partners {month_start:%B %Y}",
            "description": "Partners who joined this month",
            "metric_type": "partner",
            "metric_name": "new_partner",
            "target_value": 200,
            "unit": "partners",
            "start_date": month_start.isoformat(),
            "end_date": _month_end(month_start).isoformat(),
        },
    ]


def load_demo_goals(
    functions: Functions, settings: Settings, progress: Callable[[str], None], *, today: date | None = None
) -> int:
    """Creates the demo goals the demo user does not have yet; returns how many it created."""
    claims = build_claims(Role.ADMIN, settings, sub=DEMO_USER)
    listed = call_function(functions, "GET", PATH, claims, query={"created_by": DEMO_USER, "limit": "1000"})
    existing = {goal["name"] for goal in listed["items"]}
    wanted = demo_goals(today or datetime.now(UTC).date())
    created = 0
    for goal in wanted:
        if goal["name"] not in existing:
            call_function(functions, "POST", PATH, claims, body=goal)
            created += 1
    progress(f"demo: {created} goals created, {len(wanted) - created} already there")
    return created


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
