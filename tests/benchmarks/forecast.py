"""Forecast benchmark: the engine's forecasts of a file of series, in the M4 competition's terms.

    python -m tests.benchmarks.forecast --series ../shared/benchmarks/forecast/dev_series.json.gz \\
        --out .local/forecasts.json [--level 95]
    python ../shared/benchmarks/forecast/score.py --series ... --forecasts .local/forecasts.json

Reads each series' id, season_length, horizon and training values only (never its test values), calls
the same `forecast` the API calls, writes `{"id", "mean", "lower", "upper"}` per series and prints the
median and 95th-percentile runtime per series, by season length, on one core.
Targets on the kit's development set: pooled OWA at most 0.80, per source at most the best reference;
95% intervals covering 93-97% pooled (92-97% per source), pooled MSIS at most 9.5; median runtime at
most 50 ms per series with a season of 12 or less, 250 ms hourly.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from analytics.engine.forecasting import forecast
from tests.benchmarks.common import median, percentile

FIELDS = ("id", "season_length", "horizon", "train")


def read_series(path: Path) -> list[dict[str, Any]]:
    """The fields a forecaster may see, whatever else the file holds."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as stream:
        loaded = json.load(stream)
    return [{field: record[field] for field in FIELDS} for record in loaded]


def write_forecasts(path: Path, forecasts: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt") as stream:
        json.dump(forecasts, stream)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--series", type=Path, required=True, help="series file (JSON, optionally gzipped)")
    parser.add_argument("--out", type=Path, required=True, help="forecasts file to write")
    parser.add_argument("--level", type=float, default=95.0, help="prediction interval level in percent")
    args = parser.parse_args()

    series = read_series(args.series)
    level = args.level / 100
    forecasts: list[dict[str, Any]] = []
    runtimes: dict[int, list[float]] = defaultdict(list)
    models: dict[str, int] = defaultdict(int)
    for record in series:
        values = np.asarray(record["train"], dtype=float)
        season_length = int(record["season_length"])
        began = time.perf_counter()
        answer = forecast(values, int(record["horizon"]), season_length=season_length, level=level)
        runtimes[season_length].append(time.perf_counter() - began)
        models[answer.model] += 1
        forecasts.append(
            {
                "id": record["id"],
                "mean": answer.mean.tolist(),
                "lower": answer.lower.tolist(),
                "upper": answer.upper.tolist(),
            }
        )
    write_forecasts(args.out, forecasts)

    print(f"{len(forecasts):,} series forecast at level {args.level:g}% into {args.out}")
    for model, count in sorted(models.items(), key=lambda item: -item[1]):
        print(f"  {count:>6,}  {model}")
    print("runtime per series (one core):")
    for season_length, times in sorted(runtimes.items()):
        print(
            f"  season {season_length:>3}: {len(times):>6,} series, median {1000 * median(times):6.1f} ms, "
            f"p95 {1000 * percentile(times, 0.95):6.1f} ms"
        )
    print("targets: median at most 50 ms with a season of 12 or less, 250 ms hourly")


if __name__ == "__main__":
    main()
