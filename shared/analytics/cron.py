"""Schedules: standard 5-field cron (what users write) and EventBridge schedule expressions (what AWS runs).

`CronSchedule` validates a standard cron expression (UTC), translates it to the 6-field form an EventBridge
rule's ScheduleExpression takes, and computes its next run. `EventBridgeSchedule` reads a rule's
`cron(...)` or `rate(...)` expression the way the local runner needs it: does it fire in this minute?

Both parse their fields with the same `_parse_field`; they differ only in the field table (day-of-week is
0-7 with 0 and 7 Sunday in standard cron, 1-7 with 1 Sunday in EventBridge) and in how the two day fields
combine: standard cron runs when either restricted day field matches, EventBridge has `?` in one of them.
Problems are `InvalidRequest` (400) naming the expression, the field and what is wrong.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from analytics.errors import InvalidRequest

UTC = dt.UTC
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
_MINUTE = dt.timedelta(minutes=1)
# Searching this many candidate years finds any schedule that runs at all: the longest gap between
# two February 29ths is eight years (2096 -> 2104).
_SEARCH_YEARS = 9

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_NUMBER = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class _Field:
    """One field of a cron expression: its name, its range and the names it accepts."""

    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()  # names[i] stands for the value first_named + i
    first_named: int = 0
    steps: bool = True

    def value(self, token: str, context: str) -> int:
        if token.upper() in self.names:
            return self.first_named + self.names.index(token.upper())
        if not _NUMBER.fullmatch(token):
            known = f" or a name {self.names[0]}-{self.names[-1]}" if self.names else ""
            raise InvalidRequest(f"{context}: {self.name} {token!r} is not a number{known}")
        number = int(token)
        if not self.low <= number <= self.high:
            raise InvalidRequest(f"{context}: {self.name} {number} is out of range {self.low}-{self.high}")
        return number


_MINUTE_FIELD = _Field("minute", 0, 59)
_HOUR_FIELD = _Field("hour", 0, 23)
_DOM_FIELD = _Field("day-of-month", 1, 31)
_MONTH_FIELD = _Field("month", 1, 12, _MONTHS, first_named=1)
_CRON_DOW_FIELD = _Field("day-of-week", 0, 7, _WEEKDAYS, first_named=0)
_EVENTBRIDGE_DOW_FIELD = _Field("day-of-week", 1, 7, _WEEKDAYS, first_named=1, steps=False)
_YEAR_FIELD = _Field("year", 1970, 2199)

_CRON_FIELDS = (_MINUTE_FIELD, _HOUR_FIELD, _DOM_FIELD, _MONTH_FIELD, _CRON_DOW_FIELD)
_EVENTBRIDGE_FIELDS = (*_CRON_FIELDS[:4], _EVENTBRIDGE_DOW_FIELD, _YEAR_FIELD)

_MACROS = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}


def _parse_field(text: str, spec: _Field, context: str) -> frozenset[int]:
    """A comma-separated list of `*`, `a`, `a-b`, each optionally followed by `/step`."""
    values: set[int] = set()
    for item in text.split(","):
        if not item:
            raise InvalidRequest(f"{context}: {spec.name} has an empty list item in {text!r}")
        base, slash, step_text = item.partition("/")
        step = 1
        if slash:
            if not spec.steps:
                raise InvalidRequest(
                    f"{context}: {spec.name} takes no steps ('/') in EventBridge; list the days"
                )
            if not _NUMBER.fullmatch(step_text):
                raise InvalidRequest(f"{context}: {spec.name} step {step_text!r} is not a number")
            step = int(step_text)
            if not 1 <= step <= spec.high - spec.low:
                raise InvalidRequest(
                    f"{context}: {spec.name} step {step} is out of range 1-{spec.high - spec.low}"
                )
        if base == "*":
            start, end = spec.low, spec.high
        elif "-" in base:
            first, _, last = base.partition("-")
            start, end = spec.value(first, context), spec.value(last, context)
            if start > end:
                raise InvalidRequest(f"{context}: {spec.name} range {base} starts after it ends")
        else:
            start = spec.value(base, context)
            end = spec.high if slash else start
        values.update(range(start, end + 1, step))
    return frozenset(values)


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone; schedules need an aware datetime")
    return moment.astimezone(UTC)


def _minute_of(moment: dt.datetime) -> dt.datetime:
    return _utc(moment).replace(second=0, microsecond=0)


@dataclass(frozen=True)
class _Pattern:
    """The minutes a cron expression selects, in one numbering (weekday 0 = Sunday) for both syntaxes."""

    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]
    years: frozenset[int] | None = None  # None: every year
    either_day: bool = False  # standard cron with both day fields restricted: either one matching will do

    def _runs_on(self, day: dt.date) -> bool:
        by_date, by_weekday = day.day in self.days, day.isoweekday() % 7 in self.weekdays
        return (by_date or by_weekday) if self.either_day else (by_date and by_weekday)

    def matches(self, minute: dt.datetime) -> bool:
        return (
            minute.minute in self.minutes
            and minute.hour in self.hours
            and minute.month in self.months
            and (self.years is None or minute.year in self.years)
            and self._runs_on(minute.date())
        )

    def next_after(self, after: dt.datetime) -> dt.datetime | None:
        """The first matching minute strictly after `after`, walking months, then days, then hours."""
        start = _minute_of(after) + _MINUTE
        years = (y for y in range(start.year, dt.MAXYEAR + 1) if self.years is None or y in self.years)
        for year in itertools.islice(years, _SEARCH_YEARS):
            for month in sorted(m for m in self.months if (year, m) >= (start.year, start.month)):
                for day_number in range(1, calendar.monthrange(year, month)[1] + 1):
                    day = dt.date(year, month, day_number)
                    if day < start.date() or not self._runs_on(day):
                        continue
                    for hour in sorted(self.hours):
                        if (day, hour) < (start.date(), start.hour):
                            continue
                        for minute in sorted(self.minutes):
                            candidate = dt.datetime(year, month, day_number, hour, minute, tzinfo=UTC)
                            if candidate >= start:
                                return candidate
        return None


@dataclass(frozen=True)
class _Rate:
    """`rate(N unit)`, aligned to the Unix epoch (see `EventBridgeSchedule`)."""

    minutes: int

    def matches(self, minute: dt.datetime) -> bool:
        return ((minute - _EPOCH) // _MINUTE) % self.minutes == 0

    def next_after(self, after: dt.datetime) -> dt.datetime:
        elapsed = (_utc(after) - _EPOCH) // _MINUTE
        return _EPOCH + (elapsed // self.minutes + 1) * self.minutes * _MINUTE


def _compact(values: Iterable[int], label: Callable[[int], str] = str) -> str:
    """Sorted values as a list of runs: {1, 2, 3, 5} -> "1-3,5"."""
    runs: list[list[int]] = []
    for value in sorted(values):
        if runs and runs[-1][-1] == value - 1:
            runs[-1].append(value)
        else:
            runs.append([value])
    return ",".join(label(run[0]) if len(run) == 1 else f"{label(run[0])}-{label(run[-1])}" for run in runs)


def _fields(text: str, specs: tuple[_Field, ...], context: str) -> list[str]:
    fields = text.split()
    if len(fields) != len(specs):
        names = " ".join(spec.name for spec in specs)
        raise InvalidRequest(f"{context}: has {len(fields)} fields; expected {len(specs)}: {names}")
    return fields


def _never_runs(context: str) -> InvalidRequest:
    return InvalidRequest(f"{context}: never runs (no matching day in {_SEARCH_YEARS} years)")


@dataclass(frozen=True)
class CronSchedule:
    """A standard 5-field cron expression (minute hour day-of-month month day-of-week), in UTC.

    As in standard cron, when both day-of-month and day-of-week are restricted (neither is `*`), a day
    matching either runs the job. EventBridge cannot say that, so `eventbridge_expression` refuses it.
    """

    expression: str
    fields: tuple[str, ...]  # the five fields, macros expanded
    pattern: _Pattern = field(repr=False, compare=False)

    @classmethod
    def parse(cls, expression: str) -> CronSchedule:
        context = f"cron expression {expression!r}"
        text = expression.strip()
        if text.startswith("@"):
            if text.lower() not in _MACROS:
                raise InvalidRequest(f"{context}: unknown macro; expected one of {', '.join(_MACROS)}")
            text = _MACROS[text.lower()]
        fields = _fields(text, _CRON_FIELDS, context)
        minutes, hours, days, months, weekdays = (
            _parse_field(raw, spec, context) for raw, spec in zip(fields, _CRON_FIELDS, strict=True)
        )
        pattern = _Pattern(
            minutes,
            hours,
            days,
            months,
            frozenset(day % 7 for day in weekdays),  # 7 is Sunday too
            either_day=fields[2] != "*" and fields[4] != "*",
        )
        return cls(expression, tuple(fields), pattern)

    def eventbridge_expression(self) -> str:
        """The `cron(...)` ScheduleExpression of an EventBridge rule that runs at the same minutes."""
        minute, hour, dom, month, dow = self.fields
        if dom != "*" and dow != "*":
            raise InvalidRequest(
                f"cron expression {self.expression!r}: runs when day-of-month {dom} or day-of-week {dow}"
                " matches, which EventBridge cannot express; restrict only one of them, e.g."
                f" '{minute} {hour} {dom} {month} *' or '{minute} {hour} * {month} {dow}'"
            )
        p = self.pattern
        day_of_month = "?" if dow != "*" else _eventbridge_field(dom, p.days, _DOM_FIELD)
        day_of_week = "?" if dow == "*" else _compact(p.weekdays, _WEEKDAYS.__getitem__)
        return (
            f"cron({_eventbridge_field(minute, p.minutes, _MINUTE_FIELD)}"
            f" {_eventbridge_field(hour, p.hours, _HOUR_FIELD)} {day_of_month}"
            f" {_eventbridge_field(month, p.months, _MONTH_FIELD)} {day_of_week} *)"
        )

    def next_run(self, after: dt.datetime) -> dt.datetime:
        """The first minute strictly after `after` that the schedule runs in (UTC)."""
        found = self.pattern.next_after(after)
        if found is None:
            raise _never_runs(f"cron expression {self.expression!r}")
        return found

    def matches(self, minute: dt.datetime) -> bool:
        """Whether the schedule runs in the (UTC) minute holding `minute`."""
        return self.pattern.matches(_minute_of(minute))


def _eventbridge_field(text: str, values: frozenset[int], spec: _Field) -> str:
    """`*` stays, a lone step `*/n` or `a/n` becomes `low/n` or `a/n`, anything else is listed."""
    if text == "*":
        return "*"
    step = re.fullmatch(r"(\*|[0-9]+)/([0-9]+)", text)
    if step:
        return f"{spec.low if step[1] == '*' else int(step[1])}/{int(step[2])}"
    return _compact(values)


_RATE = re.compile(r"rate\(\s*(?P<count>[0-9]+)\s+(?P<unit>\w+)\s*\)")
_RATE_UNITS = {"minute": 1, "hour": 60, "day": 24 * 60}
_UNSUPPORTED = {2: "LW", 4: "L#"}  # EventBridge day-of-month and day-of-week specials


@dataclass(frozen=True)
class EventBridgeSchedule:
    """An EventBridge rule's ScheduleExpression, `cron(m h dom month dow year)` or `rate(N unit)`.

    `rate(...)` fires when the number of minutes since the Unix epoch is a multiple of the rate:
    EventBridge counts from the rule's creation, which a local runner does not know; epoch alignment is
    predictable (rate(1 hour) fires on the hour, rate(1 day) at midnight UTC). `L`, `W` and `#` are not
    implemented by the local runner and are refused.
    """

    expression: str
    timing: _Pattern | _Rate = field(repr=False, compare=False)

    @classmethod
    def parse(cls, expression: str) -> EventBridgeSchedule:
        context = f"schedule expression {expression!r}"
        text = expression.strip()
        if text.startswith("rate("):
            return cls(expression, _parse_rate(text, context))
        if not (text.startswith("cron(") and text.endswith(")")):
            raise InvalidRequest(f"{context}: expected cron(...) or rate(...)")
        fields = _fields(text[len("cron(") : -1], _EVENTBRIDGE_FIELDS, context)
        for index, specials in _UNSUPPORTED.items():
            for special in specials:
                if special in fields[index].upper():
                    raise InvalidRequest(
                        f"{context}: not supported by the local runner: {special!r} in"
                        f" {_EVENTBRIDGE_FIELDS[index].name} {fields[index]!r}"
                    )
        if (fields[2] == "?") == (fields[4] == "?"):
            raise InvalidRequest(f"{context}: exactly one of day-of-month and day-of-week must be '?'")
        minutes, hours, days, months, weekdays, years = (
            _parse_field("*" if raw == "?" else raw, spec, context)
            for raw, spec in zip(fields, _EVENTBRIDGE_FIELDS, strict=True)
        )
        pattern = _Pattern(
            minutes,
            hours,
            days,
            months,
            frozenset(day - 1 for day in weekdays),  # EventBridge counts SUN as 1
            years=None if fields[5] == "*" else years,
        )
        return cls(expression, pattern)

    def fires_at(self, minute: dt.datetime) -> bool:
        """Whether the rule fires in the (UTC) minute holding `minute`."""
        return self.timing.matches(_minute_of(minute))

    def next_fire(self, after: dt.datetime) -> dt.datetime:
        """The first minute strictly after `after` in which the rule fires (UTC)."""
        found = self.timing.next_after(after)
        if found is None:
            raise _never_runs(f"schedule expression {self.expression!r}")
        return found


def _parse_rate(text: str, context: str) -> _Rate:
    match = _RATE.fullmatch(text)
    if not match:
        raise InvalidRequest(f"{context}: expected rate(<number> <minutes|hours|days>)")
    count, unit = int(match["count"]), match["unit"].lower().removesuffix("s")
    if unit not in _RATE_UNITS:
        raise InvalidRequest(f"{context}: rate unit {match['unit']!r} is not minute(s), hour(s) or day(s)")
    if count < 1:
        raise InvalidRequest(f"{context}: rate {count} must be at least 1")
    return _Rate(count * _RATE_UNITS[unit])
