"""How far back raw metrics and events are kept (ANALYTICS_RETENTION_DAYS), and what follows for new items.

The daily retention task drops raw rows a month at a time, together with the idempotency keys that made
each of them stored once, while the rollups keep their counts forever. An item older than the retention
window would go at the next run and, its key forgotten, be counted in the rollups again every time it
was sent: it is refused wherever items come in (the ingest queue, the API, pull syncs).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from analytics.errors import InvalidRequest
from analytics.settings import get_settings


def oldest_kept(now: dt.datetime) -> dt.datetime:
    """The oldest instant an item may have: `now` less the retention window."""
    return now - dt.timedelta(days=get_settings().ANALYTICS_RETENTION_DAYS)


def is_expired(timestamp: dt.datetime | None, oldest: dt.datetime) -> bool:
    """Whether an item's timestamp is before `oldest` (naive means UTC; None means the time it arrives)."""
    if timestamp is None:
        return False
    return (timestamp if timestamp.tzinfo else timestamp.replace(tzinfo=dt.UTC)) < oldest


def expired_detail(oldest: dt.datetime) -> list[dict[str, Any]]:
    days = get_settings().ANALYTICS_RETENTION_DAYS
    return [
        {
            "loc": ["timestamp"],
            "msg": f"older than the {days} days raw data is kept for (before {oldest:%Y-%m-%dT%H:%M:%SZ})",
            "type": "timestamp_expired",
        }
    ]


def refuse_expired(timestamp: dt.datetime | None) -> None:
    """Raises InvalidRequest (a 400) for a timestamp older than the retention window."""
    oldest = oldest_kept(dt.datetime.now(dt.UTC))
    if is_expired(timestamp, oldest):
        raise InvalidRequest(expired_detail(oldest))
