"""Goal benchmark: how well the engine's probability that a total reaches a target is calibrated.

    python -m tests.benchmarks.goals --series ../shared/benchmarks/forecast/dev_series.json.gz \\
        --targets-from-test 0.85,0.95,1.05,1.15 --out .local/goals.json --score

Each series of the kit's format (`{"id", "season_length", "horizon", "train", ...}`) with a list
`targets` is a set of goals "the total of the next `horizon` values reaches the target", seen at the end
of `train`. Its probabilities come from `total_outlook(...).probability_at_least(target)`, the engine
function the API calls (at the end of `train` the goal's current value is 0), and are written as
`[{"id", "targets", "probabilities", "total": {"level", "mean", "lower", "upper"}}]`.

Series without `targets` get them from `--targets-from-test`: each factor times the series' actual
total, `sum(test[:horizon])`. The test values build the targets and nothing else: the probabilities see
only the id, season length, horizon, training values and targets.

`--score` then reads the written file back and, against the actual totals, prints:
- the Brier score of the engine's probabilities and of the spec's rule (a least-squares line through
  `train`, extrapolated over the horizon: 1 if its total reaches the target, else 0), pooled and per
  source;
- the reliability table: goals by tenth of predicted probability, their mean predicted probability
  and the share reached;
- how often the actual total falls inside the engine's 90% interval.
Targets on the kit's development set with factors 0.85, 0.95, 1.05, 1.15: a Brier score at least 25%
lower than the linear rule's, and in every tenth holding 50 or more goals the share reached within 0.08
of the mean predicted probability; median runtime well under 100 ms per series with a season of 12 or
less.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from analytics.engine.forecasting import total_outlook
from tests.benchmarks.common import median, percentile

LEVEL = 0.9
MIN_GOALS_PER_TENTH = 50
MAX_TENTH_GAP = 0.08
MIN_BRIER_GAIN = 0.25


@dataclass(frozen=True)
class Goals:
    """What the probabilities may see of a series."""

    id: str
    season_length: int
    horizon: int
    train: list[float]
    targets: list[float]


def load(path: Path) -> Any:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as stream:
        return json.load(stream)


def actual_total(record: dict[str, Any]) -> float | None:
    """The total of the `horizon` values after `train`, None when the file does not hold them all."""
    test, horizon = record.get("test"), int(record["horizon"])
    if not isinstance(test, list) or len(test) < horizon:
        return None
    return float(np.sum(np.asarray(test[:horizon], dtype=float)))


def read_goals(
    records: list[dict[str, Any]], factors: list[float] | None
) -> tuple[list[Goals], dict[str, int]]:
    """Goals of each series: its own `targets`, else `factors` times its actual total; counts of each."""
    goals, counts = [], {"own targets": 0, "targets from test": 0, "no targets (skipped)": 0}
    for record in records:
        targets = record.get("targets")
        if targets is not None:
            counts["own targets"] += 1
        elif factors is not None and (total := actual_total(record)) is not None:
            targets = [factor * total for factor in factors]
            counts["targets from test"] += 1
        else:
            counts["no targets (skipped)"] += 1
            continue
        goals.append(
            Goals(
                id=str(record["id"]),
                season_length=int(record["season_length"]),
                horizon=int(record["horizon"]),
                train=list(record["train"]),
                targets=[float(target) for target in targets],
            )
        )
    return goals, counts


def outlook_of(goals: Goals) -> dict[str, Any]:
    """The answer the API would give at the end of `train`, for every target of the series."""
    outlook = total_outlook(
        np.asarray(goals.train, dtype=float),
        goals.horizon,
        season_length=goals.season_length,
        levels=(LEVEL,),
    )
    (interval,) = outlook.intervals
    return {
        "id": goals.id,
        "targets": goals.targets,
        "probabilities": [outlook.probability_at_least(target) for target in goals.targets],
        "total": {"level": LEVEL, "mean": outlook.mean, "lower": interval.lower, "upper": interval.upper},
    }


def linear_trend_total(train: np.ndarray, horizon: int) -> float:
    """The spec's rule: the least-squares line through the history, summed over the next `horizon` steps."""
    n = train.size
    t = np.arange(n, dtype=float)
    slope = float(np.polyfit(t, train, 1)[0]) if n > 1 else 0.0
    intercept = float(train.mean()) - slope * float(t.mean())
    return float(np.sum(intercept + slope * np.arange(n, n + horizon)))


