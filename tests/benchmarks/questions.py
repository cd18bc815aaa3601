"""The questions of issue 26, in the reader's time zone, and the plain SQL over the metrics table that
answers each from the raw rows (the reference every answer is measured beside)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, text

from analytics.db.rollup_sql import QUANTILE_LEVELS
from analytics.enums import ServiceName
from tests.benchmarks.dataset import DAYS, ONE_METRIC, YEARS, DataSet


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    days: int  # whole local days, up to the data set's last day
    group_by: tuple[str, ...]  # as the statistics endpoint takes it
    target_ms: float  # p50 through the handler
    metric_name: str | None = None  # None: every metric
    service_name: ServiceName | None = None  # None: every service

    @property
    def daily(self) -> bool:
        return "date" in self.group_by

    @property
    def series_groups(self) -> tuple[str, ...]:
        """group_by without the day: the groups of a series over time, or of a trend."""
        return tuple(name for name in self.group_by if name != "date")


ONE_METRIC_DAILY = Question(
    "a", f"{ONE_METRIC} per day over {YEARS} years", DAYS, ("date",), 50, metric_name=ONE_METRIC
)
BY_SERVICE_OVER_A_YEAR = Question("b", "statistics by service over a year", 365, ("service_name",), 100)
ALL_METRICS_DAILY = Question(
    "c", f"all metrics per day over {YEARS} years", DAYS, ("metric_name", "date"), 500
)
QUESTIONS = (ONE_METRIC_DAILY, BY_SERVICE_OVER_A_YEAR, ALL_METRICS_DAILY)


@dataclass(frozen=True)
class LocalDays:
    """Whole local days of `tz`, from `first` to `last` (both included)."""

    first: dt.date
    last: dt.date
    tz: str

    @classmethod
    def of(cls, question: Question, tz: str, data: DataSet) -> LocalDays:
        return cls(data.last_day - dt.timedelta(days=question.days - 1), data.last_day, tz)

    @property
    def start(self) -> dt.datetime:
        """The first day's local midnight, in UTC."""
        return local_midnight(self.first, self.tz)

    @property
    def end(self) -> dt.datetime:
        """The local midnight after the last day, in UTC."""
        return local_midnight(self.last + dt.timedelta(days=1), self.tz)

    def dates(self) -> dict[str, str]:
        """The period as the endpoints take it: start_date, end_date and tz."""
        return {"start_date": self.first.isoformat(), "end_date": self.last.isoformat(), "tz": self.tz}


def local_midnight(day: dt.date, tz: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo(tz)).astimezone(dt.UTC)


@dataclass(frozen=True)
class RawFigures:
    """count, sum, avg, min, max and the standard deviation (and p50, p90, p95, p99 with `percentiles`) of
    the raw metrics in [start, end) that match `where`, per group: `date` is the local day of `tz`,
    `dimensions.<key>` a dimension's value, any other name a column."""

    start: dt.datetime
    end: dt.datetime
    tz: str = "UTC"
    where: tuple[tuple[str, str], ...] = ()
    group_by: tuple[str, ...] = ()
    percentiles: bool = False

    @property
    def params(self) -> dict[str, object]:
        where = {f"w{i}": value for i, (_, value) in enumerate(self.where)}
        return {"start": self.start, "end": self.end, "tz": self.tz, **where}

    @property
    def sql(self) -> str:
        groups = [group_expression(name) for name in self.group_by]
        figures = [
            "count(*)",
            "sum(metric_value)",
            "avg(metric_value)",
            "min(metric_value)",
            "max(metric_value)",
            "stddev_pop(metric_value)",
        ]
        if self.percentiles:
            levels = ",".join(str(level) for level in QUANTILE_LEVELS)
            figures.append(
                f"percentile_cont('{{{levels}}}'::double precision[]) WITHIN GROUP (ORDER BY metric_value)"
            )
        filters = "".join(f" AND {column} = :w{i}" for i, (column, _) in enumerate(self.where))
        grouped = f" GROUP BY {', '.join(str(i) for i in range(1, len(groups) + 1))}" if groups else ""
        return (
            f"SELECT {', '.join([*groups, *figures])} FROM metrics "
            f'WHERE "timestamp" >= :start AND "timestamp" < :end{filters}{grouped}'
        )

    def rows(self, connection: Connection) -> int:
        return len(connection.execute(text(self.sql), self.params).all())


def group_expression(name: str) -> str:
    if name == "date":
        return '("timestamp" AT TIME ZONE :tz)::date'
    if name.startswith("dimensions."):
        return f"dimensions ->> '{name.removeprefix('dimensions.')}'"
    return name


def raw_question(question: Question, days: LocalDays, percentiles: bool = True) -> RawFigures:
    """The question as the statistics endpoint answers it, from the raw rows."""
    return RawFigures(
        days.start, days.end, days.tz, tuple(filters(question).items()), question.group_by, percentiles
    )


def filters(question: Question) -> dict[str, str]:
    """The question's metric_name and service_name, as the endpoints take them."""
    named = {"metric_name": question.metric_name, "service_name": question.service_name}
    return {name: str(value) for name, value in named.items() if value is not None}
