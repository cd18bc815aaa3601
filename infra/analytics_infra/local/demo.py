"""Demo data: 18 months of the platform's metrics and tracked events ending today, with growth, weekly
seasonality and a year-end giving peak. Each day's data is drawn from its own seeded generator and
carries deterministic idempotency keys, so loading it again stores nothing twice. It is loaded the way
a sibling service would send it: bulk requests to the public API, as the `service` role."""

from __future__ import annotations

import json
import math
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import text

from analytics.db.engine import get_engine
from analytics.enums import Role
from analytics.settings import Settings
from analytics_infra.local.authorizer import authorizer_context
from analytics_infra.local.errors import LocalRunnerError
from analytics_infra.local.functions import Functions
from analytics_infra.local.gateway import HttpRequest, build_event, to_http_response
from analytics_infra.local.tokens import build_claims
from analytics_infra.routes import match

SEED = "analytics-demo"
MONTHS = 18
BATCH_SIZE = 1000
REFERENCE_DAY = date(2024, 1, 1)  # growth counts from here, so a day's data never depends on the run date
ANNUAL_GROWTH = 0.3

# Weekly seasonality, Monday first: giving peaks on Sundays, work and messages drop at weekends.
GIVING_WEEK = (1.0, 0.95, 0.95, 1.0, 1.1, 0.8, 1.45)
WORK_WEEK = (1.1, 1.15, 1.1, 1.05, 1.0, 0.6, 0.5)
MESSAGE_WEEK = (1.2, 1.1, 1.0, 1.0, 0.95, 0.5, 0.45)

# metric_name: (service_name, metric_type, unit)
SERIES = {
    "donation_received": ("partners_crm", "donation", "USD"),
    "new_partner": ("partners_crm", "partner", "count"),
    "project_created": ("projects", "project", "count"),
    "project_completed": ("projects", "project", "count"),
    "beneficiaries_reached": ("projects", "beneficiary", "people"),
    "post_created": ("social_media", "social_post", "count"),
    "post_likes": ("social_media", "engagement", "count"),
    "post_shares": ("social_media", "engagement", "count"),
    "post_comments": ("social_media", "engagement", "count"),
    "reach": ("social_media", "engagement", "count"),
    "notification_sent": ("notification", "notification", "count"),
    "notification_delivered": ("notification", "notification", "count"),
    "notification_opened": ("notification", "notification", "count"),
    "notification_failed": ("notification", "notification", "count"),
    # What the domain insights read beyond the above (analytics.insight_metrics).
    "active_partners": ("partners_crm", "partner", "count"),
    "partner_interaction": ("partners_crm", "engagement", "count"),
    "active_projects": ("projects", "project", "count"),
    "notification_clicked": ("notification", "notification", "count"),
}
PARTNER_TYPES = {"individual": 0.7, "church": 0.12, "organization": 0.1, "foundation": 0.08}
GIFT_SIZE = {
    "individual": (60, 0.8),
    "church": (400, 0.6),
    "organization": (1200, 0.7),
    "foundation": (5000, 0.6),
}
DONOR_COUNTRIES = {
    "US": 0.5,
    "CA": 0.08,
    "GB": 0.1,
    "DE": 0.07,
    "KE": 0.1,
    "UG": 0.05,
    "IN": 0.05,
    "BR": 0.05,
}
CURRENCIES = {
    "US": "USD",
    "CA": "CAD",
    "GB": "GBP",
    "DE": "EUR",
    "KE": "KES",
    "UG": "UGX",
    "IN": "INR",
    "BR": "BRL",
}
PROJECT_TYPES = {"water": 120, "education": 80, "health": 150, "food_security": 200, "shelter": 40}
PROJECT_COUNTRIES = {"KE": 0.25, "UG": 0.2, "IN": 0.2, "PH": 0.15, "HT": 0.1, "GT": 0.1}
PLATFORMS = {
    "facebook": (2.0, 900, 0.05),
    "instagram": (2.5, 1200, 0.07),
    "twitter": (3.0, 600, 0.03),
    "linkedin": (1.0, 500, 0.04),
}  # posts a day, reach per post, likes per reach
CONTENT_TYPES = ("story", "update", "appeal", "video")
CHANNELS = {"email": (1800, 0.97, 0.24), "sms": (300, 0.985, 0.45), "push": (900, 0.93, 0.12)}
EVENTS = {
    "donation_page_view": 0.33,
    "project_viewed": 0.22,
    "donation_started": 0.12,
    "donation_completed": 0.08,
    "user_signup": 0.08,
    "login": 0.12,
    "newsletter_subscribed": 0.05,
}
SOURCES = ("organic", "email", "social", "direct", "referral")
DEVICES = ("desktop", "mobile", "tablet")


