"""The benchmark's figures as tables: per question against its target, and one size against another."""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby

from tests.benchmarks.measure import Figures, Timing

SCALE_LIMIT = 1.3  # each figure with three times the rows, against its figure at the smaller size


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def print_targets(figures: list[Figures], size: Callable[[int], str]) -> None:
    """Per question: each answer's p50 and p95, its raw reference's p50 and the ratio, and its target."""
    header = f"  {'endpoint':<30} {'zone':<17} {'p50 ms':>9} {'p95 ms':>9} {'raw p50 ms':>11} {'raw/p50':>8}"
    for question, rows in groupby(figures, key=lambda f: f.case.question):
        print(f"\n({question.key}) {question.label}: target p50 under {question.target_ms:g} ms")
        print(f"{header} {'answer':>13}  target")
        for f in rows:
            case = f.case
            print(
                f"  {case.endpoint:<30} {case.zone:<17} {ms(f.p50):>9} {ms(f.p95):>9} {ms(f.raw_p50):>11} "
                f"{f.raw_p50 / f.p50:>7,.1f}x {size(f.size):>13}  {'met' if f.met else 'MISSED'}"
            )
    met = sum(f.met for f in figures)
    print(f"\ntargets met: {met} of {len(figures)}")


def print_scale(smaller: tuple[str, list[Timing]], larger: tuple[str, list[Timing]]) -> None:
    """Each figure's p50 at the larger size against the smaller, beside the raw reference's ratio."""
    (small_label, small), (large_label, large) = smaller, larger
    print(f"\nscale check: {large_label} against {small_label}, each p50 within {SCALE_LIMIT}x")
    print(
        f"  {'figure':<50} {small_label + ' p50 ms':>12} {large_label + ' p50 ms':>12} {'ratio':>6} "
        f"{'raw ratio':>9}  limit"
    )
    within = 0
    for before, after in zip(small, large, strict=True):
        assert before.name == after.name, (before.name, after.name)
        ratio = after.p50 / before.p50
        within += ratio <= SCALE_LIMIT
        print(
            f"  {before.name:<50} {ms(before.p50):>12} {ms(after.p50):>12} {ratio:>6.2f} "
            f"{after.raw_p50 / before.raw_p50:>9.2f}  {'met' if ratio <= SCALE_LIMIT else 'MISSED'}"
        )
    print(f"\nwithin {SCALE_LIMIT}x: {within} of {len(small)}")
