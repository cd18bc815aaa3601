"""The per-container answer cache: answers expire, the oldest go first, and a key is one question."""

from __future__ import annotations

from analytics.answer_cache import AnswerCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_answer_is_kept_for_its_time_to_live_and_computed_again_after() -> None:
    clock, computed = Clock(), []
    cache = AnswerCache(8, clock)

    def compute() -> int:
        computed.append(1)
        return len(computed)

    first = cache.get_or_compute("q", 300, compute)
    clock.now += 299
    kept = cache.get_or_compute("q", 300, compute)
    clock.now += 2
    expired = cache.get_or_compute("q", 300, compute)

    assert (first, kept, expired) == (1, 1, 2)


def test_a_full_cache_lets_its_oldest_answer_go() -> None:
    cache = AnswerCache(2, Clock())
    for key in ("a", "b", "c"):
        cache.get_or_compute(key, 300, lambda key=key: key.upper())

    assert cache.get_or_compute("a", 300, lambda: "again") == "again"
    assert cache.get_or_compute("c", 300, lambda: "again") == "C"


def test_nothing_is_kept_without_a_time_to_live() -> None:
    cache = AnswerCache(8, Clock())

    cache.get_or_compute("q", 0, lambda: 1)

    assert cache.get_or_compute("q", 300, lambda: 2) == 2