@dataclass
class Tally:
    sent: int = 0
    created: int = 0
    duplicates: int = 0


@dataclass
class DemoDay:
    """One day's items, numbered per name so each gets a stable idempotency key."""

    day: date
    rng: random.Random
    metrics: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    _numbers: Counter[str] = field(default_factory=Counter)

    def key(self, name: str) -> str:
        number = self._numbers[name]
        self._numbers[name] += 1
        return f"demo:{name}:{self.day.isoformat()}:{number}"

    def moment(self) -> datetime:
        """A time of day, mostly in working hours."""
        hour = min(23, max(0, round(self.rng.gauss(14, 4))))
        start = datetime(self.day.year, self.day.month, self.day.day, hour, tzinfo=UTC)
        return start + timedelta(seconds=self.rng.randrange(3600))

    def metric(self, name: str, value: float, dimensions: dict[str, str], at: datetime | None = None) -> None:
        service, metric_type, unit = SERIES[name]
        self.metrics.append(
            {
                "service_name": service,
                "metric_type": metric_type,
                "metric_name": name,
                "value": value,
                "unit": unit,
                "dimensions": dimensions,
                "timestamp": _iso(at or self.moment()),
                "idempotency_key": self.key(name),
            }
        )

    def event(self, name: str, user_id: str, properties: dict[str, Any]) -> None:
        self.events.append(
            {
                "event_name": name,
                "user_id": user_id,
                "properties": properties,
                "timestamp": _iso(self.moment()),
                "idempotency_key": self.key(name),
            }
        )


def demo_days(today: date) -> list[date]:
    """Every day of the 18 months ending `today`."""
    month_index = today.year * 12 + today.month - 1 - MONTHS
    year, month = divmod(month_index, 12)
    first = date(year, month + 1, 1)
    start = first.replace(day=min(today.day, _days_in_month(first)))
    return [start + timedelta(days=n) for n in range((today - start).days + 1)]


def generate_day(day: date) -> DemoDay:
    """The metrics and events of one day; the same day always gives the same items."""
    built = DemoDay(day, random.Random(f"{SEED}:{day.isoformat()}"))
    growth = max(0.5, 1 + ANNUAL_GROWTH * (day - REFERENCE_DAY).days / 365.25)
    year_end = 1.5 if day.month == 12 else 1.0
    weekday = day.weekday()
    _donations(built, growth * year_end * GIVING_WEEK[weekday])
    _projects(built, growth * WORK_WEEK[weekday])
    _social(built, growth * WORK_WEEK[weekday])
    _notifications(built, growth * MESSAGE_WEEK[weekday])
    _tracked_events(built, growth * GIVING_WEEK[weekday])
    _activity(built, growth, weekday)
    return built