def score(records: list[dict[str, Any]], answers: list[dict[str, Any]]) -> None:
    by_id = {str(record["id"]): record for record in records}
    predicted, linear, reached, sources = [], [], [], []
    inside, unscored = [], 0
    for answer in answers:
        record = by_id[answer["id"]]
        total = actual_total(record)
        if total is None:
            unscored += 1
            continue
        rule = linear_trend_total(np.asarray(record["train"], dtype=float), int(record["horizon"]))
        for target, probability in zip(answer["targets"], answer["probabilities"], strict=True):
            predicted.append(probability)
            linear.append(1.0 if rule >= target else 0.0)
            reached.append(1.0 if total >= target else 0.0)
            sources.append(str(record.get("source", "(no source)")))
        inside.append(answer["total"]["lower"] <= total <= answer["total"]["upper"])
    if not predicted:
        print("nothing to score: no series holds its horizon's test values")
        return
    p, rule_p, y, source = (np.array(column) for column in (predicted, linear, reached, sources))
    print(f"\nscored {len(inside):,} series, {p.size:,} goals ({y.mean():.1%} reached)", end="")
    print(f"; {unscored:,} series without the horizon's test values not scored" if unscored else "")

    print("\nBrier score (lower is better): engine's probability vs the linear-trend rule (0/1)")
    print(f"  {'source':<14}{'goals':>7}{'engine':>9}{'linear':>9}{'lower by':>10}")
    names = sorted(set(sources))
    for name in [*names, "pooled"] if len(names) > 1 else ["pooled"]:
        mask = np.ones(p.size, bool) if name == "pooled" else source == name
        ours, theirs = np.mean((p[mask] - y[mask]) ** 2), np.mean((rule_p[mask] - y[mask]) ** 2)
        lower_by = f"{1 - ours / theirs:10.1%}" if theirs > 0 else f"{'-':>10}"
        print(f"  {name:<14}{int(mask.sum()):>7,}{ours:9.4f}{theirs:9.4f}{lower_by}")

    print("\nreliability of the engine's probabilities (pooled), by tenth of predicted probability")
    print(f"  {'tenth':<11}{'goals':>7}{'predicted':>11}{'reached':>9}{'gap':>8}")
    tenths = np.minimum((p * 10).astype(int), 9)
    worst: float | None = None
    for tenth in range(10):
        mask = tenths == tenth
        label = f"{tenth / 10:.1f}-{(tenth + 1) / 10:.1f}"
        if not mask.any():
            print(f"  {label:<11}{0:>7}")
            continue
        gap = float(y[mask].mean() - p[mask].mean())
        counted = mask.sum() >= MIN_GOALS_PER_TENTH
        worst = max(worst or 0.0, abs(gap)) if counted else worst
        flag = "" if counted else "  (fewer than 50 goals: not counted)"
        flag = "  OUT OF BOUNDS" if counted and abs(gap) > MAX_TENTH_GAP else flag
        print(
            f"  {label:<11}{int(mask.sum()):>7,}{p[mask].mean():11.3f}{y[mask].mean():9.3f}{gap:+8.3f}{flag}"
        )

    ours, theirs = np.mean((p - y) ** 2), np.mean((rule_p - y) ** 2)
    gain = 1 - ours / theirs if theirs > 0 else float("nan")
    coverage = float(np.mean(inside))
    print(
        f"\nactual total inside the engine's {LEVEL:.0%} interval: {coverage:.3f} of {len(inside):,} series"
    )
    print("targets:")
    print(
        f"  Brier score {ours:.4f} vs linear rule {theirs:.4f}: {gain:.1%} lower "
        f"(target: at least {MIN_BRIER_GAIN:.0%}) -> {'met' if gain >= MIN_BRIER_GAIN else 'NOT MET'}"
    )
    if worst is None:
        print(f"  reliability: no tenth holds {MIN_GOALS_PER_TENTH} goals -> not assessed")
    else:
        print(
            f"  largest gap in a tenth of {MIN_GOALS_PER_TENTH}+ goals: {worst:.3f} "
            f"(target: at most {MAX_TENTH_GAP}) -> {'met' if worst <= MAX_TENTH_GAP else 'NOT MET'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--series", type=Path, required=True, help="series file (JSON, optionally gzipped)")
    parser.add_argument("--out", type=Path, required=True, help="probabilities file to write")
    parser.add_argument(
        "--targets-from-test",
        type=lambda text: [float(part) for part in text.split(",")],
        metavar="FACTORS",
        help="for series without targets: these factors (comma-separated) times the actual test total",
    )
    parser.add_argument("--score", action="store_true", help="score the written probabilities against test")
    args = parser.parse_args()

    records = load(args.series)
    goals, counts = read_goals(records, args.targets_from_test)
    answers: list[dict[str, Any]] = []
    runtimes: dict[int, list[float]] = defaultdict(list)
    for series in goals:
        began = time.perf_counter()
        answers.append(outlook_of(series))
        runtimes[series.season_length].append(time.perf_counter() - began)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    opener = gzip.open if args.out.suffix == ".gz" else open
    with opener(args.out, "wt") as stream:
        json.dump(answers, stream)

    targets = sum(len(series.targets) for series in goals)
    print(f"{len(goals):,} series, {targets:,} goals: probabilities written to {args.out}")
    print("  " + ", ".join(f"{count:,} series with {what}" for what, count in counts.items() if count))
    print("runtime per series (one core, the outlook and every target's probability):")
    for season_length, times in sorted(runtimes.items()):
        print(
            f"  season {season_length:>3}: {len(times):>6,} series, median {1000 * median(times):6.1f} ms, "
            f"p95 {1000 * percentile(times, 0.95):6.1f} ms"
        )
    if args.score:
        with opener(args.out, "rt") as stream:
            score(records, json.load(stream))


if __name__ == "__main__":
    main()
