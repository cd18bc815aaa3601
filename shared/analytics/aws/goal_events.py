"""Goal alerts as events on the service's EventBridge bus, for whatever subscribes to them."""

from __future__ import annotations

import json
from typing import Any

from analytics.aws.clients import client
from analytics.errors import Unavailable

SOURCE = "analytics-service"


class EventBridgeGoalEvents:
    def __init__(self, bus_name: str) -> None:
        self._bus_name = bus_name

    def publish(self, detail_type: str, detail: dict[str, Any]) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        entry = {
            "Source": SOURCE,
            "DetailType": detail_type,
            "Detail": json.dumps(detail, default=str),
            "EventBusName": self._bus_name,
        }
        try:
            failed = client("events").put_events(Entries=[entry]).get("FailedEntryCount", 0)
        except (BotoCoreError, ClientError) as exc:
            raise Unavailable(f"cannot publish {detail_type} on {self._bus_name}: {exc}") from exc
        if failed:
            raise Unavailable(f"EventBridge refused {detail_type} on {self._bus_name}")