def generate(days: list[date], now: datetime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """All metrics and events of `days`, leaving out what would lie in the future."""
    metrics: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    cutoff = _iso(now)
    for day in days:
        built = generate_day(day)
        metrics.extend(m for m in built.metrics if m["timestamp"] <= cutoff)
        events.extend(e for e in built.events if e["timestamp"] <= cutoff)
    return metrics, events


def load_demo(
    functions: Functions,
    settings: Settings,
    progress: Callable[[str], None],
    *,
    now: datetime | None = None,
    stored_keys: Callable[[], set[str]] | None = None,
) -> tuple[Tally, Tally]:
    """Generates the demo data and posts it in bulk to the metrics and events functions, leaving out what
    an earlier run stored (`stored_keys`: the stored demo items' idempotency keys, from the database)."""
    now = now or datetime.now(UTC)
    days = demo_days(now.date())
    metrics, events = generate(days, now)
    progress(f"demo: {len(metrics):,} metrics and {len(events):,} events from {days[0]} to {days[-1]}")
    stored = (stored_keys or stored_demo_keys)()
    metrics = [item for item in metrics if item["idempotency_key"] not in stored]
    events = [item for item in events if item["idempotency_key"] not in stored]
    if stored:
        progress(f"demo: {len(stored):,} items stored by an earlier run are not sent again")
    began = time.monotonic()
    claims = build_claims(Role.SERVICE, settings, sub="local-demo")
    metric_tally = _post_all(functions, "metrics", metrics, claims, progress)
    event_tally = _post_all(functions, "events", events, claims, progress)
    progress(
        f"demo: loaded in {time.monotonic() - began:.1f}s: "
        f"metrics {metric_tally.created:,} new, {metric_tally.duplicates:,} already stored; "
        f"events {event_tally.created:,} new, {event_tally.duplicates:,} already stored"
    )
    return metric_tally, event_tally


def stored_demo_keys() -> set[str]:
    """The idempotency keys of demo items already stored (a restart on the same data folder)."""
    with get_engine().connect() as connection:
        rows = connection.execute(
            text(
                "SELECT idempotency_key FROM metric_keys WHERE idempotency_key LIKE 'demo:%' "
                "UNION ALL SELECT idempotency_key FROM event_keys WHERE idempotency_key LIKE 'demo:%'"
            )
        )
        return {key for (key,) in rows}


def _donations(day: DemoDay, rate: float) -> None:
    rng = day.rng
    for _ in range(_count(rng, 22 * rate)):
        partner_type = _pick(rng, PARTNER_TYPES)
        country = _pick(rng, DONOR_COUNTRIES)
        median, spread = GIFT_SIZE[partner_type]
        amount = round(rng.lognormvariate(math.log(median), spread), 2)
        day.metric(
            "donation_received",
            amount,
            {
                "partner_type": partner_type,
                "currency": CURRENCIES[country],
                "country": country,
                "partner_id": f"P-{rng.randint(1, 2500):05d}",
            },
        )
    for _ in range(_count(rng, 2.5 * rate)):
        partner = {"partner_type": _pick(rng, PARTNER_TYPES), "country": _pick(rng, DONOR_COUNTRIES)}
        day.metric("new_partner", 1.0, partner)


def _projects(day: DemoDay, rate: float) -> None:
    rng = day.rng
    for name, per_day in (("project_created", 0.4), ("project_completed", 0.3)):
        for _ in range(_count(rng, per_day * rate)):
            project = {
                "project_type": rng.choice(list(PROJECT_TYPES)),
                "country": _pick(rng, PROJECT_COUNTRIES),
            }
            day.metric(name, 1.0, project)
    start_of_day = _start_of(day.day)
    for project_type, people in PROJECT_TYPES.items():
        reached = round(people * rate * rng.lognormvariate(0, 0.25))
        where = {"project_type": project_type, "country": _pick(rng, PROJECT_COUNTRIES)}
        day.metric("beneficiaries_reached", float(reached), where, start_of_day)


def _social(day: DemoDay, rate: float) -> None:
    rng = day.rng
    start_of_day = _start_of(day.day)
    for platform, (posts_a_day, reach_per_post, like_rate) in PLATFORMS.items():
        posts = _count(rng, posts_a_day * rate)
        for _ in range(posts):
            day.metric("post_created", 1.0, {"platform": platform, "content_type": rng.choice(CONTENT_TYPES)})
        reach = round(max(posts, 1) * reach_per_post * rng.lognormvariate(0, 0.3))
        likes = round(reach * like_rate * rng.lognormvariate(0, 0.2))
        for name, value in (
            ("reach", reach),
            ("post_likes", likes),
            ("post_shares", round(likes * 0.12)),
            ("post_comments", round(likes * 0.08)),
        ):
            day.metric(name, float(value), {"platform": platform}, start_of_day)


def _notifications(day: DemoDay, rate: float) -> None:
    rng = day.rng
    start_of_day = _start_of(day.day)
    for channel, (per_day, delivery_rate, open_rate) in CHANNELS.items():
        sent = round(per_day * rate * rng.lognormvariate(0, 0.15))
        delivered = round(sent * min(1.0, rng.gauss(delivery_rate, 0.005)))
        opened = round(delivered * max(0.0, rng.gauss(open_rate, 0.02)))
        for name, value in (
            ("notification_sent", sent),
            ("notification_delivered", delivered),
            ("notification_opened", opened),
            ("notification_failed", sent - delivered),
        ):
            day.metric(name, float(value), {"channel": channel}, start_of_day)


INTERACTION_TYPES = {"email": 0.45, "call": 0.25, "meeting": 0.18, "visit": 0.12}
CLICKS_PER_OPEN = {"email": 0.3, "sms": 0.2, "push": 0.12}


def _activity(day: DemoDay, growth: float, weekday: int) -> None:
    """Active partners and projects (daily snapshots), partner interactions and clicked notifications,
    drawn from a generator of their own so that the other series stay as they were."""
    rng = random.Random(f"{SEED}:activity:{day.day.isoformat()}")
    start_of_day = _start_of(day.day)
    day.metric("active_partners", float(round(1500 * growth + rng.gauss(0, 10))), {}, start_of_day)
    day.metric("active_projects", float(round(45 * growth + rng.gauss(0, 2))), {}, start_of_day)
    for _ in range(_count(rng, 9 * growth * WORK_WEEK[weekday])):
        kind = {"interaction_type": _pick(rng, INTERACTION_TYPES), "partner_type": _pick(rng, PARTNER_TYPES)}
        day.metric("partner_interaction", 1.0, kind, start_of_day + timedelta(seconds=rng.randrange(86_400)))
    opens = [m for m in day.metrics if m["metric_name"] == "notification_opened"]
    opened = {m["dimensions"]["channel"]: m["value"] for m in opens}
    for channel, share in CLICKS_PER_OPEN.items():
        clicked = round(opened.get(channel, 0.0) * share * rng.lognormvariate(0, 0.15))
        day.metric("notification_clicked", float(clicked), {"channel": channel}, start_of_day)


def _tracked_events(day: DemoDay, rate: float) -> None:
    rng = day.rng
    for _ in range(_count(rng, 16 * rate)):
        name = _pick(rng, EVENTS)
        user_id = f"user-{rng.randint(1, 4000):05d}"
        source, device = rng.choice(SOURCES), rng.choice(DEVICES)
        amount = round(rng.lognormvariate(math.log(60), 0.8), 2)
        properties: dict[str, dict[str, Any]] = {
            "donation_page_view": {"page": "/donate", "source": source, "device": device},
            "project_viewed": {"project_type": rng.choice(list(PROJECT_TYPES)), "source": source},
            "donation_started": {"amount": amount, "currency": "USD", "device": device},
            "donation_completed": {"amount": amount, "currency": "USD", "partner_type": "individual"},
            "user_signup": {"source": source, "device": device},
            "login": {"device": device},
            "newsletter_subscribed": {"source": source},
        }
        day.event(name, user_id, properties[name])


def _post_all(
    functions: Functions,
    kind: str,
    items: list[dict[str, Any]],
    claims: dict[str, Any],
    progress: Callable[[str], None],
) -> Tally:
    tally = Tally()
    for batch in _batches(items):
        answer = call_function(functions, "POST", f"/api/v1/{kind}/bulk", claims, body={kind: batch})
        if answer.get("failed"):
            first = answer["errors"][0]
            raise LocalRunnerError(
                f"the API rejected {answer['failed']} demo {kind}; item {first['index']}: {first['detail']}"
            )
        tally.sent += len(batch)
        tally.created += answer["created"]
        tally.duplicates += answer["duplicates"]
        progress(f"demo: {kind} {tally.sent:,}/{len(items):,}")
    return tally


def call_function(
    functions: Functions,
    method: str,
    path: str,
    claims: dict[str, Any],
    *,
    query: dict[str, str] | None = None,
    body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Calls a route's function directly, as API Gateway would with these token claims; its JSON answer."""
    route = match(method, path)
    assert route is not None, f"the route table has no {method} {path}"
    target = f"{path}?{urlencode(query)}" if query else path
    payload = json.dumps(body).encode() if body is not None else b""
    request = HttpRequest(
        method, target, [("host", "127.0.0.1"), ("content-type", "application/json")], payload
    )
    event = build_event(request, route)
    event["requestContext"]["authorizer"] = authorizer_context(claims)
    request_id = event["requestContext"]["requestId"]
    response = to_http_response(functions.invoke(route.function, event), request_id=request_id)
    if response.status not in (200, 201):
        detail = response.body[:500].decode(errors="replace")
        raise LocalRunnerError(f"demo: {method} {path} failed: HTTP {response.status} {detail}")
    answer: dict[str, Any] = json.loads(response.body)
    return answer


def _batches(items: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(items), BATCH_SIZE):
        yield items[start : start + BATCH_SIZE]


def _count(rng: random.Random, mean: float) -> int:
    return max(0, round(rng.gauss(mean, math.sqrt(mean))))


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _start_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _days_in_month(first: date) -> int:
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return (following - first).days
