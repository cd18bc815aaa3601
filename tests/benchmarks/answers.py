"""Answers benchmark (issue 26): every question through every read endpoint that can ask it, each request
handed to its Lambda handler in-process as API Gateway hands over a reader's, in the four time zones,
beside the same answer from a plain SQL query over the raw metrics in the same run; then the ingest ratio.

    python -m tests.benchmarks.answers [--rows 10000000] [--runs 20] [--raw-runs 3] [--scale-check]
                                       [--zones UTC Europe/Berlin ...] [--no-ingest]

Questions and targets: tests.benchmarks.questions; the data set of each size is generated once into its
own folder (tests.benchmarks.dataset) and kept. Every first answer must be a 200 holding as many groups
(or points, bars, ...) as its raw query's rows; one answering for another period or zone than asked, from
raw rows, or over Lambda's response limit is named before the figures. Not asked: the heatmap chart (three
years are more hours than it takes, 10,000) and the domain insights and executive dashboard (they read
named metrics the data set does not hold). The ingest ratio is measured as tests.benchmarks.ingest measures
it, on a server of its own (with DATABASE_URL set: that database, emptied).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import gzip
import json
import os
import uuid
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlencode

from analytics.answer_size import LAMBDA_RESPONSE_BYTES
from analytics.auth import Principal
from analytics.enums import Role
from analytics.schemas.common import MAX_PAGE_LIMIT
from analytics.schemas.dashboards import DashboardCreate
from analytics.schemas.simple import MAX_SUMMARY_HOURS
from analytics.schemas.statistics import Comparison
from analytics.services import dashboards as dashboard_service
from analytics.services.statistics import comparison_period
from analytics.settings import get_settings
from analytics.wiring import unit_of_work
from analytics_infra.local.authorizer import authorizer_context
from analytics_infra.local.functions import Functions
from analytics_infra.local.gateway import HttpRequest, build_event
from analytics_infra.routes import match, requires_token, takes_optional_token
from tests.benchmarks.common import in_own_process
from tests.benchmarks.dataset import (
    DONATIONS,
    ONE_METRIC,
    ZONES,
    DataSet,
    data_set,
    service_of,
    size_label,
)
from tests.benchmarks.ingest import compare_with_reference
from tests.benchmarks.measure import Case, Timing, measure, run_reference
from tests.benchmarks.questions import (
    ALL_METRICS_DAILY,
    BY_SERVICE_OVER_A_YEAR,
    ONE_METRIC_DAILY,
    LocalDays,
    Question,
    RawFigures,
    filters,
    group_expression,
    raw_question,
)
from tests.benchmarks.report import print_scale, print_targets

FUNCTIONS = Functions()  # each handler imported once, invoked with a context like Lambda's
READER_CLAIMS = {"sub": "benchmark-reader", "roles": [Role.VIEWER.value]}
DASHBOARD_OWNER = Principal(subject="benchmark-analyst", roles=frozenset({Role.ANALYST}))
SUMMARY_FIGURES = ("count(*)", *(f"{figure}(metric_value)" for figure in ("sum", "avg", "min", "max")))


@dataclass(frozen=True)
class RawAnswer(RawFigures):
    """The raw SQL of an answer made of other figures than the statistics' (`figures` per group: a time
    series or a chart of sums, the simple API's summary), over the period, filters and groups as
    RawFigures reads them."""

    figures: tuple[str, ...] = ("sum(metric_value)",)

    @property
    def sql(self) -> str:
        selected = ", ".join([*(group_expression(name) for name in self.group_by), *self.figures])
        return f"SELECT {selected} FROM metrics {super().sql.partition(' FROM metrics ')[2]}"


def with_data(values: list[float | None]) -> int:
    """Buckets that hold metrics: empty ones are null, or zero where the answer fills them (the data set's
    values are all positive)."""
    return sum(value not in (None, 0) for value in values)


def series_points(body: Any) -> int:
    return sum(with_data(series["values"]) for series in body["series"])


def chart_points(body: Any) -> int:
    return sum(with_data(series["data"]) for series in body["series"])


def widget_points(body: Any) -> int:
    for widget in body["widgets"]:
        assert widget["error"] is None, widget
    return sum(chart_points(widget["data"]) for widget in body["widgets"])


def trend_figures(body: Any) -> int:
    """The period's and the comparison period's figure of each group, where there is one."""
    return sum(trend[figure] is not None for trend in body["trends"] for figure in ("current", "previous"))


@dataclass(frozen=True)
class Reading:
    """An endpoint, and what its answer's size counts: `count` of its body, in `unit`s, one per row of its
    raw reference unless `per_raw_row` is false."""

    endpoint: str
    unit: str
    count: Callable[[Any], int]
    per_raw_row: bool = True

    @property
    def label(self) -> str:
        return f"{self.endpoint} ({self.unit})"


STATISTICS = Reading("statistics", "groups", lambda body: len(body["groups"]))
TIME_SERIES = Reading("time-series", "points", series_points)
TRENDS = Reading("trends compare=year", "figures", trend_figures)
AGGREGATIONS = Reading("aggregations", "periods", lambda body: body["total"])
SERIES_CHARTS = {kind: Reading(f"charts/{kind}", "points", chart_points) for kind in ("line", "area")}
CATEGORY_CHARTS = {
    kind: Reading(f"charts/{kind}", unit, lambda body: len(body["labels"]))
    for kind, unit in (("bar", "bars"), ("pie", "slices"))
}
DASHBOARD = Reading("dashboard data", "points", widget_points)
DONATION_TRENDS = Reading(
    "insights donations", "points", lambda body: with_data([point["total"] for point in body["points"]])
)
SIMPLE = Reading("simple summary", "metrics", lambda body: body["count"], per_raw_row=False)


def reader_event(path: str, query: dict[str, str]) -> tuple[str, dict[str, Any]]:
    """The function of GET `path` and the event API Gateway hands it for a reader: without a token where
    reads are open (the optional authorizer's empty context on routes that take one), with a viewer's
    verified claims where the deployment requires tokens for reads."""
    route = match("GET", path)
    assert route is not None, f"no route for GET {path}"
    event = build_event(HttpRequest("GET", f"{path}?{urlencode(query)}" if query else path), route)
    tokens_for_reads = get_settings().REQUIRE_AUTH_FOR_READS
    if requires_token(route, require_auth_for_reads=tokens_for_reads):
        event["requestContext"]["authorizer"] = authorizer_context(READER_CLAIMS)
    elif takes_optional_token(route, require_auth_for_reads=tokens_for_reads):
        event["requestContext"]["authorizer"] = {"lambda": {}}
    event["headers"]["accept-encoding"] = "gzip, deflate, br"  # as browsers and HTTP libraries send it
    return route.function, event


class Answer:
    """A Case's `ask`: the reader's request, handed to its function the same way every time. The answer's
    size is counted from the first one (`first`); timed calls leave the answer unread, as reading a large
    answer's JSON would time the benchmark rather than the handler."""

    def __init__(self, reading: Reading, path: str, query: dict[str, str], days: LocalDays | None) -> None:
        self.reading = reading
        self.days = days  # the period asked, if the request names one
        self.function, self.event = reader_event(path, query)
        self.size = 0
        self.bytes = 0
        self.compressed = False

    def __call__(self) -> int:
        FUNCTIONS.invoke(self.function, self.event)
        return self.size

    def first(self) -> Any:
        """The answer, read; fails unless it is a 200."""
        response = FUNCTIONS.invoke(self.function, self.event)
        assert response["statusCode"] == 200, f"{self.event['rawPath']}: {response}"
        self.bytes = len(response["body"])
        sent = response["body"]
        self.compressed = bool(response.get("isBase64Encoded"))
        body = json.loads(gzip.decompress(base64.b64decode(sent)) if self.compressed else sent)
        self.size = self.reading.count(body)
        return body


def endpoint_case(
    question: Question,
    days: LocalDays | None,
    reading: Reading,
    path: str,
    query: dict[str, str],
    *reference: RawFigures,
) -> Case:
    zone = days.tz if days else "-"
    return Case(question, reading.label, zone, Answer(reading, path, query, days), reference)


def asked_period(question: Question, days: LocalDays) -> dict[str, str]:
    return {**filters(question), **days.dates()}


def grouped(fields: Sequence[str]) -> dict[str, str]:
    return {"group_by": ",".join(fields)} if fields else {}


def sums(question: Question, days: LocalDays) -> RawAnswer:
    """The question's sums per group, from the raw rows: what a series or chart of sums answers."""
    return RawAnswer(days.start, days.end, days.tz, tuple(filters(question).items()), question.group_by)


def statistics_case(question: Question, days: LocalDays) -> Case:
    query = {**asked_period(question, days), **grouped(question.group_by)}
    reference = raw_question(question, days)
    return endpoint_case(question, days, STATISTICS, "/api/v1/metrics/statistics", query, reference)


def time_series_case(question: Question, days: LocalDays) -> Case:
    query = {**asked_period(question, days), "interval": "day", **grouped(question.series_groups)}
    path = "/api/v1/metrics/time-series/data"
    return endpoint_case(question, days, TIME_SERIES, path, query, sums(question, days))


def trends_case(question: Question, days: LocalDays) -> Case:
    """Trends answer no days: the whole period's sum against a year earlier's, both periods with data."""
    compared = {"compare": str(Comparison.YEAR), **grouped(question.series_groups)}
    query = {**asked_period(question, days), **compared}
    where = tuple(filters(question).items())
    earlier = comparison_period(days.start, days.end, Comparison.YEAR)
    periods = (RawAnswer(days.start, days.end, days.tz, where), RawAnswer(*earlier, days.tz, where))
    return endpoint_case(question, days, TRENDS, "/api/v1/metrics/trends", query, *periods)


def aggregations_case(question: Question, days: LocalDays) -> Case:
    """The first page, as large as a page gets; every period is computed for its total."""
    query = {**asked_period(question, days), "level": "day", "limit": str(MAX_PAGE_LIMIT)}
    series = ("service_name", "metric_type", "metric_name", "metric_unit")
    reference = RawFigures(
        days.start, days.end, days.tz, tuple(filters(question).items()), (*series, "date"), percentiles=True
    )
    return endpoint_case(question, days, AGGREGATIONS, "/api/v1/metrics/aggregations", query, reference)


def series_chart_case(kind: str, question: Question, days: LocalDays) -> Case:
    query = {**asked_period(question, days), "interval": "day"}
    reading = SERIES_CHARTS[kind]
    return endpoint_case(question, days, reading, f"/api/v1/charts/{kind}", query, sums(question, days))


def category_chart_case(kind: str, question: Question, days: LocalDays) -> Case:
    """One bar or slice per local day."""
    query = {**asked_period(question, days), **grouped(question.group_by)}
    reading = CATEGORY_CHARTS[kind]
    return endpoint_case(question, days, reading, f"/api/v1/charts/{kind}", query, sums(question, days))


def donations_case(question: Question, days: LocalDays) -> Case:
    """The partner insights' donations per day: the question asked of the donation series."""
    query = {**days.dates(), "interval": "day"}
    reference = RawAnswer(days.start, days.end, days.tz, (("metric_name", DONATIONS),), question.group_by)
    path = "/api/v1/analytics/partners/donations"
    return endpoint_case(question, days, DONATION_TRENDS, path, query, reference)


def dashboard_case(question: Question, days: LocalDays, dashboard_id: uuid.UUID) -> Case:
    """The dashboard's own period and zone: the request names neither."""
    path = f"/api/v1/dashboards/{dashboard_id}/data"
    return endpoint_case(question, days, DASHBOARD, path, {}, sums(question, days))


def simple_case(question: Question) -> Case:
    """The simple API has no zone and no days: the metric's figures over the last three years of hours."""
    now = dt.datetime.now(dt.UTC)
    where = (("service_name", str(get_settings().SIMPLE_API_SERVICE_NAME)), ("metric_name", ONE_METRIC))
    start = now - dt.timedelta(hours=MAX_SUMMARY_HOURS)
    reference = RawAnswer(start, now, where=where, figures=SUMMARY_FIGURES)
    query = {"hours": str(MAX_SUMMARY_HOURS)}
    return endpoint_case(question, None, SIMPLE, f"/metrics/{ONE_METRIC}", query, reference)


def one_widget_dashboard(days: LocalDays) -> DashboardCreate:
    """A public dashboard of one line chart: the metric per day over the local days."""
    widget = {"title": f"{ONE_METRIC} per day", "type": "line", "query": {"metric_name": ONE_METRIC}}
    config = {"filters": days.dates(), "widgets": [widget]}
    name = f"benchmark: {ONE_METRIC} per day, {days.tz}"
    return DashboardCreate.model_validate({"name": name, "is_public": True, "config": config})


@contextmanager
def dashboards(data: DataSet, zones: Sequence[str]) -> Iterator[dict[str, uuid.UUID]]:
    """A dashboard of question (a) per zone, by zone; deleted afterwards, so that the kept data set holds
    none."""
    created = {
        zone: dashboard_service.create_dashboard(
            unit_of_work(), one_widget_dashboard(LocalDays.of(ONE_METRIC_DAILY, zone, data)), DASHBOARD_OWNER
        ).id
        for zone in zones
    }
    try:
        yield created
    finally:
        for dashboard_id in created.values():
            dashboard_service.delete_dashboard(unit_of_work(), dashboard_id, DASHBOARD_OWNER)


DaysCase = Callable[[Question, LocalDays], Case]
ONE_METRIC_ENDPOINTS: tuple[DaysCase, ...] = (
    statistics_case,
    time_series_case,
    trends_case,
    aggregations_case,
    *(partial(series_chart_case, kind) for kind in SERIES_CHARTS),
    *(partial(category_chart_case, kind) for kind in CATEGORY_CHARTS),
)
ALL_METRICS_ENDPOINTS: tuple[DaysCase, ...] = (statistics_case, time_series_case)


def all_cases(data: DataSet, zones: Sequence[str], dashboard_ids: dict[str, uuid.UUID]) -> list[Case]:
    """Question by question, endpoint by endpoint, zone by zone."""
    one_metric = [LocalDays.of(ONE_METRIC_DAILY, zone, data) for zone in zones]
    by_service = [LocalDays.of(BY_SERVICE_OVER_A_YEAR, zone, data) for zone in zones]
    all_metrics = [LocalDays.of(ALL_METRICS_DAILY, zone, data) for zone in zones]
    return [
        *(build(ONE_METRIC_DAILY, days) for build in ONE_METRIC_ENDPOINTS for days in one_metric),
        *(dashboard_case(ONE_METRIC_DAILY, days, dashboard_ids[days.tz]) for days in one_metric),
        *(donations_case(ONE_METRIC_DAILY, days) for days in one_metric),
        simple_case(ONE_METRIC_DAILY),
        *(statistics_case(BY_SERVICE_OVER_A_YEAR, days) for days in by_service),
        *(build(ALL_METRICS_DAILY, days) for build in ALL_METRICS_ENDPOINTS for days in all_metrics),
    ]


def instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def answered_elsewhere(body: Any, days: LocalDays) -> str | None:
    """How the answer's period or zone differs from the local days asked, where the answer names them
    (its start, end and tz, or its period's; a chart over time its first bucket); None when as asked."""
    if "period" in body:
        body = body["period"]
    if "start" in body and "end" in body:
        answered = (instant(body["start"]), instant(body["end"]), body.get("tz", days.tz))
    elif "labels" in body and "series" in body:
        answered = (instant(body["labels"][0]), days.end, days.tz)
    else:
        return None
    asked = (days.start, days.end, days.tz)
    if answered == asked:
        return None
    return f"answered {' to '.join(str(moment) for moment in answered[:2])} in {answered[2]}, asked {asked}"


def check(case: Case) -> None:
    """Asks once, untimed: a 200 holding one group (point, bar...) per row of the raw reference, if its
    size counts those; prints what else stands out."""
    answer = case.ask
    assert isinstance(answer, Answer)
    body = answer.first()
    if answer.reading.per_raw_row:
        raw = run_reference(case.reference)
        assert raw, f"{case.name}: no raw rows (a data set kept from before it was asked? delete its folder)"
        assert answer.size == raw, f"{case.name}: {answer.size} {answer.reading.unit}, {raw} raw rows"
    notes = notes_on(answer, body)
    if notes:
        print(f"  {case.name}: {'; '.join(notes)}")


def notes_on(answer: Answer, body: Any) -> list[str]:
    """What stands out in a first answer: read from raw rows, for another period or zone than asked, or
    too large for Lambda to return."""
    notes = []
    if body.get("source") == "raw":
        notes.append("answered from raw rows")
    elsewhere = answered_elsewhere(body, answer.days) if answer.days else None
    if elsewhere:
        notes.append(elsewhere)
    if answer.compressed:
        notes.append(f"sent gzip-compressed, {answer.bytes / 1e6:,.1f} MB in base64")
    if answer.bytes > LAMBDA_RESPONSE_BYTES:
        notes.append(f"{answer.bytes / 1e6:,.1f} MB, over Lambda's 6 MB response limit")
    return notes


def answer_size(size: int) -> str:
    return f"{size:,}"


def answers_of(rows: int, zones: Sequence[str], runs: int, raw_runs: int) -> list[Timing]:
    # Reads publish no metrics, which Powertools warns about (the test suites ignore it too).
    warnings.filterwarnings("ignore", "No application metrics to publish")
    with data_set(rows) as data, dashboards(data, zones) as dashboard_ids:
        cases = all_cases(data, zones, dashboard_ids)
        print(f"checking the first answer of each of {len(cases)} requests...")
        for each in cases:
            check(each)
        print(f"{len(cases)} answers in {runs} rounds, their raw references in the first {raw_runs}")
        figures = measure(cases, runs, raw_runs)
    print_targets(figures, answer_size)
    return [each.timing for each in figures]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=20, help="timed rounds of every answer")
    parser.add_argument("--raw-runs", type=int, default=3, help="of every raw reference")
    parser.add_argument(
        "--scale-check", action="store_true", help="also three times the rows, and the ratios"
    )
    parser.add_argument("--zones", nargs="+", choices=ZONES, default=list(ZONES), help="default: all four")
    parser.add_argument("--no-ingest", action="store_true", help="skip the ingest ratio")
    args = parser.parse_args()

    # The simple API reads the metrics of one service: the one the data set's metric comes from.
    os.environ["SIMPLE_API_SERVICE_NAME"] = str(service_of(ONE_METRIC))
    sizes = (args.rows, 3 * args.rows) if args.scale_check else (args.rows,)
    measured = [
        (size_label(rows), in_own_process(answers_of, rows, args.zones, args.runs, args.raw_runs))
        for rows in sizes
    ]
    if args.scale_check:
        print_scale(*measured)
    if not args.no_ingest:
        print("\ningest ratio: the SQS consumer against PostgreSQL's fastest idempotent load")
        compare_with_reference()


if __name__ == "__main__":
    main()
