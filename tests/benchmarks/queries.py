"""Query benchmark (issue 26): each question as the statistics endpoint asks the domain (the statistics
service, without the handler around it) in four time zones, beside the same answer from a plain SQL query
over the raw metrics in the same run; and a breakdown by a dimension as insights ask it, whose whole days
come from the dimension rollups.

    python -m tests.benchmarks.queries [--rows 10000000] [--runs 30] [--raw-runs 3] [--scale-check]

Questions and targets as tests.benchmarks.answers (whose figures go through the handlers); the data set of
each size is generated once into its own folder (tests.benchmarks.dataset) and kept. Every answer is
first checked to hold as many groups as the raw query's rows.
"""

from __future__ import annotations

import argparse

from analytics.enums import ServiceName
from analytics.services import statistics as statistics_service
from analytics.statistics import StatisticsQuery
from analytics.wiring import unit_of_work
from tests.benchmarks.common import in_own_process
from tests.benchmarks.dataset import DAYS, YEARS, ZONES, data_set, size_label
from tests.benchmarks.measure import Case, Timing, measure, run_reference
from tests.benchmarks.questions import QUESTIONS, LocalDays, Question, raw_question
from tests.benchmarks.report import print_scale, print_targets

BREAKDOWN = Question(
    "d",
    f"notification metrics per channel over {YEARS} years, no percentiles",
    DAYS,
    ("metric_name", "dimensions.channel"),
    50,
    service_name=ServiceName.NOTIFICATION,
)


def statistics_case(question: Question, days: LocalDays, percentiles: bool = True) -> Case:
    query = StatisticsQuery(
        start=days.start,
        end=days.end,
        service_name=question.service_name,
        metric_name=question.metric_name,
        group_by=question.group_by,
        tz=days.tz,
    )

    def ask() -> int:
        return len(statistics_service.statistics(unit_of_work(), query, percentiles).groups)

    return Case(question, "statistics service", days.tz, ask, (raw_question(question, days, percentiles),))


def groups(size: int) -> str:
    return f"{size:,} groups"


def answers_of(rows: int, runs: int, raw_runs: int) -> list[Timing]:
    with data_set(rows) as data:
        cases = [statistics_case(q, LocalDays.of(q, zone, data)) for q in QUESTIONS for zone in ZONES]
        berlin_days = LocalDays.of(BREAKDOWN, "Europe/Berlin", data)  # its edges are read from raw rows
        cases.append(statistics_case(BREAKDOWN, berlin_days, percentiles=False))
        for case in cases:
            answered, raw = case.ask(), run_reference(case.reference)
            assert answered == raw, f"{case.name}: {answered} groups, {raw} raw rows"
        print(f"{len(cases)} answers in {runs} rounds, their raw references in the first {raw_runs}")
        figures = measure(cases, runs, raw_runs)
    print_targets(figures, groups)
    return [each.timing for each in figures]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=30, help="timed rounds of every answer")
    parser.add_argument("--raw-runs", type=int, default=3, help="of every raw reference")
    parser.add_argument(
        "--scale-check", action="store_true", help="also three times the rows, and the ratios"
    )
    args = parser.parse_args()

    sizes = (args.rows, 3 * args.rows) if args.scale_check else (args.rows,)
    measured = [
        (size_label(rows), in_own_process(answers_of, rows, args.runs, args.raw_runs)) for rows in sizes
    ]
    if args.scale_check:
        print_scale(*measured)


if __name__ == "__main__":
    main()
