"""A period as the fewest rollup rows that tile it: whole UTC days, the whole hours around them and the
stretches outside whole hours, each read from the daily rollups, the hourly rollups and raw rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Tiles:
    """The period [start, end) as whole UTC days [first_day, last_day), whole hours around them and the
    stretches outside its whole hours, each as [from, until) instants."""

    first_day: dt.date
    last_day: dt.date
    hours: tuple[tuple[dt.datetime, dt.datetime], ...]
    raw: tuple[tuple[dt.datetime, dt.datetime], ...]

    @classmethod
    def of(cls, start: dt.datetime, end: dt.datetime) -> Tiles:
        start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
        first_hour = min(ceiling_to(start, HOUR), end)
        last_hour = max(floor_to(end, HOUR), first_hour)
        first_day = min(ceiling_to(first_hour, DAY), last_hour)
        last_day = max(floor_to(last_hour, DAY), first_day)
        return cls(
            first_day.date(),
            last_day.date() if last_day > first_day else first_day.date(),
            pieces_of((first_hour, first_day), (last_day, last_hour)),
            pieces_of((start, first_hour), (last_hour, end)),
        )


HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def floor_to(moment: dt.datetime, step: dt.timedelta) -> dt.datetime:
    return moment - (moment - EPOCH) % step


def ceiling_to(moment: dt.datetime, step: dt.timedelta) -> dt.datetime:
    floor = floor_to(moment, step)
    return floor if floor == moment else floor + step


def pieces_of(*pieces: tuple[dt.datetime, dt.datetime]) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
    return tuple((begin, finish) for begin, finish in pieces if begin < finish)


def within(
    column: str, name: str, pieces: tuple[tuple[dt.datetime, dt.datetime], ...], params: dict[str, Any]
) -> str:
    """SQL keeping rows whose `column` falls in one of `pieces` (FALSE for none), their bounds in `params`."""
    clauses = []
    for i, (begin, finish) in enumerate(pieces):
        params |= {f"{name}_from{i}": begin, f"{name}_until{i}": finish}
        clauses.append(f"({column} >= :{name}_from{i} AND {column} < :{name}_until{i})")
    return f"({' OR '.join(clauses)})" if clauses else "FALSE"
