"""`up`'s stand-in for EventBridge's schedules: at each UTC minute, the enabled rules with a schedule
expression on moto's default bus whose schedule falls in that minute invoke their targets among the
local functions, one at a time, with the target's input. moto stores rules but never fires them.

`rate(...)` rules fire on minutes aligned to the Unix epoch (analytics.cron.EventBridgeSchedule), not
counted from the rule's creation as on AWS. A failed invocation is reported, not retried."""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TextIO

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from analytics.cron import EventBridgeSchedule
from analytics.errors import InvalidRequest
from analytics_infra.local.aws import REGION, AwsResources
from analytics_infra.local.functions import Functions
from analytics_infra.local.rules import UnsupportedTarget, invocation, scheduled_rules, targets

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient

MINUTE = timedelta(minutes=1)
# Minutes the clock catches up on when firings ran long; behind by more (a suspended laptop), it skips
# to the current minute, as EventBridge does not replay schedules it missed.
MAX_CATCH_UP_MINUTES = 5


@dataclass(frozen=True)
class Firing:
    rule: str
    function: str
    error: str | None  # None: the function returned


def utc_now() -> datetime:
    return datetime.now(UTC)


def minute_of(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


class EventBridgeClock:
    def __init__(
        self,
        events: EventBridgeClient,
        functions: Functions,
        progress: Callable[[str], None],
        *,
        now: Callable[[], datetime] = utc_now,
        log: TextIO = sys.stderr,
    ) -> None:
        self._events = events
        self._functions = functions
        self._progress = progress
        self._now = now
        self._log = log
        self._schedules: dict[str, EventBridgeSchedule | InvalidRequest] = {}  # by expression
        self._reported: set[str] = set()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="eventbridge-clock", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Returns once the firing in hand (if any) has finished."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join()

    def tick(self, minute: datetime) -> list[Firing]:
        """Fires every enabled schedule rule due in `minute` (UTC) and returns what each invoked."""
        minute = minute_of(minute)
        firings: list[Firing] = []
        for rule in list(scheduled_rules(self._events)):
            name = rule["Name"]
            schedule = self._schedule(name, rule["ScheduleExpression"])
            if schedule is None or not schedule.fires_at(minute):
                continue
            try:
                rule_targets = targets(self._events, name)
            except ClientError as exc:  # deleted since it was listed
                self._progress(f"eventbridge: rule {name} skipped: {exc}")
                continue
            for target in rule_targets:
                if self._stopping.is_set():
                    return firings
                try:
                    call = invocation(target, name, minute)
                except UnsupportedTarget as exc:
                    self._report_once(f"{name}/{target['Id']}", f"rule {name}: {exc}, skipped")
                    continue
                firings.append(self._fire(name, call.function, call.event))
        return firings

    def _fire(self, rule: str, function: str, event: Any) -> Firing:
        try:
            self._functions.invoke(function, event)
        except Exception as exc:
            print(f"[{function}] rule {rule} failed:", file=self._log)
            traceback.print_exc(file=self._log)
            firing = Firing(rule, function, f"{type(exc).__name__}: {exc}")
        else:
            firing = Firing(rule, function, None)
        outcome = "ok" if firing.error is None else f"failed: {firing.error}"
        self._progress(f"eventbridge: rule {rule} fired {function} ({outcome})")
        return firing

    def _schedule(self, rule: str, expression: str) -> EventBridgeSchedule | None:
        """The parsed expression; None, reported once per rule, when the local runner cannot read it."""
        if expression not in self._schedules:
            try:
                self._schedules[expression] = EventBridgeSchedule.parse(expression)
            except InvalidRequest as exc:
                self._schedules[expression] = exc
        schedule = self._schedules[expression]
        if isinstance(schedule, InvalidRequest):
            self._report_once(f"{rule}:{expression}", f"rule {rule} skipped: {schedule}")
            return None
        return schedule

    def _report_once(self, key: str, message: str) -> None:
        if key not in self._reported:
            self._reported.add(key)
            self._progress(f"eventbridge: {message}")

    def _run(self) -> None:
        minute = minute_of(self._now()) + MINUTE
        while not self._stopping.wait(max(0.0, (minute - self._now()).total_seconds())):
            behind = (minute_of(self._now()) - minute) // MINUTE
            if behind > MAX_CATCH_UP_MINUTES:
                self._progress(
                    f"eventbridge: the clock was {behind} minutes behind; skipped to the current minute"
                )
                minute = minute_of(self._now())
            try:
                self.tick(minute)
            except (BotoCoreError, ClientError) as exc:
                self._progress(f"eventbridge: cannot read the rules of minute {minute:%H:%M}: {exc}")
            minute += MINUTE


@contextmanager
def running_clock(
    functions: Functions, aws: AwsResources, progress: Callable[[str], None]
) -> Iterator[EventBridgeClock]:
    """The clock firing moto's schedule rules until the block exits (after the firing in hand)."""
    events = boto3.client("events", endpoint_url=aws.endpoint_url, region_name=REGION)
    clock = EventBridgeClock(events, functions, progress)
    clock.start()
    try:
        yield clock
    finally:
        clock.stop()
