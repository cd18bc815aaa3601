"""Interleaved timing of answers beside their raw SQL reference: every round asks every answer once, and
the first rounds also run every reference once, so a slow spell of the machine weighs on all figures
alike."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from analytics.db.engine import get_engine
from tests.benchmarks.common import median, percentile, timed
from tests.benchmarks.questions import Question, RawFigures


@dataclass(frozen=True)
class Case:
    """One answer to time: `ask` gets it and says how large it is."""

    question: Question
    endpoint: str
    zone: str
    ask: Callable[[], int]
    reference: tuple[RawFigures, ...]  # the same answer's SQL over the raw rows

    @property
    def name(self) -> str:
        return f"({self.question.key}) {self.endpoint} {self.zone}"


@dataclass(frozen=True)
class Figures:
    case: Case
    p50: float  # seconds
    p95: float
    raw_p50: float
    size: int  # what `ask` answered

    @property
    def met(self) -> bool:
        return self.p50 * 1000 < self.case.question.target_ms

    @property
    def timing(self) -> Timing:
        return Timing(self.case.name, self.p50, self.raw_p50)


@dataclass(frozen=True)
class Timing:
    """What the scale check compares of a Figures, sent back from the process that measured it."""

    name: str
    p50: float  # seconds
    raw_p50: float


def run_reference(reference: tuple[RawFigures, ...]) -> int:
    """The reference's rows, fetched as the handler fetches its own."""
    with get_engine().connect() as connection:
        return sum(statement.rows(connection) for statement in reference)


def measure(cases: list[Case], runs: int, raw_runs: int) -> list[Figures]:
    sizes = [case.ask() for case in cases]  # a first, untimed round
    references = list(dict.fromkeys(case.reference for case in cases))
    answer_times: list[list[float]] = [[] for _ in cases]
    reference_times: dict[tuple[RawFigures, ...], list[float]] = {reference: [] for reference in references}
    rounds, began = max(runs, raw_runs), time.perf_counter()
    for round_number in range(rounds):
        if round_number < runs:
            for case, times in zip(cases, answer_times, strict=True):
                times.append(timed(case.ask))
        if round_number < raw_runs:
            for reference, times in reference_times.items():
                times.append(timed(partial(run_reference, reference)))
        print(
            f"  round {round_number + 1}/{rounds} done after {time.perf_counter() - began:,.0f}s", flush=True
        )
    return [
        Figures(case, median(times), percentile(times, 0.95), median(reference_times[case.reference]), size)
        for case, times, size in zip(cases, answer_times, sizes, strict=True)
    ]
