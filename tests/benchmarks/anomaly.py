"""Anomaly benchmark: the engine's detector, with its default parameters, over every series of a
Numenta Anomaly Benchmark (NAB) style folder, in one causal pass per file.

    python -m tests.benchmarks.anomaly [--data ../shared/benchmarks/anomaly] [--out .local/anomaly-scores]
    python ../shared/benchmarks/anomaly/score.py --scores .local/anomaly-scores

For every DATA/data/<category>/<file>.csv (`timestamp,value`) writes OUT/<category>/<file>.csv with
`timestamp,anomaly_score,is_anomaly`, one row per data row, and prints files, rows and seconds. The kit's
scorer gives the NAB score with its corpus-tuned threshold and with the detector's own flags.
Targets on the kit's development files: standard score at least 60 tuned and 50 with the default flags
(NAB's windowedGaussian: 51.3), and above windowedGaussian on reward-low-FP (45.50) and reward-low-FN
(59.31).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import time
from pathlib import Path

import numpy as np

from analytics.engine.anomalies import detect_anomalies

KIT = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks" / "anomaly"


def read_series(path: Path) -> tuple[list[str], np.ndarray]:
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        rows = [row for row in reader if row]
    return [row[0] for row in rows], np.array([float(row[1]) for row in rows])


def utc_time(stamp: str) -> dt.datetime:
    """The time of an ISO 8601 stamp, in UTC without a zone (NAB's stamps carry none)."""
    moment = dt.datetime.fromisoformat(stamp.strip())
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


def write_scores(path: Path, timestamps: list[str], scores: np.ndarray, flags: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["timestamp", "anomaly_score", "is_anomaly"])
        writer.writerows(
            (stamp, f"{score:.8f}", int(flag))
            for stamp, score, flag in zip(timestamps, scores, flags, strict=True)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=KIT, help="a folder holding data/<category>/<file>.csv")
    parser.add_argument("--out", type=Path, default=Path(".local/anomaly-scores"))
    args = parser.parse_args()
    files = sorted((args.data / "data").glob("*/*.csv"))
    if not files:
        raise SystemExit(f"no data/<category>/<file>.csv under {args.data}")
    rows = flagged = 0
    seconds = 0.0
    for path in files:
        timestamps, values = read_series(path)
        target = args.out / path.relative_to(args.data / "data")
        if not values.size:
            write_scores(target, [], np.zeros(0), np.zeros(0, dtype=bool))
            continue
        times = np.array([utc_time(stamp) for stamp in timestamps], dtype="datetime64[us]")
        start = time.perf_counter()
        result = detect_anomalies(values, timestamps=times)
        seconds += time.perf_counter() - start
        write_scores(target, timestamps, result.scores, result.flags)
        rows += values.size
        flagged += int(result.flags.sum())
    print(f"{len(files)} files, {rows} rows, {flagged} flagged, {seconds:.2f} s detecting")
    print(f"parameters: {detect_anomalies(np.zeros(1)).parameters}")
    print(f"score them with: python {KIT / 'score.py'} --scores {args.out} --data {args.data}")


if __name__ == "__main__":
    main()
