"""Demo data for tests that read it back through the service's own clock (the last 30 days by default).

The demo generator draws each day from that day's seed, so a few days may hold none of a rare series
(`project_completed` averages under one a day): such a test would pass or fail by the date it runs on.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from analytics_infra.local.demo import SERIES, DemoDay, generate


def demo_metrics(days_back: int, now: dt.datetime) -> list[dict[str, Any]]:
    """The demo metrics of the `days_back` whole days before `now`'s day, plus one metric of each demo series
    those days happen to lack, so every series is there whatever the date."""
    days = [now.date() - dt.timedelta(days=n) for n in range(days_back, 0, -1)]
    metrics, _ = generate(days, now)
    top_up = DemoDay(days[-1], random.Random(0))
    for name in SERIES.keys() - {metric["metric_name"] for metric in metrics}:
        top_up.metric(name, 1.0, {})
    return metrics + top_up.metrics
